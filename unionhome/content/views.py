"""Pages: news for members; news and targeted notices for staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error
from unionhome.core.models import Site
from unionhome.core.notifications import optional_channels
from unionhome.core.paging import page_of
from unionhome.core.scoping import home_org, scope
from unionhome.core.uploads import serve

from . import selectors, services
from .forms import ArticleForm, NoticeForm
from .models import Column


@login_required
def news(request):
    column = request.GET.get("column", "")
    if column not in Column.values:
        column = ""
    return render(
        request,
        "content/news.html",
        {
            "articles": selectors.articles_published(request.user, column)[:50],
            "columns": Column.choices,
            "column": column,
        },
    )


@login_required
def article_image(request, pk: int):
    """An article's picture, to whoever may read the article."""
    item = selectors.article_get(request.user, pk)
    if not item.image:
        raise NotFound()
    return serve(item.image, label=item.title, cache="private, max-age=86400")


@login_required
def article(request, pk: int):
    item = selectors.article_get(request.user, pk)
    services.article_read(article=item, user=request.user)
    # Cleaned again as it is shown: a body saved before the heading rule gets it too.
    body = services.clean_html(item.body)
    return render(
        request, "content/article.html", {"article": item, "body": body, "column": Column(item.column).label}
    )


# -- staff -------------------------------------------------------------------------------------


@staff_required
def staff_news(request):
    return render(
        request,
        "content/staff/news.html",
        {"articles": page_of(request, selectors.articles_managed(request.user))},
    )


@staff_required
def staff_article(request, pk: int | None = None):
    item = selectors.article_managed_get(request.user, pk) if pk else None
    initial = (
        {
            "title": item.title,
            "column": item.column,
            "summary": item.summary,
            "body": item.body,
            "image_alt": item.image_alt,
            "pinned": item.pinned,
            "publish": item.status == "published",
            "published_at": item.published_at,
        }
        if item
        else {"publish": True}
    )
    form = ArticleForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.article_save(
                actor=request.user,
                org=item.org if item else home_org(request.user),
                article=item,
                **form.cleaned_data | {"image": form.cleaned_data.get("image") or None},
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("staff-article", saved.pk)
    return render(
        request,
        "content/staff/article.html",
        {"form": form, "article": item},
        status=400 if form.errors else 200,
    )


@staff_required
def staff_notices(request):
    notices = page_of(request, selectors.notices_managed(request.user))
    for n in notices:
        n.reach = services.notice_reach(n)  # from the annotated count: no query per notice
    return render(request, "content/staff/notices.html", {"notices": notices})


@staff_required
def staff_notice_new(request):
    org = home_org(request.user)
    sites = scope(Site.objects.all(), request.user).order_by("name")
    form = NoticeForm(request.POST or None, sites=sites, channels=optional_channels())
    count = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "preview":
                count = services.audience_count(org, form.audience())
            else:
                notice = services.notice_send(
                    actor=request.user,
                    org=org,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    audience=form.audience(),
                    channels=form.cleaned_data.get("channels") or [],
                )
                messages.success(request, _("通知已发出"))
                return redirect("staff-notice", notice.pk)
        except DomainError as exc:
            add_domain_error(form, exc)
    return render(
        request,
        "content/staff/notice_new.html",
        {"form": form, "count": count, "org": org},
        status=400 if form.errors else 200,
    )


@staff_required
def staff_notice(request, pk: int):
    notice = selectors.notice_get(request.user, pk)
    return render(
        request, "content/staff/notice.html", {"notice": notice, "reach": services.notice_reach(notice)}
    )
