"""Appeal pages: the member's submit, list, timeline and rating; the staff workbench, hotline entry,
appeal handling, figures, rectification and risk lists, station QR codes; the handler's queue;
legal services for both."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from unionhome.core.access import staff_required
from unionhome.core.audit import timeline_entries
from unionhome.core.errors import DomainError
from unionhome.core.forms import add_domain_error, day_param, int_param
from unionhome.core.models import Site
from unionhome.core.paging import page_of
from unionhome.core.qr import qr_svg
from unionhome.core.scoping import (
    by_rule,
    colleagues,
    get_scoped,
    scope,
    within,
)
from unionhome.core.stepper import steps
from unionhome.core.uploads import serve
from unionhome.members.departments import department_choices
from unionhome.members.proxy import proxy_for
from unionhome.members.selectors import member_of

from . import dispatch, recurring, review, selectors, services
from .forms import (
    AppealFilterForm,
    AppealForm,
    CloseForm,
    ConfirmForm,
    DispatchForm,
    FollowUpForm,
    HotlineForm,
    RateForm,
    StepForm,
    SupplementForm,
)
from .insights import DEFINITIONS, DIMENSIONS, appeal_figures
from .models import (
    OPEN_STATUSES,
    ROUTE_PLAIN,
    Appeal,
    Category,
    Channel,
    Rectification,
    RiskItem,
    Route,
    Status,
)

# ---------------------------------------------------------------- member


def _sites_for(member):
    return within(Site.objects, (member.org.enterprise() or member.org) if member else None)


def _submit(request, form, **extra) -> Appeal | None:
    """Submit what the member or hotline form holds; a refusal goes back onto the form."""
    data = form.cleaned_data
    try:
        return services.appeal_submit(
            actor=request.user,
            text=data["text"],
            title=data["title"],
            site=data["site"],
            anonymous=data["anonymous"],
            photos=data["photos"],
            **extra,
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


@login_required
def my_appeals(request):
    return render(
        request, "appeals/mine.html", {"appeals": selectors.my_appeals(request.user).select_related("site")}
    )


@login_required
def appeal_new(request):
    raw_proxy = request.POST.get("proxy") or request.GET.get("proxy")
    proxy = proxy_for(actor=request.user, consent_id=int_param(raw_proxy)) if raw_proxy else None
    member = proxy.member if proxy else member_of(request.user)
    if member is None:
        return render(
            request,
            "core/error.html",
            {"title": _("请先入会"), "message": _("加入工会后就可以在这里反映诉求。")},
            status=403,
        )
    sites = _sites_for(member)
    station = request.GET.get("station") == "1"
    initial = {"site": int_param(request.GET.get("site")) or None}
    form = AppealForm(request.POST or None, request.FILES or None, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        channel = Channel.STATION if request.POST.get("station") == "1" else Channel.ONLINE
        appeal = _submit(request, form, channel=channel, proxy=proxy)
        if appeal is not None and proxy is not None:
            messages.success(
                request, _("已代 %(name)s 提交，编号 %(n)s。") % {"name": member.name, "n": appeal.number}
            )
            return redirect("proxy-consent", proxy.pk)
        if appeal is not None:
            messages.success(
                request, _("已提交，编号 %(n)s。办理进展会发到“我的消息”。") % {"n": appeal.number}
            )
            return redirect("appeal", appeal.pk)
    return render(
        request,
        "appeals/new.html",
        {"form": form, "station": station, "categories": Category.choices, "proxy": proxy, "member": member},
    )


@login_required
def appeal_file(request, pk: int):
    """A photo, to whoever may see its appeal; a department's evidence, to staff and handlers only,
    as the pages show it (core.uploads.serve)."""
    from .models import Attachment

    photos = by_rule(Attachment.objects, "may_see below: the appeal's member, its staff, its handlers")
    row = photos.select_related("appeal__org", "appeal__member").filter(pk=pk).first()
    if row is None or not selectors.may_see(request.user, row.appeal, internal=row.dispatch_id is not None):
        raise Http404
    label = _("诉求 %(number)s 附件 %(n)s") % {"number": row.appeal.number, "n": row.pk}
    return serve(row.file, label=label)


STEPS = [_l("提交"), _l("受理"), _l("办理"), _l("答复"), _l("评价")]
REACHED = {Status.SUBMITTED: 1, Status.ROUTED: 2, Status.DISPATCHED: 2, Status.CLOSED: 4, Status.RATED: 5}


@login_required
def appeal_page(request, pk: int):
    """The member's appeal: where it stands (a stepper), who handles it, what was done; while open
    they can add material or ask to hurry, once closed they rate it."""
    appeal = selectors.appeal_get(request.user, pk)
    if not services.is_own(request.user, appeal):
        if services.is_staff_for(request.user, appeal):
            return redirect("staff-appeal", pk)
        raise Http404
    action = request.POST.get("action", "rate") if request.method == "POST" else ""
    form = RateForm(request.POST if action == "rate" else None)
    more = SupplementForm(request.POST if action == "supplement" else None, request.FILES or None)
    try:
        if action == "urge":
            services.appeal_urge(appeal, actor=request.user)
            messages.success(request, _("已催办，工会会尽快处理。"))
            return redirect("appeal", pk)
        if action == "supplement" and more.is_valid():
            try:
                services.appeal_supplement(appeal, actor=request.user, **more.cleaned_data)
            except DomainError as exc:
                add_domain_error(more, exc)
            else:
                messages.success(request, _("已补充，承办人会看到。"))
                return redirect("appeal", pk)
        if action == "rate" and form.is_valid():
            try:
                services.appeal_rate(appeal, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if form.cleaned_data["rating"] <= 2:
                    messages.success(request, _("很抱歉没有让您满意，诉求已重新办理。"))
                else:
                    messages.success(request, _("谢谢您的评价！"))
                return redirect("appeal", pk)
    except DomainError as exc:  # a refusal with no box of its own (催办 twice in a day)
        messages.error(request, exc.message)
        return redirect("appeal", pk)
    is_open = appeal.status in OPEN_STATUSES
    return render(
        request,
        "appeals/detail.html",
        {
            "appeal": appeal,
            "steps": steps(STEPS, REACHED[appeal.status]),
            "route_plain": ROUTE_PLAIN.get(appeal.route, ""),
            "timeline": timeline_entries(appeal),
            "form": form if appeal.status == Status.CLOSED else None,
            "more": more if is_open else None,
            "can_urge": is_open,
            "photos": appeal.attachments.filter(dispatch__isnull=True),
        },
        status=400 if action and (form.errors or more.errors) else 200,
    )


# ---------------------------------------------------------------- staff


TAB_LABELS = [
    ("new", _("待受理")),
    ("mine", _("我承办的")),
    ("due", _("即将到期")),
    ("overdue", _("已超期")),
    ("urgent", _("紧急")),
    ("channel", _("按渠道")),
    ("closed", _("已办结")),
    ("all", _("全部")),
]


@staff_required
def workbench(request):
    tab = request.GET.get("tab", "new")
    if tab not in selectors.TABS:
        tab = "new"
    channel = request.GET.get("channel", Channel.HOTLINE)
    search = AppealFilterForm(request.GET, sites=scope(Site.objects.all(), request.user))
    appeals = selectors.appeals_filtered(selectors.workbench(request.user, tab, channel), **search.filters())
    return render(
        request,
        "appeals/staff/workbench.html",
        {
            "tab": tab,
            "tabs": TAB_LABELS,
            "counts": selectors.workbench_counts(request.user),
            "page": page_of(request, appeals),
            "search": search,
            "channel": channel,
            "channels": Channel.choices,
            "routes": Route.choices,
        },
    )


@staff_required
def hotline(request):
    """Entry on a member's behalf: short enough to type while on the phone."""
    sites = scope(Site.objects.all(), request.user)
    initial = {"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "channel": Channel.HOTLINE}
    form = HotlineForm(request.POST or None, request.FILES or None, sites=sites, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        appeal = _submit(
            request,
            form,
            channel=data["channel"],
            received_at=data["received_at"],
            on_behalf_of=data["on_behalf_of"] or None,
        )
        if appeal is not None:
            messages.success(request, _("已登记，编号 %(n)s") % {"n": appeal.number})
            return redirect("staff-appeal", appeal.pk)
    return render(request, "appeals/staff/hotline.html", {"form": form, "categories": Category.choices})


def _staff_appeal(request, pk: int) -> Appeal:
    return get_scoped(Appeal.objects.select_related("org", "site", "member", "owner"), request.user, pk=pk)


def _appeal_forms(appeal: Appeal, choices) -> dict:
    return {
        "confirm": ConfirmForm(initial={"category": appeal.category, "urgent": appeal.urgent}),
        "dispatch": DispatchForm(departments=choices),
        "close": CloseForm(),
        "follow": FollowUpForm(
            initial={"knows_result": appeal.knows_result, "accepts_result": appeal.accepts_result}
        ),
    }


@staff_required
def staff_appeal(request, pk: int):
    appeal = _staff_appeal(request, pk)
    choices = department_choices(appeal.org)
    forms = _appeal_forms(appeal, choices)
    if request.method == "POST":
        action = request.POST.get("action", "")
        bound = {
            "confirm": ConfirmForm,
            "dispatch": DispatchForm,
            "close": CloseForm,
            "follow": FollowUpForm,
        }.get(action)
        form = (
            bound(request.POST, **({"departments": choices} if action == "dispatch" else {}))
            if bound
            else None
        )
        if form is not None:
            forms[action] = form
        if action in STEP_ACTIONS:
            return _staff_step(request, appeal, action)
        try:
            if action == "route":
                services.appeal_route(
                    appeal,
                    actor=request.user,
                    route=request.POST.get("route", ""),
                    workdays=(int_param(request.POST.get("workdays")) or None)
                    if request.POST.get("route") == Route.COORDINATION
                    else None,
                    meeting_on=day_param(request.POST.get("meeting_on")),
                )
                messages.success(request, _("已受理，期限 %(d)s") % {"d": appeal.due_on})
                return redirect("staff-appeal", pk)
            if action == "reopen":
                services.appeal_reopen(appeal, actor=request.user, note=request.POST.get("note", "")[:500])
                return redirect("staff-appeal", pk)
            if form is not None and form.is_valid():
                data = form.cleaned_data
                if action == "confirm":
                    services.appeal_confirm(appeal, actor=request.user, **data)
                elif action == "dispatch":
                    dispatch.appeal_dispatch(appeal, actor=request.user, steps=form.steps())
                elif action == "close":
                    services.appeal_close(appeal, actor=request.user, **data)
                elif action == "follow":
                    services.appeal_follow_up(appeal, actor=request.user, **data)
                messages.success(request, _("已保存"))
                return redirect("staff-appeal", pk)
        except DomainError as exc:
            if form is not None:
                add_domain_error(form, exc, field_map=DispatchForm.FIELD_MAP)
            else:
                messages.error(request, exc.message)
    return _appeal_page(request, appeal, forms, choices)


def _appeal_page(request, appeal: Appeal, forms: dict, choices, step_form=None, step_id=None):
    steps = appeal.dispatches.filter(round=appeal.round).prefetch_related("attachments")
    return render(
        request,
        "appeals/staff/appeal.html",
        {
            "appeal": appeal,
            "timeline": timeline_entries(appeal),
            "dispatches": [
                (
                    d,
                    step_form
                    if d.pk == step_id
                    else StepForm(
                        departments=choices, prefix=f"s{d.pk}", initial={"department": d.department}
                    ),
                )
                for d in steps
            ],
            "photos": appeal.attachments.filter(dispatch__isnull=True),
            "routes": Route.choices,
            **{f"{k}_form": v for k, v in forms.items()},
        },
        status=400 if step_form is not None else 200,
    )


STEP_ACTIONS = ("withdraw", "resend", "answer_for")


def _staff_step(request, appeal: Appeal, action: str):
    """Withdraw, resend or answer for one open step of the appeal's 会办单."""
    choices = department_choices(appeal.org)
    step = appeal.dispatches.filter(pk=int_param(request.POST.get("step"))).first()
    if step is None:
        raise Http404
    step.appeal = appeal
    form = StepForm(request.POST, departments=choices, prefix=f"s{step.pk}")
    form.is_valid()
    data = form.cleaned_data
    try:
        if action == "withdraw":
            dispatch.dispatch_withdraw(step, actor=request.user, reason=data.get("reason", ""))
            messages.success(request, _("已撤回“%(d)s”的会办单") % {"d": step.department})
        elif action == "resend":
            dispatch.dispatch_resend(step, actor=request.user, department=data.get("department", ""))
            messages.success(request, _("已发给“%(d)s”") % {"d": data.get("department", "")})
        else:
            dispatch.dispatch_answer(step, actor=request.user, answer=data.get("answer", ""))
            messages.success(request, _("已代“%(d)s”反馈") % {"d": step.department})
    except DomainError as exc:
        add_domain_error(form, exc)
        forms = _appeal_forms(appeal, choices)
        return _appeal_page(request, appeal, forms, choices, step_form=form, step_id=step.pk)
    return redirect("staff-appeal", appeal.pk)


@staff_required
@require_POST
def quick_route(request, pk: int):
    """One-tap routing from the workbench list."""
    appeal = _staff_appeal(request, pk)
    try:
        services.appeal_route(appeal, actor=request.user, route=request.POST.get("route", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(n)s 已受理，期限 %(d)s") % {"n": appeal.number, "d": appeal.due_on.isoformat()}
        )
    return redirect(f"/staff/appeals/?tab={request.POST.get('tab', 'new')}")


@staff_required
def figures(request):
    by = request.GET.get("by", "category")
    by = by if by in DIMENSIONS else "category"
    start = day_param(request.GET.get("start"))
    end = day_param(request.GET.get("end"))
    result = appeal_figures(selectors.staff_appeals(request.user), start=start, end=end, by=by)
    return render(
        request,
        "appeals/staff/figures.html",
        {"result": result, "by": by, "definitions": DEFINITIONS, "dimensions": _dimension_labels()},
    )


def _dimension_labels():
    return [
        ("category", _("按类别")),
        ("site", _("按地点")),
        ("org", _("按组织")),
        ("group", _("按服务群体")),
        ("month", _("按月份")),
    ]


@staff_required
def rectification(request):
    quarter = request.GET.get("quarter") or recurring.quarter_of(timezone.localdate())
    if request.method == "POST":
        try:
            if request.POST.get("action") == "done":
                item = get_scoped(
                    Rectification.objects.all(), request.user, pk=int_param(request.POST.get("id"))
                )
                review.rectification_update(item, actor=request.user, done=True)
            else:
                owner = colleagues(request.user).filter(pk=int_param(request.POST.get("owner"))).first()
                review.rectification_create(
                    actor=request.user,
                    cluster=int_param(request.POST.get("cluster")),
                    title=request.POST.get("title", ""),
                    owner=owner,
                    due_on=day_param(request.POST.get("due_on"))
                    or timezone.localdate() + dt.timedelta(days=30),
                    next_step=request.POST.get("next_step", ""),
                )
            messages.success(request, _("已保存"))
        except DomainError as exc:
            messages.error(request, exc.message + " " + " ".join(exc.fields.values()))
        return redirect(f"/staff/appeals/rectification/?quarter={quarter}")
    return render(
        request,
        "appeals/staff/rectification.html",
        {
            "quarter": quarter,
            "groups": review.recurring_groups(request.user, quarter),
            "items": scope(
                Rectification.objects.select_related("site", "owner"), request.user
            ).prefetch_related("appeals"),
            "staff": colleagues(request.user),
            "default_due": timezone.localdate() + dt.timedelta(days=30),
        },
    )


@staff_required
def risks(request):
    if request.method == "POST":
        item = get_scoped(RiskItem.objects.all(), request.user, pk=int_param(request.POST.get("id")))
        owner = colleagues(request.user).filter(pk=int_param(request.POST.get("owner"))).first()
        try:
            review.risk_update(
                item,
                actor=request.user,
                owner=owner,
                next_step=request.POST.get("next_step", ""),
                closed=request.POST.get("closed") == "1",
            )
            messages.success(request, _("已保存"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("staff-risks")
    return render(
        request,
        "appeals/staff/risks.html",
        {
            "items": scope(RiskItem.objects.select_related("site", "owner"), request.user),
            "staff": colleagues(request.user),
        },
    )


@staff_required
def stations(request):
    """A QR code per work site: scanning it opens the submit form with the site filled in."""
    items = []
    sites = page_of(request, scope(Site.objects.select_related("org"), request.user), per_page=12)
    for site in sites:
        url = request.build_absolute_uri(f"/appeals/new/?site={site.pk}&station=1")
        items.append({"site": site, "url": url, "svg": qr_svg(url, title=site.name, scale=4)})
    return render(request, "appeals/staff/stations.html", {"items": items, "sites": sites})
