"""The assistant and the knowledge base."""

from django.urls import path

from . import views

urlpatterns = [
    path("assistant/", views.chat, name="assistant"),
    path("assistant/<id:pk>/feedback/", views.feedback, name="assistant-feedback"),
    path("assistant/handoff/", views.handoff, name="assistant-handoff"),
    path("staff/kb/", views.staff_kb, name="staff-kb"),
    path("staff/kb/new/", views.staff_entry, name="staff-kb-new"),
    path("staff/kb/unanswered/", views.staff_unanswered, name="staff-kb-unanswered"),
    path("staff/kb/<str:kb_id>/", views.staff_entry, name="staff-kb-entry"),
]
