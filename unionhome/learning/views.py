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
from unionhome.core.scoping import above, has_role_over, own, scope, staff_org, visible_orgs, within
from unionhome.members.selectors import member_of

from . import certificates, courses, imports, services
from .forms import CourseForm, ExamForm, LessonForm, QuestionImportForm, RevokeForm, VerifyForm
from .models import Attempt, Certificate, Course, Exam, Kind, LessonKind, Question


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
        {"lesson": found, "progress": progress, "course": found.course, "checked_in": checked_in},
    )


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
    form = LessonForm(request.POST or None, activities=activities)
    if request.method == "POST" and form.is_valid():
        try:
            courses.lesson_add(
                course=found, data={k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            )
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
