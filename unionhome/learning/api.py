"""Learning API (D1–D2): courses and earned progress, the question bank, exams that mark
themselves, and certificates anyone can verify."""

from __future__ import annotations

from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.core.api import Created, local_iso, staff_org
from unionhome.core.bounds import Id, Moment
from unionhome.core.errors import Conflict, NotFound
from unionhome.core.openapi import refuses
from unionhome.core.scoping import above, by_rule, get_scoped, own, require_staff, scope
from unionhome.members.audience import AudienceIn
from unionhome.members.selectors import require_active_member

from . import certificates, contests, courses, imports, services
from .models import Attempt, Certificate, Contest, Course, Entry, Exam, Kind, LessonKind, Question

router = Router(tags=["learning"])

KindCode = Literal[tuple(Kind.values)]  # type: ignore[valid-type]
Answer = list[Any]


# -- the question bank (staff) -------------------------------------------------------------------


class QuestionIn(Schema):
    kind: KindCode  # type: ignore[valid-type]
    text: str = Field(..., max_length=1000)
    options: list[str] = Field(default_factory=list, max_length=10)
    answer: list[str | bool] = Field(
        ...,
        max_length=20,
        description="option texts (single, multiple), [true]/[false], or accepted strings (fill)",
    )
    tags: list[str] = Field(default_factory=list, max_length=10)
    difficulty: int = Field(1, ge=1, le=5)
    explanation: str = Field("", max_length=1000)
    org: Id | None = None


@router.post("/questions", response={201: Created})
@refuses(404)
def question_create(request, payload: QuestionIn):
    """Add a question to the bank of the caller's union (staff)."""
    org = staff_org(request, payload.org)
    question = services.question_create(org=org, by=request.user, data=payload.dict())
    return Status(201, {"id": question.pk})


@router.put("/questions/{int:question_id}", response=Created)
@refuses(404)
def question_update(request, question_id: Id, payload: QuestionIn):
    """Correct a question of the caller's unions. Papers already drawn keep pointing at it, so a
    correction also corrects their review."""
    question = get_scoped(Question.objects, request.user, pk=question_id)
    services.question_update(question=question, data=payload.dict())
    return {"id": question.pk}


@router.delete("/questions/{int:question_id}", response={204: None})
@refuses(404)
def question_retire(request, question_id: Id):
    """Take a question out of the bank: no new paper draws it; papers that hold it keep it."""
    question = get_scoped(Question.objects, request.user, pk=question_id)
    services.question_retire(question=question)
    return Status(204, None)


class QuestionOut(Schema):
    id: int
    kind: str
    text: str
    options: list[str]
    answer: list[str | bool]
    tags: list[str]
    difficulty: int

    @staticmethod
    def resolve_tags(q):
        return q.tag_list


@router.get("/questions", response=list[QuestionOut])
@refuses(403)
def question_list(request, tag: str = Query("", max_length=20), limit: int = Query(200, ge=1, le=1000)):
    """The bank of the unions the caller is staff of (a tag narrows it)."""
    require_staff(request.user)
    found = scope(Question.objects, request.user).filter(active=True)
    if tag:
        found = found.filter(tags__contains=f"|{tag}|")
    return list(found.order_by("pk")[:limit])


class QuestionImportError(Schema):
    row: int
    column: str
    reason: str


class QuestionImportOut(Schema):
    created: int
    errors: list[QuestionImportError]


@router.post("/questions/import", response=QuestionImportOut)
@refuses(404)
def question_import(request, file: File[UploadedFile], org: Id | None = None):
    """A question bank from .xlsx, .xls or .csv (columns 题型, 题目, 选项A…选项F, 答案, 标签,
    难度, 解析). Each bad row is reported with its sheet row number and the good rows are kept."""
    target = staff_org(request, org)
    return imports.questions_import(org=target, by=request.user, data=file.read())


# -- exams ------------------------------------------------------------------------------------------


class RuleIn(Schema):
    tags: list[str] = Field(default_factory=list, max_length=10)
    kind: KindCode  # type: ignore[valid-type]
    count: int = Field(..., ge=1, le=200)
    max_difficulty: int | None = Field(None, ge=1, le=5)


class ExamIn(Schema):
    title: str = Field(..., max_length=120)
    rules: list[RuleIn] = Field(..., min_length=1, max_length=20)
    minutes: int = Field(..., ge=1, le=600)
    attempts: int = Field(1, ge=1, le=20)
    pass_mark: int = Field(60, ge=1, le=100, description="percent of the maximum score")
    partial_credit: bool = False
    opens_at: Moment | None = None
    closes_at: Moment | None = None
    certificate_title: str = Field("", max_length=120)
    org: Id | None = None


