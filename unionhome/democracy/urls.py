from django.urls import path

from . import views

urlpatterns = [
    path("democracy/", views.home, name="democracy"),
    path("democracy/congress/<int:pk>/", views.congress, name="congress"),
    path("democracy/polls/<int:pk>/", views.poll, name="poll"),
    path("democracy/suggestions/", views.suggestion_list, name="suggestions"),
    path("democracy/topics/", views.topic_list, name="topics"),
    path("staff/democracy/topics/", views.staff_topics, name="staff-topics"),
    path("democracy/contracts/<int:pk>/", views.contract, name="contract"),
    path("staff/democracy/contracts/<int:pk>/", views.staff_contract, name="staff-contract"),
    path("staff/democracy/suggestions/", views.staff_suggestions, name="staff-suggestions"),
    path("handler/proposals/", views.proposal_steps, name="proposal-steps"),
    path("handler/proposals/<int:pk>/", views.proposal_step, name="proposal-step"),
    path("staff/democracy/", views.staff_home, name="staff-democracy"),
    path("staff/democracy/congress/<int:pk>/", views.staff_congress, name="staff-congress"),
    path("staff/democracy/polls/<int:pk>/", views.staff_poll, name="staff-poll"),
    path("staff/democracy/matters/", views.staff_matters, name="staff-matters"),
    path("staff/democracy/matters/<int:pk>/", views.staff_matter, name="staff-matter"),
]
