"""The monthly review per service group (G5, seed 002 §3.2): how each group was served in a
month, set against how hard it worked and how many left, with the items that need action —
kept as a snapshot the chair signs off, and as a PDF.

For a union's subtree and a calendar month, per service group (the members of the group now,
members.groups), over its members on the month's last day:

- reach: the share who opened a union notice sent that month (as figures.reach);
- participation: the share checked in at an activity that month (as figures.participation);
- repeated appeals: appeals received that month from a member who had filed one of the same
  category in the REPEAT_DAYS before it — a problem that came back;
- open items: the group's appeals received by the month's end and neither closed nor
  withdrawn by then; of them, those past their deadline (`overdue`);
- overtime: mean overtime hours a member worked that month (attendance), and members over 36 h;
- turnover: members of the group who left the roster that month ÷ the group's members;
- staffing: hires minus leavers in the group that month (a negative number is a gap).

Items that need action come from written rules (ACTION_RULES). A periodic task builds each
union's review of the month before on the 1st; building again replaces an unsigned review and
never a signed one."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.appeals.models import Appeal
from unionhome.core.audit import log_action
from unionhome.core.errors import Conflict
from unionhome.core.guard import system
from unionhome.core.models import Org, OrgKind, Role
from unionhome.core.scoping import by_rule, ensure_role_over, within
from unionhome.integrations.models import Attendance
from unionhome.members.models import Member, MemberStatus, ServiceGroup

from . import care
from .figures import Period, members_on
from .models import MonthlyReview

REPEAT_DAYS = 90
REACH_LOW = 0.5
PARTICIPATION_LOW = 0.2
TURNOVER_HIGH = 0.05


@dataclass
class GroupRow:
    group: str
    label: str
    members: int
    reached: int
    participated: int
    repeated: int
    open: int
    overdue: int
    overtime_mean: float | None
    over_36h: int
    left: int
    hired: int

    def rate(self, n: int) -> float | None:
        return round(n / self.members, 4) if self.members else None

    def as_dict(self) -> dict:
        return {
            **self.__dict__,
            "reach": self.rate(self.reached),
            "participation": self.rate(self.participated),
            "turnover": self.rate(self.left),
            "staffing": self.hired - self.left,
        }


def _month_period(month: dt.date) -> Period:
    return Period(month, care.month_end(month))


def _group_row(org: Org, month: dt.date, group: str, label: str) -> GroupRow:
    period = _month_period(month)
    start, end = period.bounds()
    people = members_on(org, period.end).filter(groups__group=group)
    ids = list(people.values_list("pk", flat=True))
    by_id = by_rule(Member.objects, "the group's members, found within the org above").filter(pk__in=ids)
    reached = (
        by_id.filter(
            user__notifications__ref__startswith="notice:",
            user__notifications__created_at__gte=start,
            user__notifications__created_at__lt=end,
            user__notifications__read_at__isnull=False,
        )
        .distinct()
        .count()
    )
    participated = (
        by_id.filter(signups__checked_in_at__gte=start, signups__checked_in_at__lt=end).distinct().count()
    )
    appeals = within(Appeal.objects, org).filter(member_id__in=ids)
    # One query: the month's appeals that have an earlier one of the same member and category
    # within REPEAT_DAYS.
    earlier = appeals.filter(
        member_id=OuterRef("member_id"),
        category=OuterRef("category"),
        received_at__lt=OuterRef("received_at"),
        received_at__gte=OuterRef("received_at") - dt.timedelta(days=REPEAT_DAYS),
    )
    repeated = appeals.filter(received_at__gte=start, received_at__lt=end).filter(Exists(earlier)).count()
    still_open = appeals.filter(received_at__lt=end, withdrawn_at=None).filter(
        Q(closed_at=None) | Q(closed_at__gte=end)
    )
    hours = (
        by_rule(Attendance.objects, "the attendance of the group's members")
        .filter(member_id__in=ids, date__gte=period.start, date__lte=period.end)
        .aggregate(total=Sum("overtime_hours"), people=Count("member", distinct=True))
    )
    over = {f.member_id for f in care.flags(org, month) if f.kind == "over_36h"}
    roster = within(Member.objects, org).exclude(status=MemberStatus.ANONYMISED).filter(groups__group=group)
    return GroupRow(
        group=group,
        label=label,
        members=len(ids),
        reached=reached,
        participated=participated,
        repeated=repeated,
        open=still_open.count(),
        overdue=still_open.filter(overdue=True).count(),
        overtime_mean=round(float(care.hours(hours["total"])) / len(ids), 1)
        if ids and hours["people"]
        else None,
        over_36h=len(over & set(ids)),
        left=roster.filter(left_on__gte=period.start, left_on__lte=period.end).count(),
        hired=roster.filter(hired_on__gte=period.start, hired_on__lte=period.end).count(),
    )


def _actions(rows: list[dict]) -> list[str]:
    """The written rules: each breach becomes a line the chair reads and signs."""
    out = []
    for r in rows:
        name = r["label"]
        if r["members"] and r["reach"] is not None and r["reach"] < REACH_LOW:
            out.append(
                _("%(g)s：通知触达率 %(v).0f%%，低于 50%%，请换用短信或上门告知")
                % {"g": name, "v": r["reach"] * 100}
            )
        if r["members"] and r["participation"] is not None and r["participation"] < PARTICIPATION_LOW:
            out.append(
                _("%(g)s：活动参与率 %(v).0f%%，低于 20%%，请按他们的班次安排活动")
                % {"g": name, "v": r["participation"] * 100}
            )
        if r["repeated"]:
            out.append(
                _("%(g)s：%(n)d 件诉求是 90 天内同类问题再次反映，请回访并查明原因")
                % {"g": name, "n": r["repeated"]}
            )
        if r["overdue"]:
            out.append(_("%(g)s：%(n)d 件诉求已超期未办结，请督办") % {"g": name, "n": r["overdue"]})
        if r["over_36h"]:
            out.append(
                _("%(g)s：%(n)d 人月加班超过 36 小时，请与企业协商并走访关怀")
                % {"g": name, "n": r["over_36h"]}
            )
        if r["turnover"] is not None and r["turnover"] > TURNOVER_HIGH:
            out.append(
                _("%(g)s：当月流失率 %(v).1f%%，高于 5%%，请了解离职原因")
                % {"g": name, "v": r["turnover"] * 100}
            )
    return out


def review_data(org: Org, month: dt.date) -> dict:
    rows = [_group_row(org, month, g, str(label)).as_dict() for g, label in ServiceGroup.choices]
    return {"month": month.isoformat(), "rows": rows, "actions": _actions(rows)}


def review_build(*, org: Org, month: dt.date) -> MonthlyReview | None:
    """Build (or rebuild, while unsigned) the org's review of `month`; a signed one stays."""
    with transaction.atomic():
        review = within(MonthlyReview.objects, org).select_for_update().filter(org=org, month=month).first()
        if review is not None and review.signed_at is not None:
            return review
        data = review_data(org, month)
        if review is None:
            return MonthlyReview.objects.create(org=org, month=month, data=data)
        review.data, review.generated_at = data, timezone.now()
        review.save(update_fields=["data", "generated_at"])
        return review