@router.post("/exams", response={201: Created})
@refuses(404)
def exam_create(request, payload: ExamIn):
    """An exam whose paper is drawn per member by its rules, checked against the bank now."""
    org = staff_org(request, payload.org)
    data = payload.dict()
    data["rules"] = [r.dict(exclude_none=True) for r in payload.rules]
    exam = services.exam_create(org=org, data=data)
    return Status(201, {"id": exam.pk})


class ExamOut(Schema):
    id: int
    title: str
    minutes: int
    attempts: int
    pass_mark: int
    questions: int = Field(description="questions on each paper")
    open: bool
    used: int = Field(description="attempts the caller has used")

    @staticmethod
    def resolve_questions(e):
        return sum(r["count"] for r in e.rules)

    @staticmethod
    def resolve_open(e):
        return services.is_open(e)


@router.get("/exams", response=list[ExamOut])
@refuses(403)
def exam_list(request):
    """The exams the member may sit: their union's and those of the unions above it."""
    member = require_active_member(request.user)
    exams = list(above(Exam.objects, member.org).order_by("-pk")[:200])
    used: dict[int, int] = {}
    for exam_id in own(Attempt.objects, member).values_list("exam_id", flat=True):
        used[exam_id] = used.get(exam_id, 0) + 1
    for exam in exams:
        exam.used = used.get(exam.pk, 0)
    return exams


def _exam_for(member, exam_id: int) -> Exam:
    exam = above(Exam.objects, member.org).filter(pk=exam_id).first()
    if exam is None:
        raise NotFound()
    return exam


class PaperQuestion(Schema):
    id: int
    kind: str
    text: str
    options: list[str]


class AttemptOut(Schema):
    id: int
    deadline: str
    questions: list[PaperQuestion]


def _attempt_out(attempt: Attempt) -> dict:
    return {
        "id": attempt.pk,
        "deadline": local_iso(attempt.deadline),
        "questions": [
            {"id": q.pk, "kind": q.kind, "text": q.text, "options": q.options}
            for q in services.paper(attempt)
        ],
    }


@router.post("/exams/{exam_id}/attempts", response={201: AttemptOut})
@refuses(403, 409)
def attempt_start(request, exam_id: Id):
    """Start (or resume the open) attempt: the paper drawn for this member, never the answers.
    409 `not_open` outside the exam's window, `no_attempts_left` after the last."""
    member = require_active_member(request.user)
    attempt = services.attempt_start(exam=_exam_for(member, exam_id), member=member)
    return Status(201, _attempt_out(attempt))


class SubmitIn(Schema):
    answers: dict[str, Answer] = Field(
        ..., max_length=200, description='{"<question id>": [...]} in the forms of a question\'s answer'
    )


class CertificateRef(Schema):
    code: str


class IgnoredOut(Schema):
    question: str
    reason: str


class SubmitOut(Schema):
    score: float
    max_score: float
    passed: bool
    certificate: CertificateRef | None
    ignored: list[IgnoredOut] = Field(description="answers not counted, each with its reason")


@router.post("/attempts/{attempt_id}/submit", response=SubmitOut)
@refuses(403, 404, 409)
def attempt_submit(request, attempt_id: Id, payload: SubmitIn):
    """Hand in: marked at once on the server's clock. 409 `deadline_passed` after the deadline,
    `already_submitted` the second time. Another member's attempt: 404."""
    member = require_active_member(request.user)
    attempt = services.attempt_of(member, attempt_id)
    done = services.attempt_submit(attempt=attempt, answers=payload.answers)
    cert = done["certificate"]
    return {
        "score": float(attempt.score),
        "max_score": float(attempt.max_score),
        "passed": attempt.passed,
        "certificate": {"code": cert.code} if cert else None,
        "ignored": done["ignored"],
    }


class ReviewItem(Schema):
    id: int
    kind: str
    text: str
    options: list[str]
    given: Answer | None
    answer: Answer
    points: float
    explanation: str


class ReviewOut(Schema):
    score: float
    max_score: float
    passed: bool
    items: list[ReviewItem]


@router.get("/attempts/{attempt_id}/review", response=ReviewOut)
@refuses(403, 404, 409)
def attempt_review(request, attempt_id: Id):
    """After the attempt closes: each question with the answer given and the right one. 409
    `still_open` before."""
    member = require_active_member(request.user)
    attempt = services.attempt_of(member, attempt_id)
    items = services.review(attempt)
    return {
        "score": float(attempt.score),
        "max_score": float(attempt.max_score),
        "passed": bool(attempt.passed),
        "items": [
            {
                "id": i["question"].pk,
                "kind": i["question"].kind,
                "text": i["question"].text,
                "options": i["question"].options,
                "given": i["given"],
                "answer": i["answer"],
                "points": float(i["points"]),
                "explanation": i["question"].explanation,
            }
            for i in items
        ],
    }


