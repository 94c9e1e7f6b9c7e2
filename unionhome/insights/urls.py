from django.urls import path

from . import views

urlpatterns = [
    path("staff/insights/", views.dashboard, name="insights"),
    path("staff/insights/<slug:name>/", views.drill, name="insights-drill"),
]
