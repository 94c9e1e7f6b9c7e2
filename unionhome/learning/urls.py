from django.urls import path

from . import views

urlpatterns = [
    path("learning/", views.home, name="learning"),
    path("learning/courses/<int:pk>/", views.course, name="learning-course"),
    path("learning/lessons/<int:pk>/", views.lesson, name="learning-lesson"),
    path("learning/lessons/<int:pk>/document.pdf", views.lesson_file, name="learning-lesson-file"),
    path("learning/lessons/<int:pk>/pages/<int:number>.jpg", views.lesson_page, name="learning-lesson-page"),
    path("learning/exams/<int:pk>/start/", views.exam_start, name="learning-exam-start"),
    path("learning/attempts/<int:pk>/", views.attempt, name="learning-attempt"),
    path("learning/attempts/<int:pk>/result/", views.result, name="learning-result"),
    path("learning/certificates/<slug:code>.pdf", views.certificate_pdf, name="learning-certificate-pdf"),
    path("verify/cert/", views.verify, name="verify-cert-form"),
    path("verify/cert/<slug:code>/", views.verify, name="verify-cert"),
    path("contests/", views.contest_list, name="contests"),
    path("contests/<int:pk>/", views.contest, name="contest"),
    path("contests/<int:pk>/judge/", views.judge, name="contest-judge"),
    path("contests/entries/<int:pk>/file/", views.contest_work, name="contest-work"),
    path("staff/contests/", views.staff_contests, name="staff-contests"),
    path("staff/contests/<int:pk>/", views.staff_contest, name="staff-contest"),
    path("staff/learning/", views.staff_courses, name="staff-learning"),
    path("staff/learning/courses/<int:pk>/", views.staff_course, name="staff-learning-course"),
    path("staff/learning/questions/", views.staff_questions, name="staff-questions"),
    path("staff/learning/exams/", views.staff_exams, name="staff-exams"),
    path("staff/learning/certificates/", views.staff_certificates, name="staff-certificates"),
]