# -- certificates -------------------------------------------------------------------------------


class VerifyOut(Schema):
    valid: bool
    holder: str | None = Field(description="masked: the family name only")
    title: str | None
    issued_on: str | None
    revoked: bool
    org: str | None


@router.get("/certificates/verify", response=VerifyOut, auth=None)
def certificate_verify(request, code: str = Query(..., max_length=32)):
    """Anyone: is this certificate valid? An unknown code is not valid (never a 404)."""
    return certificates.verify(code)


class KeyOut(Schema):
    id: int
    org: str
    algorithm: str
    public_key: str = Field(description="the raw 32-byte Ed25519 public key, base64url")
    created_at: str

    @staticmethod
    def resolve_created_at(k):
        return local_iso(k["created_at"])


@router.get("/certificates/keys", response=list[KeyOut], auth=None)
def certificate_keys(request):
    """The unions' published keys: a certificate's QR code holds `<payload>.<signature>` after
    '#', an Ed25519 signature of the payload that these keys check offline."""
    return certificates.keys()


class RevokeIn(Schema):
    reason: str = Field(..., max_length=200)


@router.post("/certificates/{code}/revoke", response=VerifyOut)
@refuses(404, 409)
def certificate_revoke(request, code: str, payload: RevokeIn):
    """Staff of the issuing union (or above it) revoke a certificate, with the reason."""
    cert = get_scoped(Certificate.objects, request.user, code=code.upper()[:32])
    certificates.revoke(cert, by=request.user, reason=payload.reason)
    return certificates.verify(cert.code)


class MyCertificateOut(Schema):
    code: str
    title: str
    issued_on: str
    revoked: bool
    pdf: str

    @staticmethod
    def resolve_issued_on(c):
        return c.issued_on.isoformat()

    @staticmethod
    def resolve_revoked(c):
        return c.revoked_at is not None

    @staticmethod
    def resolve_pdf(c):
        return f"/learning/certificates/{c.code}.pdf"


@router.get("/me/certificates", response=list[MyCertificateOut])
def my_certificates(request):
    """The caller's own certificates."""
    from unionhome.members.selectors import member_of

    return list(own(Certificate.objects, member_of(request.user)).order_by("-issued_on", "-pk"))


# -- courses ----------------------------------------------------------------------------------------


class CourseIn(Schema):
    title: str = Field(..., max_length=120)
    summary: str = Field("", max_length=2000)
    audience: AudienceIn = Field(default_factory=AudienceIn)
    shared: bool = Field(True, description="the unions below may offer it to their members")
    exam: Id | None = None
    exam_required: bool = Field(False, description="the course is finished only when its exam is passed")
    publish: bool = True
    org: Id | None = None


@router.post("/courses", response={201: Created})
@refuses(404)
def course_create(request, payload: CourseIn):
    org = staff_org(request, payload.org)
    data = payload.dict()
    data["audience"] = payload.audience.dict()
    return Status(201, {"id": courses.course_create(org=org, data=data).pk})


LessonKindCode = Literal[tuple(LessonKind.values)]  # type: ignore[valid-type]


class LessonIn(Schema):
    kind: LessonKindCode  # type: ignore[valid-type]
    title: str = Field(..., max_length=120)
    body: str = Field("", max_length=20000)
    media_url: str = Field("", max_length=300, description="a video's address")
    seconds: int = Field(0, ge=0, le=36000, description="a video's length")
    activity: Id | None = Field(None, description="an offline session's activity")


@router.post("/courses/{course_id}/lessons", response={201: Created})
@refuses(404)
def lesson_add(request, course_id: Id, payload: LessonIn):
    course = get_scoped(Course.objects, request.user, pk=course_id)
    return Status(201, {"id": courses.lesson_add(course=course, data=payload.dict()).pk})


class LessonOut(Schema):
    id: int
    kind: str
    title: str
    seconds: int
    done: bool
    position: int = Field(description="where a video resumes, in seconds")
    share: float | None = Field(description="a video's share seen, 0–1")


class CourseOut(Schema):
    id: int
    title: str
    summary: str
    org: str
    exam: int | None
    exam_required: bool
    done: int
    total: int
    exam_passed: bool
    finished: bool
    lessons: list[LessonOut]


