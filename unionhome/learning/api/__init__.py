"""The learning API, by sub-domain; one router for the API to mount."""

from ninja import Router

from . import certificates, contests, courses, exams, questions

router = Router(tags=["learning"])
for part in (questions, exams, certificates, courses, contests):
    router.add_router("", part.router)
