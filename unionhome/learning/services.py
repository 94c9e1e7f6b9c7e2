"""The question bank, exams and attempts (D2). The server's clock is the only clock: an
attempt's deadline is fixed when it starts, and an answer after it is refused however long the
page stayed open."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.core.errors import Conflict, DomainError, NotFound, refuse
from unionhome.core.models import Org
from unionhome.core.scoping import above, by_rule, held, own

from . import certificates, marking
from .models import Attempt, Exam, Kind, Question

MAX_OPTIONS = 10
MAX_TAGS = 10
MAX_PAPER = 200


# -- the question bank ---------------------------------------------------------------------------


def _tags(raw) -> tuple[str, list[str]]:
    """("|a|b|", errors) from a list of tags or a string split by commas, spaces or 、."""
    if isinstance(raw, str):
        raw = raw.replace("，", ",").replace("、", ",").replace(" ", ",").split(",")
    tags = []
    for tag in raw or []:
        tag = str(tag).strip().replace("|", "")
        if tag and tag not in tags:
            tags.append(tag[:20])
    return ("|" + "|".join(tags) + "|") if tags else "", tags


def clean_question(data: dict) -> dict:
    """The question's fields checked together; every reason next to its field."""
    errors: dict[str, str] = {}
    kind = data.get("kind")
    text = str(data.get("text") or "").strip()
    options = [str(o).strip() for o in (data.get("options") or [])]
    answer = list(data.get("answer") or [])
    if kind not in Kind.values:
        errors["kind"] = _("题型应为 single、multiple、truefalse 或 fill")
    if not text:
        errors["text"] = _("请填写题目")
    elif len(text) > 1000:
        errors["text"] = _("题目最多 1000 字")
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        if len(options) < 2 or len(options) > MAX_OPTIONS or "" in options:
            errors["options"] = _("选择题需要 2 到 %(n)d 个不为空的选项") % {"n": MAX_OPTIONS}
        elif len(set(options)) != len(options):
            errors["options"] = _("选项不能重复")
        answer = [str(a).strip() for a in answer]
        if not answer or not set(answer) <= set(options):
            errors["answer"] = _("答案应是选项中的文字")
        elif kind == Kind.SINGLE and len(set(answer)) != 1:
            errors["answer"] = _("单选题只有一个答案")
        answer = [o for o in options if o in set(answer)]
    elif kind == Kind.TRUEFALSE:
        if len(answer) != 1 or not isinstance(answer[0], bool):
            errors["answer"] = _("判断题的答案是 [true] 或 [false]")
        options = []
    elif kind == Kind.FILL:
        answer = [str(a).strip() for a in answer if str(a).strip()]
        if not answer or any(len(a) > 100 for a in answer):
            errors["answer"] = _("填空题至少一个可接受的答案，每个最多 100 字")
        options = []
    tags, tag_list = _tags(data.get("tags"))
    if len(tag_list) > MAX_TAGS:
        errors["tags"] = _("最多 %(n)d 个标签") % {"n": MAX_TAGS}
    difficulty = data.get("difficulty", 1)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
        errors["difficulty"] = _("难度是 1 到 5 的整数")
    refuse(errors)
    return {
        "kind": kind,
        "text": text,
        "options": options,
        "answer": answer,
        "tags": tags,
        "difficulty": difficulty,
        "explanation": str(data.get("explanation") or "").strip()[:1000],
    }


def question_create(*, org: Org, by, data: dict) -> Question:
    return Question.objects.create(org=org, created_by=by, **clean_question(data))


def question_update(*, question: Question, data: dict) -> Question:
    for field, value in clean_question(data).items():
        setattr(question, field, value)
    question.save()
    return question


def question_retire(*, question: Question) -> None:
    held(question).update(active=False)
    question.active = False


def bank(org: Org) -> list[marking.Candidate]:
    """What an exam of `org` may draw on: the active questions of the union and those above it."""
    rows = above(Question.objects, org).filter(active=True).values_list("pk", "kind", "tags", "difficulty")
    return [
        marking.Candidate(pk, kind, frozenset(t for t in tags.split("|") if t), difficulty)
        for pk, kind, tags, difficulty in rows
    ]


# -- exams -------------------------------------------------------------------------------------------


