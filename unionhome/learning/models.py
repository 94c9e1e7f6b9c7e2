"""Learning (D1–D2): courses and their lessons, a question bank, exams drawn by rules, attempts
marked by the server against its own clock, and certificates anyone can verify.

States:
- a course is a draft until published; a member sees it when its union (or one above it that
  shares it down) published it and its audience includes them;
- a lesson's progress is earned: a video by the server's heartbeats over ≥ 90% of its length, a
  document or text by reaching its end, an offline session by checking in at its activity;
- an attempt is open from its start until it is submitted or its deadline passes (started_at +
  the exam's minutes, on the server's clock); then it is closed, marked, and reviewable;
- a certificate is valid until staff revoke it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from unionhome.core.guard import Scoped
from unionhome.core.models import Org


class Kind(models.TextChoices):
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")
    TRUEFALSE = "truefalse", _("判断题")
    FILL = "fill", _("填空题")


class Question(Scoped):
    """A question of a union's bank; unions below it may draw on it too. `answer` holds the
    texts of the correct options (single, multiple), [true] or [false], or the accepted strings
    (fill-in). `tags` is stored as "|维修|电工|" so a rule's tag is one portable lookup."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("题型"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("题目"), max_length=1000)
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.JSONField(_("答案"))
    tags = models.CharField(_("标签"), max_length=300, blank=True)
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    explanation = models.TextField(_("解析"), max_length=1000, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["org", "kind", "difficulty"], name="question_draw")]
        verbose_name = _("试题")
        verbose_name_plural = _("试题")

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split("|") if t]

    def __str__(self) -> str:
        return self.text[:40]


class Exam(Scoped):
    """An exam whose paper is drawn per member by `rules` ([{"tags", "kind", "count",
    "max_difficulty"?}]); one point per question; `pass_mark` is a percent of the maximum."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("考试名称"), max_length=120)
    rules = models.JSONField(_("组卷规则"))
    minutes = models.PositiveIntegerField(
        _("限时（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    attempts = models.PositiveSmallIntegerField(
        _("可考次数"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("及格线（%）"), default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    partial_credit = models.BooleanField(_("多选题部分得分"), default=False)
    opens_at = models.DateTimeField(_("开考时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    certificate_title = models.CharField(_("证书名称"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("考试")
        verbose_name_plural = _("考试")

    def __str__(self) -> str:
        return self.title

    @property
    def paper_size(self) -> int:
        return sum(rule["count"] for rule in self.rules)


class Attempt(Scoped):
    """One member's sitting of an exam: the paper drawn from `seed` (kept as `questions`, in the
    order shown), answers, and the mark once closed. `number` is unique per member and exam, so
    two taps at once cannot both take the last attempt."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the exam's
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="sittings")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    questions = models.JSONField()
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(default=dict)
    marks = models.JSONField(default=dict)  # question id → points given
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "member", "number"], name="attempt_number_once")
        ]


class SigningKey(models.Model):
    """An Ed25519 key a union signs its certificates with. The public half is published (the
    verify page and the API) so a phone without a network can check a certificate's QR code; the
    private half is kept encrypted (core.crypto)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    public = models.CharField(max_length=64)  # raw 32 bytes, base64url
    private = models.TextField()  # raw 32 bytes, base64url, encrypted
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]


class Certificate(Scoped):
    """Issued for a passed attempt. `holder` is the name as it was then; the verify page and
    API show it masked."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the issuing union
    code = models.CharField(max_length=16, unique=True)
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="certificates")
    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="certificate")
    title = models.CharField(max_length=160)
    holder = models.CharField(max_length=50)
    issued_on = models.DateField()
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "-pk"]


