"""The appeal loop: intake → category and urgency → route with a deadline → dispatch to departments
→ reply and close → follow-up visit → the member's rating (a poor one starts a second round).

Every step is a workflow transition, so it lands in the appeal's timeline and the audit log, and
the member is told about it in their inbox."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core import outbox, rows
from unionhome.core.audit import log_action, logged_since
from unionhome.core.bounds import day_error
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.core.models import Notification, Role, Site
from unionhome.core.notifications import Message, Text, notify, notify_many
from unionhome.core.outbox import later
from unionhome.core.scoping import STAFF_ROLES, ensure_role_over, has_role_over, holders_over, own, within
from unionhome.core.uploads import IMAGE_TYPES, check_upload
from unionhome.core.workdays import WorkdayCalendar
from unionhome.core.workflow import Workflow
from unionhome.members.proxy import proxy_check

from . import classifier
from .models import (
    OPEN_STATUSES,
    OPEN_STEPS,
    ROUTE_PLAIN,
    Appeal,
    Attachment,
    Category,
    Channel,
    Outcome,
    Route,
    Status,
)
from .recurring import link_recurring
from .tasks import after_intake

TEXT_MIN, TEXT_MAX = 5, 2000
MAX_PHOTOS = 9
NEGOTIATION_CONGRESS = {Category.WAGES, Category.HOURS, Category.FAMILY, Category.LIVING}
"""Wage, hours and welfare items also go to the workers' congress list (002 §3.1)."""

# Working days after the day received, per route; coordination may be 3–5 (default 5).
ROUTE_WORKDAYS = {Route.IMMEDIATE: 0, Route.POLICY: 1, Route.COORDINATION: 5, Route.NEGOTIATION: 20}

APPEAL_FLOW = Workflow(
    "appeals.appeal",
    {
        "route": ({Status.SUBMITTED, Status.ROUTED}, Status.ROUTED),
        "dispatch": ({Status.ROUTED}, Status.DISPATCHED),
        "answered": ({Status.DISPATCHED}, Status.ROUTED),
        "close": ({Status.ROUTED, Status.DISPATCHED}, Status.CLOSED),
        "rate": ({Status.CLOSED}, Status.RATED),
        "reopen": ({Status.CLOSED, Status.RATED}, Status.SUBMITTED),
    },
)


# ---------------------------------------------------------------- who may do what


def is_staff_for(user, appeal: Appeal) -> bool:
    return has_role_over(user, appeal.org, STAFF_ROLES)


def ensure_staff(user, appeal: Appeal) -> None:
    ensure_role_over(user, appeal.org, STAFF_ROLES)


def is_own(user, appeal: Appeal) -> bool:
    member = appeal.member
    return bool(member is not None and member.user_id and member.user_id == getattr(user, "pk", None))


def member_label(user, appeal: Appeal) -> str | None:
    """The member's name as `user` may see it: in full for the member and staff, masked for a
    department handler, and nothing at all when the appeal is anonymous."""
    from unionhome.core.crypto import mask_name

    if appeal.member_id is None:
        return None
    if is_own(user, appeal) or is_staff_for(user, appeal):
        return appeal.member.name
    return None if appeal.anonymous else mask_name(appeal.member.name)


def _member_user(appeal: Appeal):
    return appeal.member.user if appeal.member_id and appeal.member.user_id else None


def _tell_member(appeal: Appeal, title: Text, body: Text = "", *, ref: str = "") -> None:
    user = _member_user(appeal)
    if user is not None:
        notify(user, title, body, url=f"/appeals/{appeal.pk}/", ref=ref)


# ---------------------------------------------------------------- intake


def tell_received(appeal: Appeal) -> None:
    """The member's receipt in their inbox, once (the task that sends it may run again)."""
    user = _member_user(appeal)
    ref = f"appeal:{appeal.pk}:received"
    if user is None or own(Notification.objects, user, field="user").filter(ref=ref).exists():
        return
    title = Message(_l("诉求已收到：%(n)s"), n=appeal.number)
    _tell_member(appeal, title, _l("工会会尽快受理并告诉您办理期限。"), ref=ref)


def check_text(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) < TEXT_MIN:
        raise DomainError(
            "invalid", _("请把诉求写清楚一些"), fields={"text": _("至少 %(n)s 个字") % {"n": TEXT_MIN}}
        )
    if len(text) > TEXT_MAX:
        raise DomainError("invalid", _("内容太长"), fields={"text": _("最多 %(n)s 个字") % {"n": TEXT_MAX}})
    return text