def clean_rules(org: Org, rules) -> list[dict]:
    """Each rule {"tags", "kind", "count", "max_difficulty"?}, and the bank holding enough
    questions for all of them at once."""
    if not isinstance(rules, list) or not rules or len(rules) > 20:
        raise DomainError("invalid", _("请写组卷规则"), fields={"rules": _("1 到 20 条规则")})
    cleaned, total = [], 0
    for i, rule in enumerate(rules):
        rule = rule if isinstance(rule, dict) else {}
        count = rule.get("count")
        kind = rule.get("kind")
        ceiling = rule.get("max_difficulty")
        if kind not in Kind.values:
            raise DomainError(
                "invalid",
                _("第 %(n)d 条规则的题型不对") % {"n": i + 1},
                fields={f"rules.{i}.kind": _("没有这个题型")},
            )
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_PAPER:
            raise DomainError(
                "invalid",
                _("第 %(n)d 条规则的题数不对") % {"n": i + 1},
                fields={f"rules.{i}.count": _("1 到 200")},
            )
        if ceiling is not None and (
            isinstance(ceiling, bool) or not isinstance(ceiling, int) or not 1 <= ceiling <= 5
        ):
            raise DomainError(
                "invalid",
                _("第 %(n)d 条规则的难度不对") % {"n": i + 1},
                fields={f"rules.{i}.max_difficulty": _("1 到 5")},
            )
        _text, tags = _tags(rule.get("tags"))
        cleaned.append(
            {"tags": tags, "kind": kind, "count": count, **({"max_difficulty": ceiling} if ceiling else {})}
        )
        total += count
    if total > MAX_PAPER:
        raise DomainError(
            "invalid", _("一张试卷最多 %(n)d 题") % {"n": MAX_PAPER}, fields={"rules": str(MAX_PAPER)}
        )
    try:
        marking.draw(bank(org), cleaned, 0)
    except marking.ShortBank as short:
        rule = short.rule
        message = _("题库不够：标签「%(tags)s」%(kind)s只有 %(found)d 道，规则要 %(count)d 道") % {
            "tags": "、".join(rule["tags"]) or _("不限"),
            "kind": Kind(rule["kind"]).label,
            "found": short.found,
            "count": rule["count"],
        }
        raise DomainError("short_bank", message, fields={f"rules.{short.index}.count": message}) from None
    return cleaned


def exam_create(*, org: Org, data: dict) -> Exam:
    title = str(data.get("title") or "").strip()
    errors = {}
    if not title or len(title) > 120:
        errors["title"] = _("请填写考试名称（最多 120 字）")
    checks = {"minutes": (1, 600), "attempts": (1, 20), "pass_mark": (1, 100)}
    values = {}
    for key, (lo, hi) in checks.items():
        value = data.get(key, {"minutes": None, "attempts": 1, "pass_mark": 60}[key])
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            errors[key] = _("应在 %(lo)d 到 %(hi)d 之间") % {"lo": lo, "hi": hi}
        values[key] = value
    opens, closes = data.get("opens_at"), data.get("closes_at")
    if opens and closes and opens >= closes:
        errors["closes_at"] = _("截止时间应晚于开考时间")
    refuse(errors)
    rules = clean_rules(org, data.get("rules"))
    return Exam.objects.create(
        org=org,
        title=title,
        rules=rules,
        partial_credit=bool(data.get("partial_credit")),
        opens_at=opens,
        closes_at=closes,
        certificate_title=str(data.get("certificate_title") or "").strip()[:120],
        **values,
    )


def is_open(exam: Exam, now=None) -> bool:
    now = now or timezone.now()
    return (exam.opens_at is None or exam.opens_at <= now) and (
        exam.closes_at is None or now < exam.closes_at
    )


# -- attempts ---------------------------------------------------------------------------------------


def is_closed(attempt: Attempt, now=None) -> bool:
    return attempt.submitted_at is not None or (now or timezone.now()) >= attempt.deadline


def attempts_of(exam: Exam, member) -> list[Attempt]:
    return list(own(Attempt.objects, member).filter(exam=exam).order_by("number"))


def attempt_start(*, exam: Exam, member, now=None) -> Attempt:
    """The member's open attempt if there is one (a second tap resumes, it does not spend an
    attempt), else a new one with a paper drawn for a fresh seed. 409 not_open outside the
    exam's window, no_attempts_left after the last."""
    now = now or timezone.now()
    mine = attempts_of(exam, member)
    for attempt in mine:
        if not is_closed(attempt, now):
            return attempt
    if not is_open(exam, now):
        raise Conflict("not_open", _("现在不在考试时间内"))
    if len(mine) >= exam.attempts:
        raise Conflict("no_attempts_left", _("考试次数已用完"))
    seed = secrets.randbits(62)
    try:
        paper = marking.draw(bank(exam.org), exam.rules, seed)
    except marking.ShortBank:
        raise Conflict("not_open", _("题库中的题目已不够组卷，请联系工会")) from None
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                org=exam.org,
                exam=exam,
                member=member,
                number=len(mine) + 1,
                seed=seed,
                questions=paper,
                started_at=now,
                deadline=now + timedelta(minutes=exam.minutes),
            )
    except IntegrityError:
        # Another request took this number at the same moment: that one is the attempt.
        for attempt in attempts_of(exam, member):
            if not is_closed(attempt, now):
                return attempt
        raise Conflict("no_attempts_left", _("考试次数已用完")) from None


