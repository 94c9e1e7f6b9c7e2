from django.urls import path

from .views import congress, contracts, matters, polls, public

urlpatterns = [
    path("democracy/", congress.home, name="democracy"),
    path("democracy/congress/<int:pk>/", congress.congress, name="congress"),
    path("democracy/polls/<int:pk>/", polls.poll, name="poll"),
    path("democracy/suggestions/", public.suggestion_list, name="suggestions"),
    path("democracy/topics/", public.topic_list, name="topics"),
    path("staff/democracy/topics/", public.staff_topics, name="staff-topics"),
    path("democracy/contracts/<int:pk>/", contracts.contract, name="contract"),
    path("staff/democracy/contracts/<int:pk>/", contracts.staff_contract, name="staff-contract"),
    path("staff/democracy/suggestions/", public.staff_suggestions, name="staff-suggestions"),
    path("handler/proposals/", congress.proposal_steps, name="proposal-steps"),
    path("handler/proposals/<int:pk>/", congress.proposal_step, name="proposal-step"),
    path("staff/democracy/", congress.staff_home, name="staff-democracy"),
    path("staff/democracy/congress/<int:pk>/", congress.staff_congress, name="staff-congress"),
    path("staff/democracy/polls/<int:pk>/", polls.staff_poll, name="staff-poll"),
    path("staff/democracy/matters/", matters.staff_matters, name="staff-matters"),
    path("staff/democracy/matters/<int:pk>/", matters.staff_matter, name="staff-matter"),
]
