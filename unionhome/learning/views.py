"""Learning pages: the member's 技能提升 (courses, lessons, exams, certificates), the public
certificate check, and the staff's courses, question bank, exams and certificates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from unionhome.core.access import staff_required
from unionhome.core.errors import DomainError, NotFound
from unionhome.core.forms import add_domain_error, int_param
from unionhome.core.paging import page_of
from unionhome.core.scoping import above, by_rule, has_role_over, own, scope, staff_org, visible_orgs, within
from unionhome.core.uploads import WORK_TYPES, check_upload, serve
from unionhome.members.selectors import member_of

from . import certificates, contests, courses, documents, imports, services
from .forms import (
    ContestForm,
    CourseForm,
    ExamForm,
    LessonForm,
    QuestionImportForm,
    ReviewForm,
    RevokeForm,
    VerifyForm,
    WorkForm,
)
from .models import (
    Attempt,
    Certificate,
    Contest,
    Course,
    Entry,
    Exam,
    Kind,
    Lesson,
    LessonKind,
    LessonPage,
    Question,
)


def _member(request):
    member = member_of(request.user)
    if member is None or member.status != "active":
        return None
    return member


# -- the member's pages -------------------------------------------------------------------------------


@login_required
def home(request):
    """技能提升: my courses with their progress, the exams I may sit, my certificates."""
    member = _member(request)
    if member is None:
        return redirect("join")
    mine = [(c, courses.state(member, c)) for c in courses.courses_for(member)]
    exams = list(above(Exam.objects, member.org).order_by("-pk")[:50])
    used: dict[int, int] = {}
    for exam_id in own(Attempt.objects, member).values_list("exam_id", flat=True):
        used[exam_id] = used.get(exam_id, 0) + 1
    return render(
        request,
        "learning/home.html",
        {
            "courses": mine,
            "exams": [(e, used.get(e.pk, 0), services.is_open(e)) for e in exams],
            "certificates": own(Certificate.objects, member).order_by("-issued_on", "-pk"),
        },
    )


@login_required
def course(request, pk: int):
    member = _member(request)
    if member is None:
        return redirect("join")
    try:
        found = courses.course_for(member, pk)
    except NotFound:
        raise Http404 from None
    return render(request, "learning/course.html", {"course": found, "state": courses.state(member, found)})


@login_required
def lesson(request, pk: int):
    member = _member(request)
    if member is None:
        return redirect("join")
    try:
        found = courses.lesson_for(member, pk)
    except NotFound:
        raise Http404 from None
    progress = courses.lesson_open(member, found)
    activity = found.activity if found.kind == LessonKind.SESSION else None
    checked_in = bool(activity) and found.activity_id in courses._sessions_checked_in(member, [found])
    return render(
        request,
        "learning/lesson.html",
        {"lesson": found, "progress": progress, "course": found.course, "checked_in": checked_in,
         "pages": found.page_images.all() if found.kind == LessonKind.DOCUMENT else []},
    )  # fmt: skip


def _lesson_seen(request, pk: int) -> Lesson:
    """A lesson the caller may see: through its course's audience, or as staff over its union."""
    member = member_of(request.user)
    if member is not None:
        try:
            return courses.lesson_for(member, pk)
        except NotFound:
            pass
    found = Lesson.objects.filter(pk=pk, course__in=scope(Course.objects, request.user)).first()
    if found is None:
        raise Http404
    return found


@login_required
def lesson_file(request, pk: int):
    """A document lesson's PDF, to download."""
    found = _lesson_seen(request, pk)
    if not found.media:
        raise Http404
    return serve(found.media, label=found.title)


@login_required
def lesson_page(request, pk: int, number: int):
    """One page of a document lesson, as the image its lesson page shows."""
    found = _lesson_seen(request, pk)
    page = LessonPage.objects.filter(lesson=found, number=number).first()
    if page is None:
        raise Http404
    return serve(page.image, label=f"{found.title}-{number}", cache="private, max-age=86400")


@login_required
@require_POST
def exam_start(request, pk: int):
    member = _member(request)
    if member is None:
        return redirect("join")
    exam = above(Exam.objects, member.org).filter(pk=pk).first()
    if exam is None:
        raise Http404
    try:
        attempt = services.attempt_start(exam=exam, member=member)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("learning")
    return redirect("learning-attempt", attempt.pk)