def _course_out(member, course: Course) -> dict:
    st = courses.state(member, course)
    return {
        "id": course.pk,
        "title": course.title,
        "summary": course.summary,
        "org": course.org.name,
        "exam": course.exam_id,
        "exam_required": course.exam_required,
        **{k: st[k] for k in ("done", "total", "exam_passed", "finished")},
        "lessons": [
            {
                "id": r["lesson"].pk,
                "kind": r["lesson"].kind,
                "title": r["lesson"].title,
                "seconds": r["lesson"].seconds,
                "done": r["done"],
                "position": r["progress"].position if r["progress"] else 0,
                "share": r["share"],
            }
            for r in st["lessons"]
        ],
    }


@router.get("/courses", response=list[CourseOut])
@refuses(403)
def course_list(request):
    """The courses the member may take, with their progress."""
    member = require_active_member(request.user)
    return [_course_out(member, c) for c in courses.courses_for(member)]


@router.get("/courses/{course_id}", response=CourseOut)
@refuses(403)
def course_get(request, course_id: Id):
    member = require_active_member(request.user)
    return _course_out(member, courses.course_for(member, course_id))


class BeatIn(Schema):
    position: float = Field(..., ge=0, le=36000, description="seconds into the video")


class ProgressOut(Schema):
    done: bool
    position: int
    share: float | None


def _progress_out(lesson, progress) -> dict:
    share = (
        round(progress.seen.count("1") / courses.stretches(lesson), 2)
        if lesson.kind == LessonKind.VIDEO
        else None
    )
    return {"done": progress.done_at is not None, "position": progress.position, "share": share}


@router.post("/lessons/{lesson_id}/open", response=ProgressOut)
@refuses(403)
def lesson_open(request, lesson_id: Id):
    member = require_active_member(request.user)
    lesson = courses.lesson_for(member, lesson_id)
    return _progress_out(lesson, courses.lesson_open(member, lesson))


@router.post("/lessons/{lesson_id}/heartbeat", response=ProgressOut)
@refuses(403)
def lesson_heartbeat(request, lesson_id: Id, payload: BeatIn):
    """The player's position, about every 10 seconds while it plays. A stretch counts at most
    once per 8 seconds of the server's clock; 90% of the stretches finish the lesson."""
    member = require_active_member(request.user)
    lesson = courses.lesson_for(member, lesson_id)
    return _progress_out(lesson, courses.heartbeat(member, lesson, payload.position))


@router.post("/lessons/{lesson_id}/end", response=ProgressOut)
@refuses(400, 403)
def lesson_end(request, lesson_id: Id):
    """A document or text read to its end (after it was opened)."""
    member = require_active_member(request.user)
    lesson = courses.lesson_for(member, lesson_id)
    return _progress_out(lesson, courses.reached_end(member, lesson))


# -- skill contests (D3) ------------------------------------------------------------------------


class CriterionIn(Schema):
    name: str = Field(..., min_length=1, max_length=30)
    weight: float = Field(..., gt=0, le=100)


class ContestIn(Schema):
    title: str = Field(..., max_length=120)
    summary: str = Field("", max_length=2000)
    criteria: list[CriterionIn] = Field(..., min_length=1, max_length=10)
    rule: Literal["mean", "trimmed_mean", "zscore"] = "mean"
    judges: list[str] = Field(..., min_length=1, max_length=30, description="usernames")
    chief: str | None = Field(
        None, max_length=150, description="the chief judge's username; default the first judge"
    )
    tiebreak: list[str] = Field(
        default_factory=list, max_length=10, description="criteria compared, in order, on a tie"
    )
    exclude_own_org: bool = Field(True, description="a judge never marks entrants of their own enterprise")
    exam: Id | None = Field(None, description="the written round: only those who pass it are judged")
    submissions: bool = Field(False, description="entrants hand in work (a description and a file)")
    signup_closes_at: Moment | None = None
    audience: AudienceIn = Field(default_factory=AudienceIn, description="who is eligible")
    org: Id | None = None


@router.post("/contests", response={201: Created})
@refuses(404)
def contest_create(request, payload: ContestIn):
    org = staff_org(request, payload.org)
    data = payload.dict()
    data["criteria"] = [c.dict() for c in payload.criteria]
    data["audience"] = payload.audience.dict()
    return Status(201, {"id": contests.contest_create(org=org, data=data).pk})


class ContestOut(Schema):
    id: int
    title: str
    summary: str
    org: str
    criteria: list[CriterionIn]
    rule: str
    closed: bool
    eligible: bool = Field(description="the caller may sign up")
    entered: bool

    @staticmethod
    def resolve_org(c):
        return c.org.name

    @staticmethod
    def resolve_closed(c):
        return c.closed_at is not None