def review_sign(*, actor, review: MonthlyReview, note: str = "") -> MonthlyReview:
    """The chair (or an admin) over the union signs the month's review off, once."""
    ensure_role_over(actor, review.org, roles=(Role.CHAIR, Role.ADMIN))
    updated = (
        by_rule(MonthlyReview.objects, "the review in hand")
        .filter(pk=review.pk, signed_at=None)
        .update(signed_at=timezone.now(), signed_by=actor, note=note.strip()[:500])
    )
    if not updated:
        raise Conflict("already_signed", _("本月工作复盘已经签阅"))
    log_action(review, "insights.review.signed", actor, {"month": review.month.isoformat()})
    review.refresh_from_db()
    return review


def reviews_build_all(today: dt.date | None = None) -> int:
    """The task of the 1st: every enterprise and base union's review of the month before."""
    today = today or timezone.localdate()
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    built = 0
    with system():
        for org in Org.objects.exclude(kind=OrgKind.HIGHER).order_by("pk"):
            review_build(org=org, month=month)
            built += 1
    return built


# -- the PDF ------------------------------------------------------------------------------------


def review_pdf(review: MonthlyReview) -> bytes:
    """One A4 page or more: the table per group, the items to act on, the sign-off. The CJK
    font is Adobe's STSong-Light, referenced rather than embedded (every PDF reader has it)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22)
    data = review.data

    def pct(v):
        return "—" if v is None else f"{v * 100:.1f}%"

    header = [_("服务群体"), _("人数"), _("触达率"), _("参与率"), _("重复诉求"), _("未办结（超期）"),
              _("人均加班（小时）"), _("超 36 小时"), _("流失率"), _("入职−离职")]  # fmt: skip
    table = [[Paragraph(str(h), body) for h in header]]
    for r in data["rows"]:
        table.append([
            r["label"], r["members"], pct(r["reach"]), pct(r["participation"]), r["repeated"],
            f"{r['open']}（{r['overdue']}）", "—" if r["overtime_mean"] is None else r["overtime_mean"],
            r["over_36h"], pct(r["turnover"]), r["staffing"],
        ])  # fmt: skip
    grid = Table(table, repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e5e3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )  # fmt: skip
    )
    month = dt.date.fromisoformat(data["month"])
    story = [
        Paragraph(
            _("%(org)s %(y)d 年 %(m)d 月工作复盘")
            % {"org": review.org.name, "y": month.year, "m": month.month},
            title,
        ),
        Spacer(1, 8),
        grid,
        Spacer(1, 12),
        Paragraph(_("需要处理的事项"), title),
    ]
    story += [Paragraph(f"{i}. {line}", body) for i, line in enumerate(data["actions"], 1)] or [
        Paragraph(_("本月没有需要处理的事项。"), body)
    ]
    story.append(Spacer(1, 16))
    if review.signed_at:
        signed = timezone.localtime(review.signed_at).strftime("%Y-%m-%d %H:%M")
        who = review.signed_by.get_full_name() or review.signed_by.username if review.signed_by else ""
        story.append(Paragraph(_("签阅：%(who)s　%(at)s") % {"who": who, "at": signed}, body))
        if review.note:
            story.append(Paragraph(review.note, body))
    else:
        story.append(Paragraph(_("签阅：＿＿＿＿＿＿（尚未签阅）"), body))
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=landscape(A4), title=str(_("工作复盘")), leftMargin=36, rightMargin=36
    ).build(story)
    return out.getvalue()