def paper(attempt: Attempt) -> list[Question]:
    """The attempt's questions in the order shown (those deleted since are left out)."""
    found = by_rule(Question.objects, "the questions on an attempt's paper, drawn for it").in_bulk(
        attempt.questions
    )
    return [found[pk] for pk in attempt.questions if pk in found]


def _mark(attempt: Attempt, answers: dict) -> tuple[dict, Decimal, Decimal]:
    exam = attempt.exam
    marks, score = {}, Decimal(0)
    questions = paper(attempt)
    for q in questions:
        got = marking.points(q.kind, q.answer, answers.get(str(q.pk)), partial=exam.partial_credit)
        marks[str(q.pk)] = str(got)
        score += got
    return marks, score, Decimal(len(questions))


def attempt_submit(*, attempt: Attempt, answers, now=None) -> dict:
    """Mark the answers and close the attempt, once. Answers to questions not on the paper are
    ignored, each with its reason. A pass issues the certificate."""
    now = now or timezone.now()
    if attempt.submitted_at is not None:
        raise Conflict("already_submitted", _("这次考试已经交卷"))
    if now >= attempt.deadline:
        attempt_expire(attempt)
        raise Conflict("deadline_passed", _("考试时间已到，答案没有被接受"))
    if not isinstance(answers, dict):
        raise DomainError("invalid", _("答案格式不对"), fields={"answers": _("应为 {题号: 答案}")})
    on_paper = {str(pk) for pk in attempt.questions}
    ignored = [
        {"question": key, "reason": _("这道题不在您的试卷上")} for key in answers if str(key) not in on_paper
    ]
    kept = {str(k): v for k, v in answers.items() if str(k) in on_paper}
    marks, score, most = _mark(attempt, kept)
    exam = attempt.exam
    passed = most > 0 and score * 100 >= most * exam.pass_mark
    with transaction.atomic():
        updated = (
            held(attempt)
            .filter(submitted_at__isnull=True)
            .update(submitted_at=now, answers=kept, marks=marks, score=score, max_score=most, passed=passed)
        )
        if not updated:
            raise Conflict("already_submitted", _("这次考试已经交卷"))
        attempt.submitted_at, attempt.answers, attempt.marks = now, kept, marks
        attempt.score, attempt.max_score, attempt.passed = score, most, passed
        cert = certificates.issue(attempt) if passed else None
    if passed:
        from . import courses

        courses.exam_passed(attempt)
    return {"attempt": attempt, "certificate": cert, "ignored": ignored}


def attempt_expire(attempt: Attempt) -> None:
    """Close an attempt whose deadline passed without a submission: nothing answered, nothing
    scored (so its review can show the paper)."""
    if attempt.submitted_at is None and attempt.max_score is None:
        marks, _score, most = _mark(attempt, {})
        held(attempt).filter(submitted_at__isnull=True, max_score__isnull=True).update(
            marks=marks, score=Decimal(0), max_score=most, passed=False
        )
        attempt.marks, attempt.score, attempt.max_score, attempt.passed = marks, Decimal(0), most, False


def attempt_of(user_member, pk: int) -> Attempt:
    """The member's own attempt; anyone else's is not found."""
    attempt = own(Attempt.objects, user_member).select_related("exam").filter(pk=pk).first()
    if attempt is None:
        raise NotFound()
    return attempt


def review(attempt: Attempt, now=None) -> list[dict]:
    """After the attempt closes: each question, the answer given, the right answer and the
    points. Before: nothing (409)."""
    if not is_closed(attempt, now):
        raise Conflict("still_open", _("交卷后才能查看"))
    if attempt.max_score is None:
        attempt_expire(attempt)
    return [
        {
            "question": q,
            "given": attempt.answers.get(str(q.pk)),
            "answer": q.answer,
            "points": Decimal(attempt.marks.get(str(q.pk), "0")),
            "right": Decimal(attempt.marks.get(str(q.pk), "0")) == 1,
        }
        for q in paper(attempt)
    ]
