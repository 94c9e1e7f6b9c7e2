from django.urls import path

from . import views

urlpatterns = [
    path("staff/integrations/", views.integration_list, name="staff-integrations"),
    path("staff/integrations/<slug:key>/upload/", views.integration_upload, name="staff-integration-upload"),
]