def classify(text: str) -> classifier.Suggestion:
    return classifier.suggest(check_text(text))


def _find_member(query: str, org_scope_user):
    """A member of the staff member's subtree by username or phone (for entries on their behalf)."""
    from unionhome.core.scoping import scope
    from unionhome.members.models import Member

    query = (query or "").strip()
    qs = scope(Member.objects.select_related("user", "org"), org_scope_user)
    member = qs.filter(user__username=query).first() or qs.filter(phone=query).first()
    if member is None:
        raise DomainError(
            "invalid", _("找不到这位会员"), fields={"on_behalf_of": _("请填写会员的用户名或手机号")}
        )
    return member


def appeal_submit(
    *,
    actor,
    text: str,
    title: str = "",
    site: Site | int | None = None,
    anonymous: bool = False,
    channel: str = Channel.ONLINE,
    received_at: dt.datetime | None = None,
    on_behalf_of: str | None = None,
    photos: list | None = None,
    proxy=None,
) -> Appeal:
    """A member's own appeal, or one staff enter for a member from the hotline, the box, a visit
    or a station QR code (with the channel and the real time it was received), or one a volunteer
    files for a member who consented (`proxy`, a `members.ProxyConsent`: 代办)."""
    from unionhome.core.scoping import is_staff_anywhere
    from unionhome.members.selectors import member_of, require_active_member

    text = check_text(text)
    title = (title or "").strip()[:100]
    photos = photos or []
    if len(photos) > MAX_PHOTOS:
        raise DomainError("invalid", _("照片太多"), fields={"photos": _("最多 %(n)s 张") % {"n": MAX_PHOTOS}})
    kinds = [check_upload(p, field="photos", allowed=IMAGE_TYPES) for p in photos]
    now = timezone.now()
    # A member may submit online or from a station's QR code; other channels are staff entries.
    staff_entry = (
        bool(on_behalf_of) or channel not in (Channel.ONLINE, Channel.STATION) or received_at is not None
    )
    if proxy is not None:
        proxy_check(consent=proxy, actor=actor)
        staff_entry, on_behalf_of, channel = False, None, Channel.ONLINE
    if staff_entry and not is_staff_anywhere(actor):
        raise DomainError("forbidden", _("只有工会工作人员可以代为登记"), status=403)
    if received_at is not None and received_at > now + dt.timedelta(minutes=5):
        raise DomainError("invalid", _("受理时间不能晚于现在"), fields={"received_at": _("不能是将来的时间")})
    if reason := day_error(received_at):
        raise DomainError("invalid", _("请检查填写的内容"), fields={"received_at": reason})
    if proxy is not None:
        member = proxy.member  # proxy_check above: the member is active
    elif on_behalf_of:
        member = _find_member(on_behalf_of, actor)
    elif staff_entry:
        member = member_of(actor)
    else:
        member = require_active_member(actor)
    if member is not None:
        org = member.org
    else:
        # An unnamed entry (e.g. an anonymous note from the box) belongs to the staff member's union.
        from unionhome.core.scoping import home_org

        org = home_org(actor)
        anonymous = True
    if staff_entry:
        ensure_role_over(actor, org)
    site_obj = _site_for(site, org, member)
    suggestion = classifier.suggest(text)
    # One INSERT for the outbox's rows (outbox.collected): intake is the loop's busiest write.
    with transaction.atomic(), outbox.collected():
        # The number is made from the key, so the key is taken first and the row written once.
        pk = rows.next_id(Appeal)
        received = received_at or now
        appeal = Appeal.objects.create(
            pk=pk,
            number=Appeal.number_for(received, pk),
            org=org,
            site=site_obj,
            member=member,
            submitted_by=actor,
            anonymous=bool(anonymous),
            channel=channel,
            title=title,
            text=text,
            received_at=received,
            category=suggestion.category,
            category_suggested=suggestion.category,
            confidence=suggestion.confidence,
            urgent=suggestion.urgent,
            urgent_signals=suggestion.signals,
        )
        for upload, kind in zip(photos, kinds, strict=True):
            Attachment.objects.create(
                appeal=appeal, file=upload, content_type=kind, size=upload.size, uploaded_by=actor
            )
        log_action(
            appeal,
            "appeals.appeal.submitted",
            actor,
            {
                "channel": channel,
                "on_behalf": bool(on_behalf_of),
                "proxy": proxy.pk if proxy is not None else None,
                "note": _("由 %(who)s 代办（已取得会员同意）") % {"who": actor.display_name} if proxy else "",
            },
            timeline=True,
        )
        # Grouping with earlier appeals (it reads up to 200 of them) and the member's receipt
        # in their inbox: after commit, in the task queue, so the answer does not wait for them.
        # The answer itself tells the member the number; the timeline has the step already.
        later(after_intake, appeal.pk)
        if appeal.urgent:
            _alert_chairs(appeal)
    return appeal


