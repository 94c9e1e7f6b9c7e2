"""Polls and secret ballots (F3).

- The voter list is taken once, when the poll opens (`freeze`): the congress's representatives,
  or the members the audience names. Joining the union later does not add a voter.
- One person, one ballot: casting marks the voter's row voted with a conditional update and
  writes the ballot in the same transaction, so of any number of ballots sent at once exactly one
  passes and the rest are refused `already_voted`.
- Secrecy: the ballot row holds the poll, the choices, a random id and the SHA-256 of a random
  receipt; the voter row holds the person and "voted". Nothing else is written — no time, no
  audit entry, no message — so no column or order ties the two. (What the database engine keeps
  below the tables, such as the physical order of rows, is outside this; an operator with that
  access also holds the server.)
- The receipt is shown to the voter once. `counted(receipt)` tells anyone who holds it whether
  that ballot is in the count; it says nothing of what the ballot chose.
- Results only after the close: turnout, quorum, the count of each choice (with paper ballots
  the tellers added), and what is adopted under the poll's majority rule. A quorum written as a
  decimal is read as the simple fraction it stands for (0.6667 → 2/3), so "two thirds" means
  exactly two thirds."""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
import uuid
from fractions import Fraction

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core import rows
from unionhome.core.errors import Conflict, DomainError, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import by_rule, held, own, within
from unionhome.members.audience import audience_members, clean_audience

from .models import Ballot, Congress, Electorate, Majority, Poll, PollKind, Representative, Voter

CHOICES = ("for", "against", "abstain")
MAX_OPTIONS = 50


RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: copied by hand from a phone