def _given(request, question) -> list:
    """The page's answer to one question, in the form of the question's answer."""
    name = f"q{question.pk}"
    if question.kind == Kind.MULTIPLE:
        return request.POST.getlist(name)
    value = request.POST.get(name, "")
    if question.kind == Kind.TRUEFALSE:
        return [value == "true"] if value in ("true", "false") else []
    return [value] if value.strip() else []


@login_required
def attempt(request, pk: int):
    """The paper, answered on one page; the deadline is the server's."""
    member = _member(request)
    try:
        found = services.attempt_of(member, pk)
    except NotFound:
        raise Http404 from None
    if services.is_closed(found):
        return redirect("learning-result", found.pk)
    questions = services.paper(found)
    if request.method == "POST":
        answers = {str(q.pk): _given(request, q) for q in questions}
        try:
            services.attempt_submit(attempt=found, answers=answers)
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("learning-result", found.pk)
    left = max(0, int((found.deadline - timezone.now()).total_seconds()))
    return render(
        request,
        "learning/attempt.html",
        {"attempt": found, "exam": found.exam, "questions": questions, "left": left},
    )


@login_required
def result(request, pk: int):
    member = _member(request)
    try:
        found = services.attempt_of(member, pk)
    except NotFound:
        raise Http404 from None
    if not services.is_closed(found):
        return redirect("learning-attempt", found.pk)
    items = services.review(found)
    cert = by_attempt(found)
    return render(
        request,
        "learning/result.html",
        {"attempt": found, "exam": found.exam, "items": items, "certificate": cert},
    )


def by_attempt(attempt) -> Certificate | None:
    return getattr(attempt, "certificate", None) if attempt.passed else None


