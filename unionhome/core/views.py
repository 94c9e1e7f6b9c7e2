from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import throttle
from .access import staff_required, work_home
from .areas import BY_SLUG
from .auth import device_end as device_end_for
from .auth import login_gate, record_session
from .errors import NotFound
from .forms import int_param
from .links import link_or
from .middleware import ELDER_COOKIE, LANG_COOKIE, SUPPORTED
from .notifications import inbox_threads, mark_read, open_message
from .panels import MEMBER_PLACES, member_panels_for, panels_for
from .throttle import Throttled

YEAR = 365 * 24 * 3600


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("手机号（或用户名）和密码对不上，请再试一次。忘了密码可以用短信验证码登录。"),
        "inactive": _("这个账号已停用，请联系工会。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("手机号或用户名")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "inputmode": "text"})
        self.fields["password"].label = _("密码")


class PasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("现在的密码")
        self.fields["new_password1"].label = _("新密码")
        self.fields["new_password2"].label = _("再输一遍新密码")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A new password ends every other session and every app's token (core.models.User.save);
    this browser stays signed in under a new session key, recorded again."""

    template_name = "core/password.html"
    form_class = PasswordForm
    TRIES = 5  # wrong current passwords a quarter of an hour: a borrowed session cannot guess it

    def post(self, request, *args, **kwargs):
        key = str(request.user.pk)
        if throttle.over("password.old", key, limit=self.TRIES):
            context = self.get_context_data(form=self.get_form())
            context["locked_message"] = Throttled(900).message
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            throttle.hit("password.old", str(self.request.user.pk), limit=self.TRIES, window=900)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)  # saves, then update_session_auth_hash
        record_session(None, self.request, self.request.user)
        messages.success(self.request, _("密码已修改，其他设备和应用已退出登录"))
        return response

    def get_success_url(self):
        return "/profile/"


@login_required
@require_POST
def device_end(request):
    """End one of one's own sessions or app tokens (the profile page's 退出 beside it)."""
    kind = "token" if request.POST.get("kind") == "token" else "session"
    try:
        device_end_for(request.user, kind=kind, pk=int_param(request.POST.get("id")))
    except NotFound:
        raise Http404 from None
    messages.success(request, _("该设备已退出登录"))
    return HttpResponseRedirect("/profile/#devices")


@login_required
@require_POST
def devices_end_others(request):
    """退出其他所有设备: every session and token but this browser's session."""
    count = request.user.sign_out_everywhere(keep=request.session.session_key)
    messages.success(request, _("已退出其他 %(n)d 个设备") % {"n": count})
    return HttpResponseRedirect("/profile/#devices")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        try:
            login_gate(request, request.POST.get("username", ""))
        except Throttled as exc:
            context = {"locked_message": exc.message, "form": self.get_form()}
            return render(request, self.template_name, context, status=429)
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self):
        # Django's own check lets "/%5Cevil.example" through; ours is the platform's one rule.
        return link_or(super().get_redirect_url())

    def get_default_redirect_url(self):
        """Without a `next`, staff and handlers land on their own work, members on their home."""
        return work_home(self.request.user) or super().get_default_redirect_url()

    def form_valid(self, form):
        response = super().form_valid(form)
        # A 长辈版 choice made on this browser before logging in is kept for the person.
        user = form.get_user()
        if self.request.COOKIES.get(ELDER_COOKIE) == "1" and not user.elder_mode:
            user.elder_mode = True
            user.save(update_fields=["elder_mode"])
        return response


def _safe_next(request, default: str = "/") -> str:
    return link_or(request.POST.get("next") or request.GET.get("next"), default)


@login_required
def area(request, slug: str):
    if slug not in BY_SLUG:
        raise Http404
    return render(request, "core/area.html", {"area": BY_SLUG[slug]})


@require_POST
def set_elder_mode(request):
    """The 长辈版 switch: remembered on this browser and, when logged in, for the person."""
    on = request.POST.get("on") == "1"
    if request.user.is_authenticated and request.user.elder_mode != on:
        request.user.elder_mode = on
        request.user.save(update_fields=["elder_mode"])
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        ELDER_COOKIE,
        "1" if on else "0",
        max_age=YEAR,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@require_POST
def set_language(request):
    code = request.POST.get("language")
    if code not in SUPPORTED:
        code = settings.LANGUAGE_CODE
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    response = HttpResponseRedirect(_safe_next(request))
    response.set_cookie(
        LANG_COOKIE, code, max_age=YEAR, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
    )
    return response


@login_required
def inbox(request):
    pinned, threads = inbox_threads(request.user, 100)
    return render(request, "core/inbox.html", {"pinned": pinned, "threads": threads})


@login_required
def inbox_open(request, pk: int):
    """Opening a message reads it — with the repeats of the same title shown beside it — and
    goes where it points (or back to the inbox)."""
    opened = open_message(request.user, pk)
    if opened is None:
        raise Http404
    ids = [int_param(i) for i in request.GET.getlist("also")][:200]
    if ids:
        mark_read(request.user, ids=ids)
    return HttpResponseRedirect(link_or(opened.url, f"/inbox/#m{opened.pk}"))


@login_required
@require_POST
def inbox_read(request):
    mark_read(request.user)
    return HttpResponseRedirect("/inbox/")


def error_404(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": _("找不到页面"), "message": _("您要找的内容不存在，或您没有权限查看。")},
        status=404,
    )


def error_403(request, exception=None):
    return render(
        request,
        "core/error.html",
        {"title": _("无权访问"), "message": _("只有相应的工作人员可以使用此功能。")},
        status=403,
    )


def error_500(request):
    return render(
        request,
        "core/error.html",
        {
            "title": _("出错了"),
            "message": _("系统暂时出了点问题，请稍后再试。您填写的内容没有丢失，可以返回上一页重新提交。"),
        },
        status=500,
    )


def privacy(request):
    """The privacy notice the join form's consent points to: what is kept, why, who sees it."""
    return render(request, "core/privacy.html")


@staff_required
def desk(request):
    """The chair's desk: what needs deciding or chasing today, from every app (core.panels)."""
    return render(request, "staff/desk.html", {"panels": panels_for(request.user)})


@login_required
def member_panels(request, place: str):
    """The panels of a member page (core.panels.member_panel: 为您推荐 …), fetched by the page
    after it has shown, so that the page itself stays within its few queries."""
    if place not in MEMBER_PLACES:
        raise Http404
    return render(
        request, "core/_member_panels.html", {"member_panels": member_panels_for(request.user, place)}
    )
