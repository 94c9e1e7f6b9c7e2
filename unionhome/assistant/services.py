"""Every change the assistant makes: answering (and remembering what was asked), feedback,
hand-over to a person, and the staff's editing of the knowledge base."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionhome.core.audit import log_action
from unionhome.core.errors import DomainError, Forbidden, NotFound
from unionhome.core.models import Role
from unionhome.core.scoping import by_rule, ensure_role_over, has_role_over, own, role_paths
from unionhome.members.models import Member
from unionhome.members.selectors import org_ids_upward

from . import engine, llm
from .models import Category, Entry, Question, QuestionStatus

QUESTION_MAX = 500
KB_FILE = Path(__file__).parent / "data" / "faq_kb.json"
GUIDES_FILE = Path(__file__).parent / "data" / "guides.json"  # step-by-step guides, entries too
PHRASINGS_FILE = "phrasings.txt"


# The service an answer speaks of, one tap away: (words in the answer, the button, where it goes).
SERVICE_LINKS = [
    (("福利申领", "申领"), _l("去福利申领"), "/benefits/"),
    (("困难帮扶", "帮扶"), _l("去困难帮扶"), "/care/"),
    (("诉求", "反映"), _l("去反映诉求"), "/appeals/new/"),
    (("法律援助", "法律咨询", "劳动合同"), _l("去法律服务"), "/legal/"),
    (("入会",), _l("去申请入会"), "/join/"),
    (("会员卡",), _l("打开电子会员卡"), "/card/"),
    (("转会",), _l("去办理转会"), "/transfer/"),
    (("活动", "报名"), _l("去活动报名"), "/activities/"),
]


def service_links(text: str, limit: int = 2) -> list[tuple[str, str]]:
    """The buttons for the services an answer mentions, in the list's order, at most `limit`."""
    found = []
    for words, label, url in SERVICE_LINKS:
        if any(w in (text or "") for w in words):
            found.append((str(label), url))
    return found[:limit]


def handoff_preview(*, user, question_ids: list[int]) -> list:
    """What 转人工 would send: the member's own questions, oldest first, with what was answered."""
    return list(
        own(Question.objects, user, field="user")
        .filter(pk__in=question_ids)
        .select_related("entry")
        .order_by("pk")
    )


@dataclass
class Answer:
    question: Question
    text: str
    entry: Entry | None
    related: list[Entry] = field(default_factory=list)
    phrased: bool = False
    choice: bool = False  # the text asks which of the two related entries was meant

    @property
    def handoff(self) -> bool:
        return self.entry is None and not self.choice


def choice_text(first: Entry, second: Entry) -> str:
    return _("您是想问“%(a)s”还是“%(b)s”？点一下就能看到回答。") % {
        "a": first.question.rstrip("？?"),
        "b": second.question.rstrip("？?"),
    }


def unknown_text() -> str:
    return _("抱歉，这个问题我还答不上来。您可以换个说法再问一次，或者点“转人工”，工会工作人员会尽快联系您。")