class Course(Scoped):
    """A course of a union; `shared` lets the unions below it offer it to their members too.
    With `exam_required`, finishing the lessons is not finishing the course: its exam must be
    passed (逢学必考)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("课程名称"), max_length=120)
    summary = models.TextField(_("简介"), max_length=2000, blank=True)
    audience = models.JSONField(default=dict, blank=True)
    shared = models.BooleanField(_("下级工会可用"), default=True)
    exam = models.ForeignKey(Exam, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses")
    exam_required = models.BooleanField(_("学完必考"), default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def __str__(self) -> str:
        return self.title


class LessonKind(models.TextChoices):
    VIDEO = "video", _("视频")
    DOCUMENT = "document", _("文档")
    TEXT = "text", _("图文")
    SESSION = "session", _("线下课")


class Lesson(models.Model):
    """A lesson of a course, read through its course (whose union and audience decide who
    sees it). A video has its length; a document its PDF; a session its activity (sign-up,
    QR check-in, materials and feedback are the activity's)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("类型"), max_length=10, choices=LessonKind.choices)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), max_length=20000, blank=True)
    media = models.FileField(_("文件"), upload_to="lessons/", blank=True)
    media_url = models.CharField(max_length=300, blank=True)  # a video served elsewhere
    seconds = models.PositiveIntegerField(_("时长（秒）"), default=0, validators=[MaxValueValidator(36000)])
    activity = models.ForeignKey(
        "activities.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A document's PDF drawn into pages (learning.documents): how many, or why it could not be.
    pages = models.PositiveSmallIntegerField(default=0)
    pages_note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "pk"]


class LessonPage(models.Model):
    """One page of a document lesson's PDF as an image, with its text (read aloud, and for
    screen readers). Read through its lesson."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="page_images")
    number = models.PositiveSmallIntegerField()
    image = models.FileField(upload_to="lessons/pages/")
    width = models.PositiveSmallIntegerField()
    height = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["lesson_id", "number"]
        constraints = [models.UniqueConstraint(fields=["lesson", "number"], name="lesson_page_once")]


class Progress(Scoped):
    """A member's progress in one lesson. `seen` marks each 10-second stretch of a video the
    server saw a heartbeat in (a string of 0/1); `position` is where to resume."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the member's
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    position = models.PositiveIntegerField(default=0)
    seen = models.TextField(default="", blank=True)
    beat_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "lesson"], name="progress_once")]


class Enrolment(Scoped):
    """A member's take-up of a course: started and finished (a recommendation dismissed is the
    recommendations' own record, insights.Dismissal)."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the member's
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "course"], name="enrolment_once")]


class ContestRule(models.TextChoices):
    MEAN = "mean", _("平均分")
    TRIMMED_MEAN = "trimmed_mean", _("去掉最高最低分后平均（5 位评委以上）")
    ZSCORE = "zscore", _("按评委标准分（z 分）平均")


class Contest(Scoped):
    """A skill contest (技能比武): sign-up by eligibility (an audience), an optional written round
    that is an exam, a submission round, and a final whose marks judges type in against the
    rubric (`criteria`: [{"name", "weight"}]). The chief judge closes it; then the results are
    published and an entrant may ask for a review within REVIEW_DAYS working days."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("比武名称"), max_length=120)
    summary = models.TextField(_("简介"), max_length=2000, blank=True)
    audience = models.JSONField(default=dict, blank=True)
    criteria = models.JSONField(_("评分标准"))
    rule = models.CharField(
        _("计分规则"), max_length=20, choices=ContestRule.choices, default=ContestRule.MEAN
    )
    tiebreak = models.JSONField(default=list, blank=True)  # criterion names, in order
    exclude_own_org = models.BooleanField(_("评委回避本单位选手"), default=True)
    exam = models.ForeignKey(Exam, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submissions = models.BooleanField(_("需要提交作品"), default=False)
    signup_closes_at = models.DateTimeField(_("报名截止"), null=True, blank=True)
    chief = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    REVIEW_DAYS = 3

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return self.title


class Judge(Scoped):
    """A judge of a contest; `org` is the judge's own union (for the conflict-of-interest rule)."""

    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="judge_once"),
            models.UniqueConstraint(fields=["contest", "number"], name="judge_number_once"),
        ]


class Entry(Scoped):
    """An entrant. Judges see only `code` and the submission: no name, no union."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the entrant's
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    member = models.ForeignKey("members.Member", on_delete=models.CASCADE, related_name="contest_entries")
    code = models.CharField(max_length=8)
    work = models.TextField(_("作品说明"), max_length=5000, blank=True)
    file = models.FileField(upload_to="contests/", blank=True)
    file_kind = models.CharField(max_length=20, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    review_reason = models.CharField(_("复核理由"), max_length=500, blank=True)
    review_asked_at = models.DateTimeField(null=True, blank=True)
    review_answer = models.CharField(_("复核答复"), max_length=500, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "member"], name="entry_once"),
            models.UniqueConstraint(fields=["contest", "code"], name="entry_code_once"),
        ]


class Mark(Scoped):
    """One judge's marks for one entry, per criterion; typed again to correct until the close."""

    org = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")  # the contest's
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="marks")
    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="marks")
    scores = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="mark_once")]
