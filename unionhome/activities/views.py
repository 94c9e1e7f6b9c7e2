"""Pages: activities, offers, tickets and discounts for members; activity management, check-in,
venues and discounts for staff."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionhome.core.access import staff_required
from unionhome.core.audit import log_action
from unionhome.core.crypto import mask_name
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.links import safe_link
from unionhome.core.models import Org, Site, path_ids
from unionhome.core.paging import page_of
from unionhome.core.scoping import home_org, scope
from unionhome.core.spreadsheets import xlsx_response
from unionhome.core.uploads import serve
from unionhome.members.audience import describe_audience

from . import discounts, offers, selectors, services, tickets, venues
from .forms import ActivityForm, BookingForm, CheckinForm, DiscountForm, FeedbackForm, OfferForm, VenueForm
from .models import DiscountCategory, OfferClaimStatus, OfferMode, Signup, SignupStatus


def _tabs(current: str) -> list[tuple[str, str, bool]]:
    return [
        ("/activities/", _("活动报名"), current == "activities"),
        ("/offers/", _("抢票抽签"), current == "offers"),
        ("/discounts/", _("普惠优惠"), current == "discounts"),
        ("/tickets/", _("我的票券"), current == "tickets"),
    ]


def _back(request, default: str):
    """Where a form asked to return to: only a path on this site."""
    target = request.POST.get("next") or ""
    return redirect(target if safe_link(target) else default)


# -- members -----------------------------------------------------------------------------------


@login_required
def activities(request):
    past = request.GET.get("past") == "1"
    return render(
        request,
        "activities/list.html",
        {
            "activities": selectors.activities_for(request.user, past=past),
            "past": past,
            "tabs": _tabs("activities"),
        },
    )


@login_required
def activity(request, pk: int):
    item = selectors.activity_get(request.user, pk)
    mine = selectors.my_signup(request.user, item)
    ended = timezone.now() >= item.starts_at
    feedback = None
    if mine and mine.status == SignupStatus.CONFIRMED and ended:
        feedback = FeedbackForm(initial={"rating": mine.rating, "text": mine.feedback})
    return render(
        request,
        "activities/detail.html",
        {
            "activity": item,
            "mine": mine,
            "position": services.waiting_position(mine) if mine else None,
            "open": not item.cancelled and timezone.now() < item.signup_closes_at,
            "ended": ended,
            "feedback": feedback,
            "audience": describe_audience(item.audience),
        },
    )


@login_required
@require_POST
def activity_signup(request, pk: int):
    item = selectors.activity_get(request.user, pk)
    try:
        row = services.signup_create(user=request.user, activity=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if row.status == SignupStatus.WAITING:
            messages.warning(
                request,
                _("名额已满，您已进入候补，排第 %(n)s 位。有人取消时会通知您。")
                % {"n": services.waiting_position(row)},
            )
        else:
            messages.success(request, _("报名成功！入场时出示“我的票券”里的二维码。"))
    return redirect("activity", pk)


@login_required
@require_POST
def signup_cancel(request, pk: int):
    row = selectors.own_signup(request.user, pk)
    services.signup_cancel(user=request.user, signup_row=row)
    messages.success(request, _("已取消报名"))
    return _back(request, "tickets")


@login_required
@require_POST
def signup_feedback(request, pk: int):
    row = selectors.own_signup(request.user, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.signup_feedback(
                user=request.user,
                signup_row=row,
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("谢谢您的评价"))
    else:
        messages.error(request, _("请先打分"))
    return redirect("activity", row.activity_id)


@login_required
def activity_materials(request, pk: int):
    """Materials go to the members who took a place."""
    item = selectors.activity_get(request.user, pk)
    mine = selectors.my_signup(request.user, item)
    if not item.materials or mine is None or mine.status != SignupStatus.CONFIRMED:
        raise NotFound()
    return serve(item.materials, label=_("%(title)s 活动资料") % {"title": item.title})


@login_required
def offer_list(request):
    rows = selectors.offers_for(request.user)
    for o in rows:
        o.state = offers.offer_status(o)
    return render(request, "activities/offers.html", {"offers": rows, "tabs": _tabs("offers")})


@login_required
def offer(request, pk: int):
    item = selectors.offer_get(request.user, pk)
    mine = selectors.my_claims(request.user, item)
    for c in mine:
        c.queue = offers.waiting_position(c)
    return render(
        request,
        "activities/offer.html",
        {
            "offer": item,
            "state": offers.offer_status(item),
            "mine": mine,
            "holding": [
                c
                for c in mine
                if c.status in (OfferClaimStatus.WON, OfferClaimStatus.ENTERED, OfferClaimStatus.WAITING)
            ],
            "lottery": item.mode == OfferMode.LOTTERY,
            "audience": describe_audience(item.audience),
        },
    )


@login_required
def offer_remaining(request, pk: int):
    """The live count, polled by the offer page."""
    item = selectors.offer_get(request.user, pk)
    return render(request, "activities/_remaining.html", {"offer": item, "state": offers.offer_status(item)})


@login_required
@require_POST
def offer_claim(request, pk: int):
    item = selectors.offer_get(request.user, pk)
    try:
        if request.POST.get("action") == "waitlist":
            row = offers.waitlist_join(user=request.user, offer=item)
            messages.success(request, _("已排队候补，第 %(n)s 位") % {"n": offers.waiting_position(row)})
        else:
            row = offers.offer_claim(user=request.user, offer=item)
            messages.success(
                request,
                _("已报名抽签，开奖后通知您")
                if row.status == OfferClaimStatus.ENTERED
                else _("抢到了！票券在“我的票券”里。"),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("offer", pk)


@login_required
@require_POST
def claim_cancel(request, pk: int):
    row = selectors.own_claim(request.user, pk)
    offers.claim_give_up(actor=request.user, claim_row=row)
    messages.success(request, _("已放弃，名额会转给候补的会员"))
    return _back(request, "tickets")


@login_required
def ticket_list(request):
    mine = selectors.tickets_of(request.user)
    cards = []
    for row in mine["signups"] + mine["claims"]:
        event = tickets.ticket_event(row)
        valid = row.status in (SignupStatus.CONFIRMED, OfferClaimStatus.WON)
        cards.append(
            {
                "row": row,
                "event": event,
                "when": getattr(event, "starts_at", None),
                "valid": valid,
                "qr": tickets.ticket_qr_svg(row, _("%(t)s 的入场二维码") % {"t": event.title})
                if valid
                else "",
                "position": tickets.waiting_position(row),
                "cancel_url": f"/signups/{row.pk}/cancel/"
                if isinstance(row, Signup)
                else f"/claims/{row.pk}/cancel/",
                "can_cancel": row.status in ("confirmed", "waiting", "won", "entered")
                and not row.checked_in_at,
            }
        )
    return render(request, "activities/tickets.html", {"cards": cards, "tabs": _tabs("tickets")})


@login_required
def discount_list(request):
    category = request.GET.get("category", "")
    if category not in DiscountCategory.values:
        category = ""
    return render(
        request,
        "activities/discounts.html",
        {
            "discounts": selectors.discounts_for(request.user, category)[:200],
            "categories": DiscountCategory.choices,
            "category": category,
            "tabs": _tabs("discounts"),
        },
    )


# -- staff -------------------------------------------------------------------------------------


@staff_required
def staff_activities(request):
    return render(
        request,
        "activities/staff/list.html",
        {
            "activities": page_of(request, selectors.activities_managed(request.user)),
            "offers": page_of(request, selectors.offers_managed(request.user), param="offers_page"),
        },
    )


def _sites(request):
    return scope(Site.objects.all(), request.user).order_by("name")


@staff_required
def staff_activity_edit(request, pk: int | None = None):
    item = selectors.activity_managed(request.user, pk) if pk else None
    initial = {}
    if item:
        initial = {
            "title": item.title,
            "description": item.description,
            "starts_at": timezone.localtime(item.starts_at),
            "ends_at": timezone.localtime(item.ends_at),
            "signup_closes_at": timezone.localtime(item.signup_closes_at),
            "place": item.place,
            "online_url": item.online_url,
            "capacity": item.capacity,
            **{k: v for k, v in item.audience.items()},
        }
    form = ActivityForm(request.POST or None, request.FILES or None, initial=initial, sites=_sites(request))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.activity_save(
                actor=request.user,
                org=item.org if item else home_org(request.user),
                activity=item,
                **form.values(leave=("materials",)),
            )
            if form.cleaned_data.get("materials"):
                services.activity_materials(
                    actor=request.user, activity=saved, upload=form.cleaned_data["materials"]
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("staff-activity", saved.pk)
    return render(
        request,
        "activities/staff/edit.html",
        {"form": form, "activity": item},
        status=400 if form.errors else 200,
    )


@staff_required
def staff_activity(request, pk: int):
    item = selectors.activity_managed(request.user, pk)
    rows = list(selectors.attendance(item))
    ratings = [r.rating for r in rows if r.rating]
    return render(
        request,
        "activities/staff/activity.html",
        {
            "activity": item,
            "rows": rows,
            "confirmed": sum(r.status == "confirmed" for r in rows),
            "waiting": sum(r.status == "waiting" for r in rows),
            "checked_in": sum(1 for r in rows if r.checked_in_at),
            "rating": round(sum(ratings) / len(ratings), 1) if ratings else None,
            "audience": describe_audience(item.audience),
        },
    )


@staff_required
def staff_attendance_xlsx(request, pk: int):
    item = selectors.activity_managed(request.user, pk)
    header = [
        _("姓名"),
        _("会员号"),
        _("工作地点"),
        _("状态"),
        _("报名时间"),
        _("签到时间"),
        _("评分"),
        _("评价"),
    ]
    rows = (
        [
            r.member.name,
            r.member.member_no or "",
            r.member.site.name if r.member.site_id else "",
            r.get_status_display(),
            timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(r.checked_in_at).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
            r.rating or "",
            r.feedback,
        ]
        for r in selectors.attendance(item)
    )
    response = xlsx_response(f"attendance-{item.pk}.xlsx", _("签到表"), header, rows)
    log_action(item, "activities.attendance.exported", request.user)
    return response


@staff_required
def staff_offer_new(request):
    form = OfferForm(
        request.POST or None, initial={"mode": OfferMode.FIRST_COME, "per_member": 1}, sites=_sites(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = offers.offer_create(
                actor=request.user,
                org=home_org(request.user),
                **form.values(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已发布"))
            return redirect("staff-offer", saved.pk)
    return render(
        request, "activities/staff/offer_new.html", {"form": form}, status=400 if form.errors else 200
    )


@staff_required
def staff_offer(request, pk: int):
    item = selectors.offer_managed(request.user, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "draw":
                result = offers.lottery_draw(offer=item, actor=request.user)
                messages.success(
                    request,
                    _("已开奖：%(w)s 人中签，%(q)s 人候补")
                    % {"w": result.get("winners", 0), "q": result.get("waiting", 0)},
                )
            elif request.POST.get("action") == "release":
                row = selectors.claim_managed(request.user, int_param(request.POST.get("claim")))
                offers.claim_give_up(actor=request.user, claim_row=row, release=True)
                messages.success(request, _("已释放，名额转给候补"))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("staff-offer", pk)
    claims = list(item.claims.select_related("member").order_by("status", "position", "pk")[:1000])
    return render(
        request,
        "activities/staff/offer.html",
        {
            "offer": item,
            "state": offers.offer_status(item),
            "claims": claims,
            "audience": describe_audience(item.audience),
        },
    )


@staff_required
def staff_checkin(request):
    form = CheckinForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            row = tickets.ticket_checkin(actor=request.user, code=form.cleaned_data["token"])
        except DomainError as exc:
            result = {"ok": False, "message": exc.message}
        else:
            result = {
                "ok": True,
                "message": _("签到成功：%(name)s · %(title)s")
                % {"name": mask_name(row.member.name), "title": tickets.ticket_event(row).title},
            }
        form = CheckinForm()  # ready for the next scan
    return render(request, "activities/staff/checkin.html", {"form": form, "result": result})


@staff_required
def staff_venues(request):
    org = home_org(request.user)
    share_choices = Org.objects.filter(pk__in=path_ids(org.path)).order_by("path") if org else []
    form = VenueForm(request.POST or None, share_choices=share_choices)
    if request.method == "POST" and form.is_valid():
        try:
            venue = venues.venue_save(actor=request.user, org=org, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("场地已添加"))
            return redirect("staff-venue", venue.pk)
    return render(
        request,
        "activities/staff/venues.html",
        {
            "venues": selectors.venues_for(request.user),
            "pending": page_of(request, selectors.bookings_to_decide(request.user)),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@staff_required
def staff_venue(request, pk: int):
    """The week's calendar of one venue and a booking form."""
    venue = selectors.venue_get(request.user, pk)
    try:
        first = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        first = timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(first, dt.time()))
    bookings = list(selectors.venue_bookings(venue, start, start + dt.timedelta(days=7)))
    days = []
    for i in range(7):
        day = first + dt.timedelta(days=i)
        days.append(
            {"day": day, "bookings": [b for b in bookings if timezone.localtime(b.starts_at).date() == day]}
        )
    form = BookingForm(request.POST or None, initial={"day": first + dt.timedelta(days=1)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        starts = timezone.make_aware(dt.datetime.combine(data["day"], data["start"]))
        ends = timezone.make_aware(dt.datetime.combine(data["day"], data["end"]))
        try:
            booking = venues.booking_create(
                actor=request.user,
                venue=venue,
                org=home_org(request.user),
                starts_at=starts,
                ends_at=ends,
                purpose=data["purpose"],
            )
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"starts_at": "start", "ends_at": "end"})
        else:
            messages.success(
                request, _("预约成功") if booking.status == "approved" else _("已提交，等待场地方批准")
            )
            return redirect(f"/staff/venues/{venue.pk}/?start={first.isoformat()}")
    return render(
        request,
        "activities/staff/venue.html",
        {
            "venue": venue,
            "days": days,
            "form": form,
            "prev": (first - dt.timedelta(days=7)).isoformat(),
            "next": (first + dt.timedelta(days=7)).isoformat(),
        },
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def staff_booking(request, pk: int):
    booking = selectors.booking_managed(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "cancel":
            venues.booking_cancel(actor=request.user, booking=booking)
        else:
            venues.booking_decide(
                actor=request.user,
                booking=booking,
                approve=action == "approve",
                reason=request.POST.get("reason", ""),
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已处理"))
    return _back(request, "staff-venues")


@staff_required
def staff_discounts(request):
    form = DiscountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            discounts.discount_save(actor=request.user, org=home_org(request.user), **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已发布"))
            return redirect("staff-discounts")
    return render(
        request,
        "activities/staff/discounts.html",
        {"discounts": page_of(request, selectors.discounts_managed(request.user)), "form": form},
        status=400 if form.errors else 200,
    )
