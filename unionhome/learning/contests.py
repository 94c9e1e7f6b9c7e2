"""Skill contests (技能比武, D3).

Stages: sign-up (an audience says who is eligible), an optional written round that is an exam
(only those who passed it go on to be judged), an optional submission round (a description and
a file), and the final, whose marks each judge types in per criterion of the rubric. Judges see
an entry by its code only — no name, no union — and, when the contest says so, never the
entries of their own enterprise. The chief judge closes the contest; then the results are
published (`scoring.rank`, with the working), and an entrant may ask for a review within
Contest.REVIEW_DAYS working days of the close."""

from __future__ import annotations

import math
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import Conflict, DomainError, Forbidden, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import above, by_rule, held, own, role_grants
from unionhome.core.workdays import workdays_after
from unionhome.members.audience import audience_matcher, clean_audience
from unionhome.members.models import Member, MemberStatus

from . import scoring
from .certificates import ALPHABET
from .models import Attempt, Contest, ContestRule, Entry, Exam, Judge, Mark

MAX_MARK = 100


def _judge_org(user) -> Org | None:
    member = own(Member.objects, user, field="user").select_related("org").first()
    if member is not None:
        return member.org
    paths = sorted(path for _role, path, _dept in role_grants(user))
    return Org.objects.filter(path=paths[0]).first() if paths else None


def _clean_criteria(raw) -> list[dict]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= 10:
        raise DomainError("invalid", _("请写 1 到 10 项评分标准"), fields={"criteria": _("1 到 10 项")})
    out, names = [], set()
    for i, c in enumerate(raw):
        name = str((c or {}).get("name") or "").strip()[:30]
        weight = (c or {}).get("weight")
        if not name or name in names:
            raise DomainError(
                "invalid",
                _("评分标准的名称不能为空或重复"),
                fields={f"criteria.{i}.name": _("不能为空或重复")},
            )
        if (
            isinstance(weight, bool)
            or not isinstance(weight, int | float)
            or not math.isfinite(weight)
            or not 0 < weight <= 100
        ):
            raise DomainError(
                "invalid",
                _("权重应大于 0、不超过 100"),
                fields={f"criteria.{i}.weight": _("大于 0、不超过 100")},
            )
        names.add(name)
        out.append({"name": name, "weight": weight})
    return out


def contest_create(*, org: Org, data: dict) -> Contest:
    title = str(data.get("title") or "").strip()
    errors = {}
    if not title or len(title) > 120:
        errors["title"] = _("请填写比武名称（最多 120 字）")
    if data.get("rule", "mean") not in ContestRule.values:
        errors["rule"] = _("计分规则应为 mean、trimmed_mean 或 zscore")
    refuse(errors)
    criteria = _clean_criteria(data.get("criteria"))
    usernames = [str(u).strip() for u in data.get("judges") or [] if str(u).strip()]
    if not usernames or len(usernames) > 30 or len(set(usernames)) != len(usernames):
        raise DomainError(
            "invalid", _("请写评委的用户名（1 到 30 位，不重复）"), fields={"judges": _("1 到 30 位")}
        )
    users = {u.username: u for u in get_user_model().objects.filter(username__in=usernames, is_active=True)}
    missing = [u for u in usernames if u not in users]
    if missing:
        raise DomainError(
            "invalid",
            _("没有这些用户：%(names)s") % {"names": "、".join(missing)},
            fields={"judges": "、".join(missing)},
        )
    chief = str(data.get("chief") or usernames[0])
    if chief not in users:
        raise DomainError("invalid", _("总裁判长应是评委之一"), fields={"chief": _("应是评委之一")})
    tiebreak = [str(t) for t in data.get("tiebreak") or []]
    if not set(tiebreak) <= {c["name"] for c in criteria}:
        raise DomainError(
            "invalid", _("并列时比较的项目应是评分标准之一"), fields={"tiebreak": _("应是评分标准之一")}
        )
    exam = None
    if data.get("exam"):
        exam = above(Exam.objects, org).filter(pk=data["exam"]).first()
        if exam is None:
            raise DomainError("invalid", _("没有这场考试"), fields={"exam": _("没有这场考试")})
    with transaction.atomic():
        contest = Contest.objects.create(
            org=org,
            title=title,
            summary=str(data.get("summary") or "").strip()[:2000],
            audience=clean_audience(org, data.get("audience")),
            criteria=criteria,
            rule=data.get("rule", "mean"),
            tiebreak=tiebreak,
            exclude_own_org=bool(data.get("exclude_own_org", True)),
            exam=exam,
            submissions=bool(data.get("submissions")),
            signup_closes_at=data.get("signup_closes_at"),
            chief=users[chief],
        )
        Judge.objects.bulk_create(
            [
                Judge(contest=contest, user=users[u], org=_judge_org(users[u]), number=i + 1)
                for i, u in enumerate(usernames)
            ]
        )
    return contest