def _site_for(site, org, member) -> Site | None:
    if site in (None, ""):
        return member.site if member is not None and member.site_id else None
    site_id = site.pk if isinstance(site, Site) else site
    try:
        found = within(Site.objects, org.enterprise() or org).filter(pk=int(site_id)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise DomainError("invalid", _("工作地点不正确"), fields={"site": _("请选择本单位的工作地点")})
    return found


def _alert_chairs(appeal: Appeal) -> None:
    title = Message(_l("紧急诉求 %(n)s：请立即处理"), n=appeal.number)
    for chair in holders_over(appeal.org, [Role.CHAIR]):
        notify(chair, title, appeal.text[:120], url=f"/staff/appeals/{appeal.pk}/", urgent=True)
    log_action(appeal, "appeals.appeal.urgent_alert", None, {"signals": appeal.urgent_signals})


# ---------------------------------------------------------------- triage and routing


def appeal_confirm(appeal: Appeal, *, actor, category: str, urgent: bool | None = None) -> Appeal:
    """Staff confirm or correct the suggested category (and urgency); the model learns from it."""
    ensure_staff(actor, appeal)
    if category not in Category.values:
        raise DomainError("invalid", _("类别不正确"), fields={"category": _("请选择类别")})
    was_urgent = appeal.urgent
    appeal.category = category
    appeal.category_confirmed = True
    if urgent is not None:
        appeal.urgent = bool(urgent)
    appeal.save(update_fields=["category", "category_confirmed", "urgent", "updated_at"])
    log_action(
        appeal,
        "appeals.appeal.categorised",
        actor,
        {"category": category, "suggested": appeal.category_suggested, "urgent": appeal.urgent},
    )
    link_recurring(appeal)
    if appeal.urgent and not was_urgent:
        _alert_chairs(appeal)
    return appeal


def due_for(received_at: dt.datetime, workdays: int, calendar: WorkdayCalendar | None = None) -> dt.date:
    """Due on the N-th working day after the day received (N = 0: that same day)."""
    calendar = calendar or WorkdayCalendar()
    return calendar.workdays_after(timezone.localdate(received_at), workdays)


def appeal_route(
    appeal: Appeal,
    *,
    actor,
    route: str,
    workdays: int | None = None,
    meeting_on: dt.date | None = None,
    note: str = "",
) -> Appeal:
    ensure_staff(actor, appeal)
    if route not in Route.values:
        raise DomainError("invalid", _("请选择办理路径"), fields={"route": _("请选择办理路径")})
    if route == Route.COORDINATION:
        workdays = 5 if workdays is None else workdays
        if not 3 <= workdays <= 5:
            raise DomainError("invalid", _("限期协调为 3 至 5 个工作日"), fields={"workdays": _("3 至 5")})
    elif workdays is not None and route in (Route.IMMEDIATE, Route.POLICY):
        raise DomainError("invalid", _("该路径的期限是固定的"), fields={"workdays": _("不可修改")})
    else:
        workdays = ROUTE_WORKDAYS[route] if workdays is None else workdays
        if not 0 <= workdays <= 60:
            raise DomainError("invalid", _("期限不正确"), fields={"workdays": _("0 至 60 个工作日")})
    due_on = due_for(appeal.received_at, workdays)
    if route == Route.NEGOTIATION and meeting_on is not None:
        due_on = max(due_on, meeting_on)
    extra = {
        "route": route,
        "workdays": workdays,
        "due_on": due_on,
        "owner": appeal.owner or actor,
        "supervision": route == Route.COORDINATION,
        "negotiation_list": route == Route.NEGOTIATION,
        "congress_list": route == Route.NEGOTIATION and appeal.category in NEGOTIATION_CONGRESS,
        "meeting_on": meeting_on if route == Route.NEGOTIATION else None,
        "reminded_on": None,
        "overdue": due_on < timezone.localdate() and appeal.overdue,
    }
    APPEAL_FLOW.apply(
        appeal,
        "route",
        actor=actor,
        note=note
        or _("已受理：%(route)s，将于 %(due)s 前答复")
        % {"route": ROUTE_PLAIN[route], "due": due_on.isoformat()},
        data={"route": route, "workdays": workdays, "due_on": due_on.isoformat()},
        extra=extra,
    )
    _tell_member(
        appeal,
        Message(_l("诉求 %(n)s 已受理"), n=appeal.number),
        Message(_l("%(route)s；最晚 %(due)s 前答复"), route=ROUTE_PLAIN[route], due=due_on.isoformat()),
    )
    return appeal


def appeal_assign(appeal: Appeal, *, actor, owner) -> Appeal:
    ensure_staff(actor, appeal)
    if not has_role_over(owner, appeal.org, STAFF_ROLES):
        raise DomainError("invalid", _("该人员不能承办此诉求"), fields={"owner": _("请选择本单位工会干部")})
    appeal.owner = owner
    appeal.save(update_fields=["owner", "updated_at"])
    log_action(appeal, "appeals.appeal.assigned", actor, {"owner": owner.pk})
    notify(
        owner,
        Message(_l("您有新的诉求：%(n)s"), n=appeal.number),
        appeal.display_title,
        f"/staff/appeals/{appeal.pk}/",
    )
    return appeal


# ---------------------------------------------------------------- closing the loop


def appeal_close(appeal: Appeal, *, actor, outcome: str, reply: str) -> Appeal:
    ensure_staff(actor, appeal)
    fields = {}
    if outcome not in Outcome.values:
        fields["outcome"] = _("请选择办理结果")
    reply = (reply or "").strip()
    if len(reply) < 2:
        fields["reply"] = _("请填写给职工的答复")
    if fields:
        raise DomainError("invalid", _("请补全办结信息"), fields=fields)
    if appeal.dispatches.filter(round=appeal.round, status__in=OPEN_STEPS).exists():
        raise Conflict("dispatch_pending", _("还有部门没有反馈，暂不能办结"))
    APPEAL_FLOW.apply(
        appeal,
        "close",
        actor=actor,
        note=reply,
        data={"outcome": outcome},
        extra={"outcome": outcome, "reply": reply, "closed_at": timezone.now()},
    )
    _tell_member(
        appeal,
        Message(_l("诉求 %(n)s 已办结（%(o)s），请评价"), n=appeal.number, o=Outcome(outcome).label),
        reply,
    )
    return appeal


def appeal_follow_up(
    appeal: Appeal, *, actor, knows_result: bool, accepts_result: bool, follow_on: str = ""
) -> Appeal:
    """The follow-up visit (回访): does the member know the result, accept it, any new issue."""
    ensure_staff(actor, appeal)
    if appeal.status not in (Status.CLOSED, Status.RATED):
        raise Conflict("invalid_transition", _("办结后才能回访"))
    appeal.knows_result = bool(knows_result)
    appeal.accepts_result = bool(accepts_result)
    appeal.follow_on = (follow_on or "").strip()[:2000]
    appeal.followed_up_at = timezone.now()
    appeal.save(update_fields=["knows_result", "accepts_result", "follow_on", "followed_up_at", "updated_at"])
    log_action(
        appeal,
        "appeals.appeal.followed_up",
        actor,
        {"knows": appeal.knows_result, "accepts": appeal.accepts_result, "note": appeal.follow_on},
        timeline=True,
    )
    return appeal


# ---------------------------------------------------------------- the member, while it is open

URGE_EVERY_HOURS = 24


def appeal_supplement(appeal: Appeal, *, actor, text: str = "", photos: list | None = None) -> Appeal:
    """The member adds to an open appeal (补充材料): more words, more photos. It goes on the
    record and its owner (or the union's staff) hears of it."""
    if not is_own(actor, appeal):
        raise NotFound()
    if appeal.status not in OPEN_STATUSES:
        raise Conflict("closed", _("诉求已办结，不能再补充；如不满意可以在评价时说明"))
    text = (text or "").strip()
    photos = photos or []
    if not text and not photos:
        reason = _("请写下要补充的内容或选择照片")
        raise DomainError("invalid", reason, fields={"text": reason})
    if len(text) > TEXT_MAX:
        raise DomainError("invalid", _("内容太长"), fields={"text": _("不超过 %(n)s 字") % {"n": TEXT_MAX}})
    have = appeal.attachments.filter(dispatch__isnull=True).count()
    if have + len(photos) > MAX_PHOTOS:
        raise DomainError("invalid", _("照片太多"), fields={"photos": _("最多 %(n)s 张") % {"n": MAX_PHOTOS}})
    kinds = [check_upload(p, field="photos", allowed=IMAGE_TYPES) for p in photos]
    with transaction.atomic():
        for upload, kind in zip(photos, kinds, strict=True):
            Attachment.objects.create(
                appeal=appeal, file=upload, content_type=kind, size=upload.size, uploaded_by=actor
            )
        log_action(
            appeal, "appeals.appeal.supplemented", actor, {"note": text, "photos": len(photos)}, timeline=True
        )
    _tell_staff(appeal, Message(_l("诉求 %(n)s 职工补充了材料"), n=appeal.number), text[:120])
    return appeal


def appeal_urge(appeal: Appeal, *, actor) -> Appeal:
    """The member asks to hurry (催办): once a day; the owner hears of it, and when the appeal is
    past its deadline the chairs too."""
    if not is_own(actor, appeal):
        raise NotFound()
    if appeal.status not in OPEN_STATUSES:
        raise Conflict("closed", _("诉求已办结"))
    since = timezone.now() - dt.timedelta(hours=URGE_EVERY_HOURS)
    if logged_since(appeal, "appeals.appeal.urged", since):
        raise Conflict("too_soon", _("今天已经催办过了，工会会尽快处理"))
    log_action(appeal, "appeals.appeal.urged", actor, {"note": ""}, timeline=True)
    title = Message(_l("职工催办诉求 %(n)s"), n=appeal.number)
    _tell_staff(appeal, title, appeal.display_title)
    if appeal.overdue:
        for chair in holders_over(appeal.org, [Role.CHAIR]):
            notify(chair, title, _("已超过办理期限"), url=f"/staff/appeals/{appeal.pk}/", urgent=True)
    return appeal


def _tell_staff(appeal: Appeal, title, body: str = "") -> None:
    """The appeal's owner, or with none yet the union's staff."""
    url = f"/staff/appeals/{appeal.pk}/"
    if appeal.owner_id:
        notify(appeal.owner, title, body, url=url)
    else:
        notify_many(holders_over(appeal.org, [Role.STAFF]).values_list("pk", flat=True), title, body, url)


def appeal_rate(appeal: Appeal, *, actor, rating: int, comment: str = "") -> Appeal:
    """The member's rating; 1–2 stars reopens the appeal for a second round."""
    if not is_own(actor, appeal):
        raise NotFound()
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError("invalid", _("请选择 1 到 5 颗星"), fields={"rating": _("1 到 5")})
    comment = (comment or "").strip()[:500]
    APPEAL_FLOW.apply(
        appeal,
        "rate",
        actor=actor,
        note=comment,
        data={"rating": rating},
        extra={"rating": rating, "rating_comment": comment, "rated_at": timezone.now()},
    )
    if rating <= 2:
        appeal_reopen(appeal, actor=actor, note=_("职工不满意（%(r)s 星），进入第二轮办理") % {"r": rating})
    return appeal


def appeal_reopen(appeal: Appeal, *, actor, note: str = "") -> Appeal:
    if not is_own(actor, appeal):
        ensure_staff(actor, appeal)
    APPEAL_FLOW.apply(
        appeal,
        "reopen",
        actor=actor,
        note=note,
        action="appeals.appeal.reopened",
        extra={
            "round": F("round") + 1,
            "route": "",
            "due_on": None,
            "workdays": None,
            "reminded_on": None,
            "overdue": False,
            "outcome": "",
            "closed_at": None,
        },
    )
    appeal.refresh_from_db()
    if appeal.owner_id:
        notify(
            appeal.owner,
            Message(_l("诉求 %(n)s 已重新办理（第 %(r)s 轮）"), n=appeal.number, r=appeal.round),
            note,
            f"/staff/appeals/{appeal.pk}/",
        )
    _tell_member(appeal, Message(_l("诉求 %(n)s 已重新办理"), n=appeal.number))
    return appeal
