"""Appeals, legal services, the handler's queue and the staff workbench."""

from django.urls import path

from . import handler_views, legal_views, views

urlpatterns = [
    path("appeals/", views.my_appeals, name="appeals"),
    path("appeals/new/", views.appeal_new, name="appeal-new"),
    path("appeals/<id:pk>/", views.appeal_page, name="appeal"),
    path("appeals/files/<id:pk>/", views.appeal_file, name="appeal-file"),
    path("legal/", legal_views.legal_home, name="legal"),
    path("legal/<id:pk>/", legal_views.legal_case, name="legal-case"),
    path("handler/", handler_views.handler_queue, name="handler-queue"),
    path("handler/<id:pk>/", handler_views.handler_step, name="handler-step"),
    path("staff/appeals/", views.workbench, name="staff-appeals"),
    path("staff/appeals/new/", views.hotline, name="staff-hotline"),
    path("staff/appeals/figures/", views.figures, name="staff-figures"),
    path("staff/appeals/rectification/", views.rectification, name="staff-rectification"),
    path("staff/appeals/risks/", views.risks, name="staff-risks"),
    path("staff/appeals/stations/", views.stations, name="staff-stations"),
    path("staff/appeals/<id:pk>/", views.staff_appeal, name="staff-appeal"),
    path("staff/appeals/<id:pk>/route/", views.quick_route, name="staff-appeal-route"),
    path("staff/legal/", legal_views.staff_legal, name="staff-legal"),
]