def new_receipt() -> str:
    """16 characters (80 random bits) in four groups: XXXX-XXXX-XXXX-XXXX."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def digest(receipt: str) -> str:
    """Of the receipt as typed: case, spaces and dashes do not matter."""
    plain = "".join(ch for ch in str(receipt).upper() if ch.isalnum())
    return hashlib.sha256(plain.encode()).hexdigest()


def quorum_fraction(poll: Poll) -> Fraction:
    return Fraction(str(poll.quorum)).limit_denominator(100)


# -- making a poll ----------------------------------------------------------------------------------


def poll_create(*, org: Org, data: dict) -> Poll:
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 160:
        errors["title"] = _("请填写表决事项（最多 160 字）")
    kind = data.get("kind")
    if kind not in PollKind.values:
        errors["kind"] = _("类型应为 single、multi 或 items")
    options = [str(o).strip() for o in data.get("options") or []]
    least = 1 if kind == PollKind.ITEMS else 2
    if not least <= len(options) <= MAX_OPTIONS or "" in options or any(len(o) > 200 for o in options):
        errors["options"] = _("需要 %(lo)d 到 %(hi)d 项，每项不为空、不超过 200 字") % {
            "lo": least,
            "hi": MAX_OPTIONS,
        }
    elif len(set(options)) != len(options):
        errors["options"] = _("选项不能重复")
    max_choices = data.get("max_choices") or 1
    if kind == PollKind.MULTI and not (isinstance(max_choices, int) and 1 <= max_choices <= len(options)):
        errors["max_choices"] = _("最多可选数应在 1 到选项数之间")
    electorate = data.get("electorate")
    if electorate not in Electorate.values:
        errors["electorate"] = _("表决人应为 congress 或 members")
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if not opens or not closes or opens >= closes:
        errors["closes_at"] = _("结束时间应晚于开始时间")
    refuse(errors)
    congress = None
    if electorate == Electorate.CONGRESS:
        congresses = within(Congress.objects, org).filter(org=org)
        congress = (
            congresses.filter(pk=data["congress"]).first() if data.get("congress") else congresses.first()
        )
        if congress is None:
            raise DomainError("invalid", _("本工会还没有职代会"), fields={"congress": _("先建立职代会")})
    default_quorum = "0.6667" if electorate == Electorate.CONGRESS else "0"
    quorum = data.get("quorum")
    quorum = default_quorum if quorum is None else quorum
    try:
        quorum_value = Fraction(str(quorum))
    except (ValueError, ZeroDivisionError):
        quorum_value = Fraction(-1)
    if not 0 <= quorum_value <= 1:
        raise DomainError("invalid", _("法定人数比例应在 0 到 1 之间"), fields={"quorum": _("0 到 1")})
    majority = data.get("majority") or (
        Majority.ALL_MEMBERS if electorate == Electorate.CONGRESS else Majority.VOTES_CAST
    )
    if majority not in Majority.values:
        raise DomainError(
            "invalid", _("通过规则应为 all_members 或 votes_cast"), fields={"majority": _("没有这个规则")}
        )
    return Poll.objects.create(
        org=org,
        title=title,
        kind=kind,
        options=options,
        max_choices=max_choices if kind == PollKind.MULTI else 1,
        electorate=electorate,
        congress=congress,
        audience=clean_audience(org, data.get("audience")) if electorate == Electorate.MEMBERS else {},
        opens_at=opens,
        closes_at=closes,
        quorum=round(float(quorum_value), 4),
        majority=majority,
    )


# -- the voter list ---------------------------------------------------------------------------------


def _electorate_users(poll: Poll) -> list[int]:
    if poll.electorate == Electorate.CONGRESS:
        reps = by_rule(Representative.objects, "the representatives of the poll's congress").filter(
            congress=poll.congress_id
        )
        return list(reps.filter(member__user__isnull=False).values_list("member__user_id", flat=True))
    return list(audience_members(poll.org, poll.audience).values_list("user_id", flat=True))


def freeze(poll: Poll, now=None) -> Poll:
    """Take the voter list once, at the opening (the first request after it does it)."""
    now = now or timezone.now()
    if poll.frozen_at is not None or now < poll.opens_at:
        return poll
    with transaction.atomic():
        locked = held(poll).select_for_update().get()
        if locked.frozen_at is None:
            Voter.objects.bulk_create(
                [Voter(org=poll.org, poll=poll, user_id=u) for u in sorted(set(_electorate_users(poll)))],
                ignore_conflicts=True,
                batch_size=2000,
            )
            held(poll).update(frozen_at=now)
            locked.frozen_at = now
    poll.frozen_at = locked.frozen_at
    return poll


# -- casting ------------------------------------------------------------------------------------------


def clean_choices(poll: Poll, choices):
    """The choices as the ballot keeps them, or 400 with the reason."""
    if poll.kind == PollKind.ITEMS:
        if (
            not isinstance(choices, dict)
            or set(choices) != set(poll.options)
            or not all(v in CHOICES for v in choices.values())
        ):
            raise DomainError(
                "invalid",
                _("请对每一项选择赞成、反对或弃权"),
                fields={"choices": _("每项 for、against 或 abstain")},
            )
        return {item: choices[item] for item in poll.options}
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise DomainError("invalid", _("选择不对"), fields={"choices": _("应为选项列表")})
    picked = list(dict.fromkeys(choices))
    if not picked or not set(picked) <= set(poll.options):
        raise DomainError("invalid", _("请从选项中选择"), fields={"choices": _("不是本次表决的选项")})
    if len(picked) > poll.max_choices:
        raise DomainError(
            "invalid", _("最多选 %(n)d 项") % {"n": poll.max_choices}, fields={"choices": _("选多了")}
        )
    return sorted(picked, key=poll.options.index)


def vote(*, poll: Poll, user, choices, now=None) -> str:
    """Cast the user's ballot; the receipt, shown once. 409 not_open, closed, not_eligible,
    already_voted."""
    now = now or timezone.now()
    if now < poll.opens_at:
        raise Conflict("not_open", _("表决还没有开始"))
    if now >= poll.closes_at:
        raise Conflict("closed", _("表决已经结束"))
    freeze(poll, now)
    kept = clean_choices(poll, choices)
    receipt = new_receipt()
    with transaction.atomic():
        mine = own(Voter.objects, user, field="user").filter(poll=poll)
        if not mine.filter(voted=False).update(voted=True):
            if mine.exists():
                raise Conflict("already_voted", _("您已经投过票了"))
            raise Conflict("not_eligible", _("您不在这次表决的名单里"))
        _ballot(poll, kept, receipt)
    return receipt


def _ballot(poll: Poll, kept, receipt: str) -> None:
    Ballot.objects.create(org_id=poll.org_id, poll=poll, choices=kept, receipt=digest(receipt))


_polls: dict[int, tuple[float, Poll]] = {}
POLL_SNAPSHOT_SECONDS = 5.0


def poll_snapshot(pk: int) -> Poll | None:
    """A poll by id once its voter list is frozen, kept for a few seconds: a burst of ballots
    reads it once. (A poll's times and options never change once made.)"""
    hit = _polls.get(pk)
    if hit and time.monotonic() - hit[0] < POLL_SNAPSHOT_SECONDS:
        return hit[1]
    poll = by_rule(Poll.objects, "a poll by id: the ballot then checks the voter list").filter(pk=pk).first()
    if poll is not None and poll.frozen_at is not None:
        if len(_polls) > 1000:
            _polls.clear()
        _polls[pk] = (time.monotonic(), poll)
    return poll


def forget_cached_polls() -> None:
    """Drop this process's poll snapshots (tests reuse ids after a rollback)."""
    _polls.clear()


def vote_listed(*, poll_id: int, user_id: int, choices, now=None) -> str | None:
    """The burst's path (core.fastpath): a voter on the list of an open, frozen poll casts their
    ballot with the same rules as `vote` — on PostgreSQL in one statement that is its own
    transaction (the conditional update of their row and the ballot's insert), elsewhere in a
    transaction of the two. None when the ordinary path must answer: the poll is not open or
    not frozen, the choices are not valid, or the caller is not a listed voter who has not voted
    (it gives the refusal, or 404 to one who may not see the poll)."""
    now = now or timezone.now()
    poll = poll_snapshot(poll_id)
    if poll is None or poll.frozen_at is None or not poll.opens_at <= now < poll.closes_at:
        return None
    try:
        kept = clean_choices(poll, choices)
    except DomainError:
        return None
    receipt = new_receipt()
    if connection.vendor == "postgresql":
        choices_value = Ballot._meta.get_field("choices").get_db_prep_value(kept, connection)
        params = [poll_id, user_id, uuid.uuid4(), poll.org_id, choices_value, digest(receipt)]
        with rows.alone():
            return receipt if rows.fetch_one(_ballot_sql(), params) else None
    with transaction.atomic():
        listed = by_rule(Voter.objects, "the caller's own line of the voter list").filter(
            poll_id=poll_id, user_id=user_id, voted=False
        )
        if not listed.update(voted=True):
            return None
        _ballot(poll, kept, receipt)
    return receipt


@functools.cache
def _ballot_sql() -> str:
    """The voter's row marked voted and the ballot written, both or neither; nothing the two
    rows share but the poll."""
    return (
        f"WITH took AS (UPDATE {Voter._meta.db_table} SET voted = true"  # noqa: S608 — names from the models
        " WHERE poll_id = %s AND user_id = %s AND NOT voted RETURNING poll_id)"
        f" INSERT INTO {Ballot._meta.db_table} (id, org_id, poll_id, choices, receipt)"
        " SELECT %s, %s, poll_id, %s, %s FROM took RETURNING 1"
    )


def counted(poll: Poll, receipt: str) -> bool:
    return (
        by_rule(Ballot.objects, "a ballot found by its receipt's digest, never by its voter")
        .filter(poll=poll, receipt=digest(receipt))
        .exists()
    )


# -- paper ballots and the result ---------------------------------------------------------------------


def paper_add(*, poll: Poll, tellers: list[str], voters: int, counts: dict, now=None) -> Poll:
    """Paper ballots counted by two tellers, added as totals (once, after the close)."""
    now = now or timezone.now()
    if now < poll.closes_at:
        raise Conflict("not_closed", _("表决结束后才能录入纸质票"))
    if poll.paper:
        raise Conflict("already_added", _("纸质票已经录入"))
    names = [str(t).strip() for t in tellers if str(t).strip()]
    if len(set(names)) < 2:
        raise DomainError("invalid", _("需要两位不同的计票人"), fields={"tellers": _("两位不同的计票人")})
    freeze(poll, now)
    online = by_rule(Voter.objects, "the poll's own voter list").filter(poll=poll, voted=True).count()
    eligible = by_rule(Voter.objects, "the poll's own voter list").filter(poll=poll).count()
    if not isinstance(voters, int) or isinstance(voters, bool) or not 0 <= voters <= eligible - online:
        raise DomainError(
            "invalid", _("纸质票人数不能超过没有在线投票的人数"), fields={"voters": str(eligible - online)}
        )
    clean: dict = {}
    for key in poll.options:
        value = counts.get(key, {} if poll.kind == PollKind.ITEMS else 0)
        if poll.kind == PollKind.ITEMS:
            row = {c: value.get(c, 0) if isinstance(value, dict) else -1 for c in CHOICES}
            if (
                any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in row.values())
                or sum(row.values()) > voters
            ):
                raise DomainError("invalid", _("“%(i)s”的票数不对") % {"i": key}, fields={"counts": key})
            clean[key] = row
        else:
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= voters:
                raise DomainError("invalid", _("“%(i)s”的票数不对") % {"i": key}, fields={"counts": key})
            clean[key] = value
    if set(counts) - set(poll.options):
        raise DomainError("invalid", _("有不是本次表决的选项"), fields={"counts": _("不是本次表决的选项")})
    poll.paper = {"voters": voters, "counts": clean, "tellers": names[:2]}
    held(poll).update(paper=poll.paper)
    return poll


