from django.urls import path

from . import views

urlpatterns = [
    path("staff/insights/", views.dashboard, name="insights"),
    path("staff/insights/export/", views.export, name="insights-export"),
    path("staff/insights/demand/", views.staff_demand, name="insights-demand"),
    path("staff/insights/review/", views.staff_review, name="insights-review"),
    path("staff/insights/review/pdf/", views.staff_review_pdf, name="insights-review-pdf"),
    path("staff/insights/care/", views.staff_care, name="insights-care"),
    path("me/hours/", views.my_hours, name="my-hours"),
    path("staff/insights/plan/", views.staff_plan, name="insights-plan"),
    path("rankings/", views.rankings, name="rankings"),
    path("recommendations/dismiss/", views.recommend_dismiss, name="recommend-dismiss"),
    path("staff/insights/<slug:name>/", views.drill, name="insights-drill"),
]