@router.get("/contests", response=list[ContestOut])
def contest_list(request):
    """The contests of the member's union and the unions above it."""
    from unionhome.members.selectors import member_of

    member = member_of(request.user)
    found = contests.contests_for(member)
    entered = set(own(Entry.objects, member).values_list("contest_id", flat=True))
    for c in found:
        c.eligible = contests.eligible(c, member)
        c.entered = c.pk in entered
    return found


class ContestEntryIn(Schema):
    member: str = Field(..., max_length=150, description="the entrant's username")


@router.post("/contests/{contest_id}/entries", response={201: Created})
@refuses(404, 409)
def contest_entry_add(request, contest_id: Id, payload: ContestEntryIn):
    """Staff sign a member up (eligibility and the deadline hold as for the member)."""
    contest = get_scoped(Contest.objects, request.user, pk=contest_id)
    member = contests.member_named(contest, payload.member)
    return Status(201, {"id": contests.entry_add(contest=contest, member=member).pk})


@router.post("/contests/{contest_id}/signup", response={201: Created})
@refuses(403, 409)
def contest_signup(request, contest_id: Id):
    """The member signs up themselves."""
    member = require_active_member(request.user)
    contest = contests.contest_for(request.user, contest_id)
    return Status(201, {"id": contests.entry_add(contest=contest, member=member).pk})


class JudgeEntryOut(Schema):
    id: int
    code: str = Field(description="all a judge learns of the entrant")
    work: str
    file: bool
    marks: dict[str, float] | None = Field(description="the caller's own marks, if given")


@router.get("/contests/{contest_id}/entries", response=list[JudgeEntryOut])
@refuses(403)
def contest_entries(request, contest_id: Id):
    """A judge's view: the finalists by code only (no name, no union), without those of the
    judge's own enterprise when the contest says so."""
    contest = contests.contest_for(request.user, contest_id)
    return contests.entries_for_judge(contest, request.user)


class MarkIn(Schema):
    entry: Id
    scores: dict[str, float] = Field(..., max_length=10, description="criterion → 0–100")


@router.post("/contests/{contest_id}/scores", response={201: Created})
@refuses(403, 404, 409)
def contest_mark(request, contest_id: Id, payload: MarkIn):
    """A judge of the contest marks an entry per criterion (again to correct, until the close);
    403 for anyone else and for an entrant of the judge's own enterprise."""
    contest = contests.contest_for(request.user, contest_id)
    done = contests.mark(contest=contest, user=request.user, entry_id=payload.entry, scores=payload.scores)
    return Status(201, {"id": done.pk})


@router.post("/contests/{contest_id}/close", response=Created)
@refuses(403, 409)
def contest_close(request, contest_id: Id):
    """The chief judge closes the contest: marks are final and the results published."""
    contest = contests.contest_for(request.user, contest_id)
    contests.close(contest=contest, user=request.user)
    return {"id": contest.pk}


class ContestRankOut(Schema):
    entry: int
    code: str
    rank: int
    score: float
    working: str = Field(description="how the score was reached, judge by judge")


@router.get("/contests/{contest_id}/ranking", response=list[ContestRankOut])
@refuses(409)
def contest_ranking(request, contest_id: Id):
    """The final ranking (score = weighted criteria per judge, then the contest's rule across
    judges), after the chief judge closed the contest; 409 `not_closed` before."""
    contest = contests.contest_for(request.user, contest_id)
    if contest.closed_at is None:
        raise Conflict("not_closed", _("总裁判长结束比武后公布结果"))
    codes = dict(
        by_rule(Entry.objects, "the entries of a contest in hand")
        .filter(contest=contest)
        .values_list("pk", "code")
    )
    return [
        {"entry": r.entry, "code": codes[r.entry], "rank": r.rank, "score": r.score, "working": r.working}
        for r in contests.ranking(contest)
    ]


class ReviewIn(Schema):
    reason: str = Field(..., max_length=500)


@router.post("/contests/{contest_id}/review", response=Created)
@refuses(404, 409)
def contest_review(request, contest_id: Id, payload: ReviewIn):
    """The entrant asks for a review of the result, within 3 working days of the close."""
    member = require_active_member(request.user)
    contest = contests.contest_for(request.user, contest_id)
    entry = own(Entry.objects, member).filter(contest=contest).first()
    if entry is None:
        raise NotFound()
    contests.review_ask(entry=entry, reason=payload.reason)
    return {"id": entry.pk}