@login_required
def certificate_pdf(request, code: str):
    """The holder's certificate as a PDF; staff over the issuing union may open it too."""
    member = member_of(request.user)
    cert = own(Certificate.objects, member).filter(code=code).first()
    if cert is None:
        cert = scope(Certificate.objects, request.user).filter(code=code).first()
    if cert is None:
        raise Http404
    response = HttpResponse(certificates.pdf(cert), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def verify(request, code: str = ""):
    """Anyone: type or scan a code and see whether the certificate stands (name masked)."""
    form = VerifyForm(request.GET or None, initial={"code": code})
    asked = "".join((code or (form.cleaned_data["code"] if form.is_valid() else "")).split()).upper()
    return render(
        request,
        "learning/verify.html",
        {
            "form": form,
            "code": asked,
            "result": certificates.verify(asked) if asked else None,
            "keys": certificates.keys(),
        },
    )


# -- staff ---------------------------------------------------------------------------------------------


@staff_required
def staff_courses(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    from unionhome.members.selectors import sites_under

    exams = list(within(Exam.objects, org).order_by("-pk")[:100])
    form = CourseForm(request.POST or None, exams=exams, sites=sites_under(org))
    if request.method == "POST" and form.is_valid():
        data = form.values()
        try:
            made = courses.course_create(org=org, data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("课程已发布"))
            return redirect("staff-learning-course", made.pk)
    found = (
        within(Course.objects, org)
        .select_related("exam")
        .annotate(
            lesson_count=Count("lessons", distinct=True),
            started=Count("enrolments", filter=Q(enrolments__started_at__isnull=False), distinct=True),
            finished=Count("enrolments", filter=Q(enrolments__completed_at__isnull=False), distinct=True),
        )
        .order_by("-pk")
    )
    return render(
        request,
        "learning/staff/courses.html",
        {
            "org": org,
            "orgs": visible_orgs(request.user).order_by("path"),
            "form": form,
            "page": page_of(request, found),
        },
    )


@staff_required
def staff_course(request, pk: int):
    found = get_object_or_404(scope(Course.objects, request.user), pk=pk)
    from unionhome.activities.models import Activity

    activities = within(Activity.objects, found.org).order_by("-starts_at")[:50]
    form = LessonForm(request.POST or None, request.FILES or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.pop("file", None)
        try:
            if upload is not None:
                documents.check_pdf(upload)
            made = courses.lesson_add(
                course=found, data={k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            )
            if upload is not None:
                documents.attach(made, upload)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已添加一课"))
            return redirect("staff-learning-course", found.pk)
    return render(
        request, "learning/staff/course.html", {"course": found, "lessons": found.lessons.all(), "form": form}
    )


@staff_required
def staff_questions(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = imports.questions_import(org=org, by=request.user, data=form.cleaned_data["file"].read())
        except DomainError as exc:
            add_domain_error(form, exc, field_map={"file": "file"})
        else:
            messages.success(request, _("导入 %(n)d 题") % {"n": report["created"]})
    found = within(Question.objects, org).filter(active=True).order_by("-pk")
    return render(
        request,
        "learning/staff/questions.html",
        {"org": org, "form": form, "report": report, "page": page_of(request, found)},
    )


@staff_required
def staff_exams(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    form = ExamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exam_create(org=org, data=form.data_for_service())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("考试已创建"))
            return redirect(f"{request.path}?org={org.pk}")
    found = (
        within(Exam.objects, org)
        .annotate(taken=Count("sittings"), passes=Count("sittings", filter=Q(sittings__passed=True)))
        .order_by("-pk")
    )
    return render(
        request, "learning/staff/exams.html", {"org": org, "form": form, "page": page_of(request, found)}
    )


@staff_required
def staff_certificates(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    form = RevokeForm(request.POST or None)
    if request.method == "POST":
        cert = get_object_or_404(
            within(Certificate.objects, org), pk=int_param(request.POST.get("certificate"))
        )
        if form.is_valid():
            try:
                certificates.revoke(cert, by=request.user, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("证书已撤销"))
            return redirect(f"{request.path}?org={org.pk}")
    found = within(Certificate.objects, org).select_related("member").order_by("-issued_on", "-pk")
    return render(
        request,
        "learning/staff/certificates.html",
        {"org": org, "form": form, "page": page_of(request, found), "can": has_role_over(request.user, org)},
    )


# -- skill contests (D3) ----------------------------------------------------------------------------


@login_required
def contest_list(request):
    member = member_of(request.user)
    found = contests.contests_for(member)
    entered = set(own(Entry.objects, member).values_list("contest_id", flat=True))
    return render(
        request,
        "learning/contests.html",
        {
            "rows": [(c, contests.eligible(c, member), c.pk in entered) for c in found],
            "judging": contests.judging(request.user),
        },
    )


def _contest_or_404(request, pk: int) -> Contest:
    try:
        return contests.contest_for(request.user, pk)
    except NotFound:
        raise Http404 from None


@login_required
def contest(request, pk: int):
    """The member's view: sign up, hand in work, see the results once published, ask a review."""
    found = _contest_or_404(request, pk)
    member = member_of(request.user)
    entry = own(Entry.objects, member).filter(contest=found).first()
    action = request.POST.get("action")
    work_form = WorkForm(
        request.POST if action == "work" else None,
        request.FILES if action == "work" else None,
        initial={"work": entry.work if entry else ""},
    )
    review_form = ReviewForm(request.POST if action == "review" else None)
    if request.method == "POST":
        try:
            if action == "signup":
                contests.entry_add(contest=found, member=member)
                messages.success(request, _("报名成功"))
                return redirect("contest", found.pk)
            if action == "work" and entry and work_form.is_valid():
                upload = work_form.cleaned_data.get("file")
                kind = (
                    check_upload(upload, field="file", allowed=WORK_TYPES, max_bytes=50 * 1024 * 1024)
                    if upload
                    else ""
                )
                contests.submit_work(entry=entry, work=work_form.cleaned_data["work"], file=upload, kind=kind)
                messages.success(request, _("作品已提交"))
                return redirect("contest", found.pk)
            if action == "review" and entry and review_form.is_valid():
                contests.review_ask(entry=entry, reason=review_form.cleaned_data["reason"])
                messages.success(request, _("复核申请已提交"))
                return redirect("contest", found.pk)
        except DomainError as exc:
            add_domain_error(work_form if action == "work" else review_form, exc)
            if action == "signup":
                messages.error(request, exc.message)
    ranking = []
    if found.closed_at is not None:
        codes = dict(
            by_rule(Entry.objects, "the entries of a contest in hand")
            .filter(contest=found)
            .values_list("pk", "code")
        )
        ranking = [(r, codes[r.entry]) for r in contests.ranking(found)]
    return render(
        request,
        "learning/contest.html",
        {
            "contest": found,
            "entry": entry,
            "eligible": contests.eligible(found, member),
            "work_form": work_form,
            "review_form": review_form,
            "ranking": ranking,
            "review_until": contests.review_deadline(found) if found.closed_at else None,
            "can_review": bool(
                entry
                and found.closed_at
                and not entry.review_asked_at
                and timezone.localdate() <= contests.review_deadline(found)
            ),
        },
    )


@login_required
def judge(request, pk: int):
    """A judge's page: the entries by code only, a mark per criterion, and for the chief the close."""
    found = _contest_or_404(request, pk)
    try:
        entries = contests.entries_for_judge(found, request.user)
    except DomainError:
        raise Http404 from None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                contests.close(contest=found, user=request.user)
                messages.success(request, _("比武已结束，结果已公布"))
            else:
                scores = {}
                for c in found.criteria:
                    raw = request.POST.get(f"score-{c['name']}", "").strip()
                    try:
                        scores[c["name"]] = float(raw)
                    except ValueError:
                        scores[c["name"]] = raw
                contests.mark(
                    contest=found,
                    user=request.user,
                    entry_id=int_param(request.POST.get("entry")) or 0,
                    scores=scores,
                )
                messages.success(request, _("评分已保存"))
        except DomainError as exc:
            messages.error(
                request, exc.message + "：" + "；".join(exc.fields.values()) if exc.fields else exc.message
            )
        return redirect("contest-judge", found.pk)
    return render(
        request,
        "learning/judge.html",
        {"contest": found, "entries": entries, "chief": found.chief_id == request.user.pk},
    )


@login_required
def contest_work(request, pk: int):
    """An entry's file, for its entrant, the contest's judges (who may mark it) and staff."""
    entry = get_object_or_404(
        by_rule(Entry.objects, "an entry asked for by id, checked just below").select_related("contest"),
        pk=pk,
    )
    member = member_of(request.user)
    allowed = (member is not None and entry.member_id == member.pk) or scope(
        Contest.objects, request.user
    ).filter(pk=entry.contest_id).exists()
    if not allowed:
        try:
            allowed = any(
                e["id"] == entry.pk for e in contests.entries_for_judge(entry.contest, request.user)
            )
        except DomainError:
            allowed = False
    if not allowed or not entry.file:
        raise Http404
    return serve(entry.file, label=entry.code)


@staff_required
def staff_contests(request):
    org = staff_org(request.user, int_param(request.GET.get("org")))
    from unionhome.members.selectors import sites_under

    form = ContestForm(
        request.POST or None, exams=within(Exam.objects, org).order_by("-pk")[:100], sites=sites_under(org)
    )
    if request.method == "POST" and form.is_valid():
        try:
            contests.contest_create(org=org, data=form.data_for_service())
        except DomainError as exc:
            add_domain_error(
                form, exc, field_map={"criteria": "criteria.0.name", "criteria.0.weight": "criteria.0.weight"}
            )
        else:
            messages.success(request, _("比武已创建"))
            return redirect(f"{request.path}?org={org.pk}")
    found = within(Contest.objects, org).annotate(entrants=Count("entries", distinct=True)).order_by("-pk")
    return render(
        request, "learning/staff/contests.html", {"org": org, "form": form, "page": page_of(request, found)}
    )


@staff_required
def staff_contest(request, pk: int):
    found = get_object_or_404(scope(Contest.objects, request.user), pk=pk)
    entries = (
        by_rule(Entry.objects, "the entries of a contest in hand")
        .filter(contest=found)
        .select_related("member", "org")
    )
    ranking = {r.entry: r for r in contests.ranking(found)} if found.closed_at else {}
    return render(
        request,
        "learning/staff/contest.html",
        {
            "contest": found,
            "entries": [(e, ranking.get(e.pk)) for e in entries],
            "judges": found.judges.select_related("user"),
        },
    )