def result(poll: Poll, now=None) -> dict:
    now = now or timezone.now()
    if now < poll.closes_at:
        raise Conflict("not_closed", _("表决结束后公布结果"))
    freeze(poll, now)
    voters = by_rule(Voter.objects, "the poll's own voter list").filter(poll=poll)
    eligible = voters.count()
    paper = poll.paper or {}
    voted = voters.filter(voted=True).count() + paper.get("voters", 0)
    if poll.kind == PollKind.ITEMS:
        counts = {item: dict.fromkeys(CHOICES, 0) for item in poll.options}
    else:
        counts = dict.fromkeys(poll.options, 0)
    for chosen in (
        by_rule(Ballot.objects, "the poll's ballots, counted")
        .filter(poll=poll)
        .values_list("choices", flat=True)
        .iterator(chunk_size=5000)
    ):
        if poll.kind == PollKind.ITEMS:
            for item, choice in chosen.items():
                counts[item][choice] += 1
        else:
            for option in chosen:
                counts[option] += 1
    for key, value in (paper.get("counts") or {}).items():
        if poll.kind == PollKind.ITEMS:
            for choice, n in value.items():
                counts[key][choice] += n
        else:
            counts[key] += value
    quorum_met = eligible > 0 and Fraction(voted, eligible) >= quorum_fraction(poll)
    base = eligible if poll.majority == Majority.ALL_MEMBERS else voted
    if poll.kind == PollKind.ITEMS:
        adopted = {item: quorum_met and 2 * counts[item]["for"] > base for item in poll.options}
    else:
        adopted = {option: quorum_met and 2 * counts[option] > base for option in poll.options}
    return {
        "eligible": eligible,
        "voted": voted,
        "quorum_met": quorum_met,
        "counts": counts,
        "adopted": adopted,
    }


def poll_for(user, pk: int) -> Poll:
    """A poll the caller may see: one they may vote in, staff over its union, or a member of
    its union's subtree. Anyone else: not found."""
    from unionhome.core.scoping import scope
    from unionhome.members.selectors import member_of

    poll = by_rule(Poll.objects, "a poll asked for by id, checked just below").filter(pk=pk).first()
    if poll is None:
        raise NotFound()
    if (
        own(Voter.objects, user, field="user").filter(poll=poll).exists()
        or scope(Poll.objects, user).filter(pk=pk).exists()
    ):
        return poll
    member = member_of(user)
    if member is not None and member.org.path.startswith(poll.org.path):
        return poll
    raise NotFound()