def contests_for(member) -> list[Contest]:
    """The contests a member may see: their union's and those of the unions above it."""
    if member is None:
        return []
    return list(above(Contest.objects, member.org).select_related("org").order_by("-pk")[:100])


def judging(user) -> list[Contest]:
    """The contests the caller sits on the panel of."""
    ids = (
        by_rule(Judge.objects, "the caller's own seats")
        .filter(user_id=getattr(user, "pk", None))
        .values("contest_id")
    )
    return list(by_rule(Contest.objects, "the contests the caller judges").filter(pk__in=ids).order_by("-pk"))


def contest_for(user, pk: int) -> Contest:
    """A contest the caller may see: a judge of it, staff over its union, or a member of its
    union's subtree. Anyone else: not found."""
    from unionhome.core.scoping import scope
    from unionhome.members.selectors import member_of

    found = by_rule(Contest.objects, "a contest asked for by id, checked just below").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    member = member_of(user)
    if (
        by_rule(Judge.objects, "the caller's seat on the panel")
        .filter(contest=found, user_id=user.pk)
        .exists()
        or scope(Contest.objects, user).filter(pk=pk).exists()
        or (member is not None and member.org.path.startswith(found.org.path))
    ):
        return found
    raise NotFound()


def eligible(contest: Contest, member) -> bool:
    return (
        member is not None
        and member.status == MemberStatus.ACTIVE
        and audience_matcher(member)(contest.org, contest.audience)
    )


def member_named(contest: Contest, username: str) -> Member:
    """The member with this username in the contest's union subtree (staff signing one up)."""
    from unionhome.core.scoping import within

    member = within(Member.objects, contest.org).filter(user__username=username).first()
    if member is None:
        raise NotFound(_("本工会没有这个会员"))
    return member


def entry_add(*, contest: Contest, member, now=None) -> Entry:
    """Sign a member up (themselves, or by staff), once; eligibility and the deadline hold for both."""
    now = now or timezone.now()
    if contest.closed_at is not None or (contest.signup_closes_at and now >= contest.signup_closes_at):
        raise Conflict("closed", _("报名已截止"))
    if not eligible(contest, member):
        raise Forbidden("not_eligible", _("不符合报名条件"))
    found = own(Entry.objects, member).filter(contest=contest).first()
    if found is not None:
        return found
    for _try in range(5):
        try:
            with transaction.atomic():
                return Entry.objects.create(
                    org=member.org,
                    contest=contest,
                    member=member,
                    code="".join(secrets.choice(ALPHABET) for _ in range(4)),
                )
        except IntegrityError:
            found = own(Entry.objects, member).filter(contest=contest).first()
            if found is not None:
                return found
    raise Conflict("busy", _("请稍后再试"))


def submit_work(*, entry: Entry, work: str, file=None, kind: str = "", now=None) -> Entry:
    contest = entry.contest
    if not contest.submissions:
        raise DomainError("invalid", _("这次比武不需要提交作品"), fields={"work": _("不需要")})
    if contest.closed_at is not None:
        raise Conflict("closed", _("比武已结束"))
    entry.work = (work or "").strip()[:5000]
    if file is not None:
        entry.file, entry.file_kind = file, kind
    entry.submitted_at = now or timezone.now()
    entry.save()
    return entry


def finalists(contest: Contest) -> list[Entry]:
    """The entries judged in the final: all, or with a written round those who passed it."""
    entries = list(
        by_rule(Entry.objects, "the entries of a contest in hand")
        .filter(contest=contest)
        .select_related("member")
    )
    if contest.exam_id is None:
        return entries
    passed = set(
        by_rule(Attempt.objects, "the written round's passes of the contest's entrants")
        .filter(exam_id=contest.exam_id, passed=True, member_id__in=[e.member_id for e in entries])
        .values_list("member_id", flat=True)
    )
    return [e for e in entries if e.member_id in passed]