def check_question(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("invalid", _("请输入您的问题"), fields={"question": _("不能为空")})
    if len(text) > QUESTION_MAX:
        raise DomainError(
            "invalid",
            _("问题太长了，请简短一些"),
            fields={"question": _("最多 %(n)s 个字") % {"n": QUESTION_MAX}},
        )
    return text


def ask(*, user, text: str) -> Answer:
    text = check_question(text)
    assistant = engine.current()
    authenticated = getattr(user, "is_authenticated", False)
    member = (
        own(Member.objects, user if authenticated else None, field="user")
        .values_list("org_id", "org__path")
        .first()
    )
    orgs = org_ids_upward(user, member_path=member[1] if member else "")
    reply = assistant.reply(text, orgs=orgs)
    entries = assistant.entries  # the indexed entries, held with the index: no query per question
    entry = entries.get(reply.key) if reply.key else None
    related = [entries[k] for k in (reply.related if entry else reply.candidates) if k in entries]
    choice = reply.choice and len(related) == 2
    phrased = llm.phrase(text, [entry, *related]) if entry is not None and llm.enabled() else None
    said = phrased or (entry.answer if entry else choice_text(*related) if choice else unknown_text())
    question = Question.objects.create(
        user=user if authenticated else None,
        org_id=member[0] if member else None,
        text=text,
        entry=entry,
        answer=said,
        related=[e.kb_id for e in related],
        score=round(reply.score, 3),
        in_scope=round(reply.in_scope, 3),
        status=QuestionStatus.ANSWERED if entry else QuestionStatus.CHOICE if choice else QuestionStatus.OPEN,
    )
    return Answer(question, said, entry, related, phrased=bool(phrased), choice=choice)


def _own_question(user, question_id: int) -> Question:
    question = (
        own(Question.objects, user if user.is_authenticated else None, field="user")
        .filter(pk=question_id)
        .first()
    )
    if question is None:
        raise NotFound()
    return question


def feedback(*, user, question_id: int, helpful: bool) -> Question:
    """Thumbs up or down. A thumbs-down puts the question on the staff's list."""
    question = _own_question(user, question_id)
    question.helpful = helpful
    if not helpful and question.status == QuestionStatus.ANSWERED:
        question.status = QuestionStatus.OPEN
    question.save(update_fields=["helpful", "status"])
    return question


@transaction.atomic
def handoff(*, user, question_ids: list[int], note: str = ""):
    """转人工: open an appeal that carries the conversation, so nobody has to ask again."""
    from unionhome.appeals.services import TEXT_MAX, appeal_submit

    questions = list(
        own(Question.objects, user, field="user").filter(pk__in=question_ids).select_related("entry")
    )
    if not questions and not note.strip():
        raise DomainError("invalid", _("请说明需要人工帮忙的问题"), fields={"question_ids": _("不能为空")})
    lines = [_("【智能客服转人工】")]
    if note.strip():
        lines.append(note.strip())
    for q in sorted(questions, key=lambda q: q.pk):
        lines.append(_("问：%(q)s") % {"q": q.text})
        lines.append(_("答：%(a)s") % {"a": q.entry.question if q.entry else _("（未能回答）")})
    text = "\n".join(lines)[:TEXT_MAX]
    appeal = appeal_submit(actor=user, text=text, title=_("智能客服转人工"))
    own(Question.objects, user, field="user").filter(pk__in=[q.pk for q in questions]).update(appeal=appeal)
    log_action(appeal, "assistant.handoff", user, {"questions": [q.pk for q in questions]})
    return appeal


# -- the knowledge base ------------------------------------------------------------------------


def _next_kb_id() -> str:
    numbers = [
        int(m.group(1))
        for kb_id in by_rule(Entry.objects, "entry numbers run across every union")
        .filter(kb_id__startswith="kb-")
        .values_list("kb_id", flat=True)
        if (m := re.fullmatch(r"kb-(\d+)", kb_id))
    ]
    return f"kb-{max(numbers, default=0) + 1:03d}"


def is_root_admin(actor) -> bool:
    """An admin of a root union (an org with no parent, its path one segment long): the only
    people, with superusers, who write the shared entries every union's members read. An admin
    of a sub-union is not one, however high their union sits."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    return any(path.count(".") == 1 for path in role_paths(actor, [Role.ADMIN]))


def can_edit_entry(actor, org) -> bool:
    """Shared entries (no union) are the root admins'; a union's own entries its staff's."""
    return is_root_admin(actor) if org is None else has_role_over(actor, org)


def _check_editor(actor, org) -> None:
    if org is None:
        if not is_root_admin(actor):
            raise Forbidden("forbidden", _("只有总工会管理员可以编辑公共知识库"))
    else:
        ensure_role_over(actor, org)


@transaction.atomic
def entry_save(
    *,
    actor,
    question: str,
    answer: str,
    category: str = Category.OTHER,
    keywords: list[str] = (),
    synonyms: list[str] = (),
    source: str = "",
    reviewed_on: dt.date | None = None,
    is_guide: bool = False,
    entry: Entry | None = None,
    org=None,
    from_question: int | None = None,
):
    """Add an entry (to `org`, or shared when None) or change one; it answers at once."""
    if entry is None:
        _check_editor(actor, org)
        entry = Entry(kb_id=_next_kb_id(), org=org)
        action = "assistant.entry.created"
    else:
        _check_editor(actor, entry.org)
        action = "assistant.entry.updated"
    entry.question, entry.answer, entry.category = question, answer, category
    entry.keywords, entry.synonyms = list(keywords), list(synonyms)
    entry.source, entry.reviewed_on, entry.is_guide = source, reviewed_on, is_guide
    entry.terms = engine.entry_terms(entry)
    entry.terms_version = engine.terms_version()
    entry.updated_by = actor
    entry.save()
    if from_question:
        from .selectors import unanswered

        # only a question on this staff member's own list can be marked as answered by it
        unanswered(actor).filter(pk=from_question).update(status=QuestionStatus.ADDED, added_entry=entry)
    log_action(entry, action, actor, {"kb_id": entry.kb_id}, org=entry.org)
    transaction.on_commit(engine.invalidate)
    return entry


@transaction.atomic
def entry_retire(*, actor, entry: Entry) -> Entry:
    _check_editor(actor, entry.org)
    entry.active = False
    entry.updated_by = actor
    entry.save(update_fields=["active", "updated_by", "updated_at"])
    log_action(entry, "assistant.entry.retired", actor, {"kb_id": entry.kb_id}, org=entry.org)
    transaction.on_commit(engine.invalidate)
    return entry


def question_dismiss(*, actor, question: Question) -> Question:
    question.status = QuestionStatus.DISMISSED
    question.save(update_fields=["status"])
    log_action(question, "assistant.question.dismissed", actor, org=question.org)
    return question


def load_default(path: Path = KB_FILE) -> int:
    """Load the shipped knowledge base (and its similar questions) and the shipped guides. Entries
    that already exist are left as staff edited them; running it again adds nothing twice."""
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    if Path(path) == KB_FILE:
        items += json.loads(GUIDES_FILE.read_text(encoding="utf-8"))
    phrasings: dict[str, list[str]] = {}
    for line in engine.read_lines(PHRASINGS_FILE):
        kb_id, text = line.split("\t", 1)
        phrasings.setdefault(kb_id, []).append(text.strip())
    existing = set(Entry.objects.filter(kb_id__in=[i["id"] for i in items]).values_list("kb_id", flat=True))
    version = engine.terms_version()
    today = timezone.localdate()
    new = []
    for item in items:
        if item["id"] in existing:
            continue
        entry = Entry(
            kb_id=item["id"],
            category=item.get("category", Category.OTHER)
            if item.get("category") in Category.values
            else Category.OTHER,
            question=item["question"],
            answer=item["answer"],
            keywords=item.get("keywords", []),
            synonyms=item.get("synonyms", []) + phrasings.get(item["id"], []),
            is_guide=item.get("category") == Category.GUIDES,
            source=item.get("source", _("工会知识库")),
            reviewed_on=today,
            terms_version=version,
        )
        entry.terms = engine.entry_terms(entry)
        new.append(entry)
    Entry.objects.bulk_create(new, batch_size=500)
    if new:
        transaction.on_commit(engine.invalidate)
    return len(new)


def demo_step(context: dict) -> None:
    """The demo's knowledge base: the shipped entries (core.demo)."""
    load_default()