def judge_of(contest: Contest, user) -> Judge:
    judge = (
        by_rule(Judge.objects, "the caller's own seat on a contest's panel")
        .filter(contest=contest, user_id=getattr(user, "pk", None))
        .first()
    )
    if judge is None:
        raise Forbidden("not_a_judge", _("您不是这次比武的评委"))
    return judge


def _enterprise(org: Org | None):
    if org is None:
        return None
    return org.enterprise() or org


def conflicted(judge: Judge, entry: Entry) -> bool:
    """The contest bars judges from their own enterprise's entrants, and this is one."""
    if not judge.contest.exclude_own_org or judge.org_id is None:
        return False
    return _enterprise(judge.org) == _enterprise(entry.org)


def entries_for_judge(contest: Contest, user) -> list[dict]:
    """What a judge sees: each finalist's code, work and the judge's own marks — no name, no union."""
    judge = judge_of(contest, user)
    mine = {m.entry_id: m.scores for m in by_rule(Mark.objects, "a judge's own marks").filter(judge=judge)}
    return [
        {"id": e.pk, "code": e.code, "work": e.work, "file": bool(e.file), "marks": mine.get(e.pk)}
        for e in finalists(contest)
        if not conflicted(judge, e)
    ]


def mark(*, contest: Contest, user, entry_id: int, scores: dict) -> Mark:
    judge = judge_of(contest, user)
    if contest.closed_at is not None:
        raise Conflict("closed", _("比武已结束，评分不能再改"))
    entry = next((e for e in finalists(contest) if e.pk == entry_id), None)
    if entry is None:
        raise NotFound()
    if conflicted(judge, entry):
        raise Forbidden("conflict", _("评委回避：不能给本单位的选手打分"))
    names = [c["name"] for c in contest.criteria]
    errors = {}
    clean = {}
    for name in names:
        value = (scores or {}).get(name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0 <= value <= MAX_MARK
        ):
            errors[f"scores.{name}"] = _("0 到 %(n)d 分") % {"n": MAX_MARK}
        else:
            clean[name] = value
    unknown = set(scores or {}) - set(names)
    if unknown:
        errors["scores"] = _("没有这些评分项：%(n)s") % {"n": "、".join(sorted(unknown))}
    refuse(errors)
    found, _created = by_rule(Mark.objects, "a judge's own mark of an entry").update_or_create(
        entry=entry, judge=judge, defaults={"scores": clean, "org": contest.org}
    )
    return found


def ranking(contest: Contest) -> list[scoring.Ranked]:
    marks: dict[int, dict[int, dict]] = {}
    numbers = {
        j.pk: j.number
        for j in by_rule(Judge.objects, "the panel of a contest in hand").filter(contest=contest)
    }
    judged = {e.pk for e in finalists(contest)}
    for m in by_rule(Mark.objects, "the marks of a contest in hand").filter(entry__contest=contest):
        if m.entry_id in judged:
            marks.setdefault(m.entry_id, {})[numbers[m.judge_id]] = m.scores
    return scoring.rank(contest.criteria, contest.rule, marks, contest.tiebreak)


def close(*, contest: Contest, user, now=None) -> Contest:
    if contest.chief_id != getattr(user, "pk", None):
        raise Forbidden("not_chief", _("只有总裁判长可以结束比武"))
    now = now or timezone.now()
    if not held(contest).filter(closed_at__isnull=True).update(closed_at=now):
        raise Conflict("closed", _("比武已经结束"))
    contest.closed_at = now
    return contest


def review_deadline(contest: Contest):
    return workdays_after(timezone.localtime(contest.closed_at).date(), Contest.REVIEW_DAYS)


def review_ask(*, entry: Entry, reason: str, now=None) -> Entry:
    """The entrant asks for a review of the result, within REVIEW_DAYS working days of the close."""
    contest = entry.contest
    now = now or timezone.now()
    if contest.closed_at is None:
        raise Conflict("not_closed", _("结果公布后才能申请复核"))
    if timezone.localtime(now).date() > review_deadline(contest):
        raise Conflict(
            "too_late", _("复核申请应在结果公布后 %(n)d 个工作日内提出") % {"n": Contest.REVIEW_DAYS}
        )
    if entry.review_asked_at is not None:
        raise Conflict("already_asked", _("已经申请过复核"))
    reason = (reason or "").strip()[:500]
    if not reason:
        raise DomainError("invalid", _("请写明复核理由"), fields={"reason": _("必填")})
    entry.review_reason, entry.review_asked_at = reason, now
    entry.save(update_fields=["review_reason", "review_asked_at"])
    return entry
