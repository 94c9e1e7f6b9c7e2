"""Members' and staff pages for members, joining, the e-card, transfers, the roster."""

from django.urls import path

from . import department_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("join/", views.join, name="join"),
    path("card/", views.card, name="card"),
    path("profile/", views.profile, name="profile"),
    path("profile/consents/", views.consents, name="consents"),
    path("profile/export/", views.export, name="export"),
    path("profile/deletion/", views.deletion, name="deletion"),
    path("transfer/", views.transfer, name="transfer"),
    path("transfer/<id:pk>/cancel/", views.transfer_cancel, name="transfer-cancel"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/members/", views.staff_members, name="staff-members"),
    path("staff/members/<id:pk>/", views.staff_member, name="staff-member"),
    path("staff/orgs/", views.staff_orgs, name="staff-orgs"),
    path("staff/departments/", department_views.department_list, name="staff-departments"),
    path("staff/departments/<id:pk>/", department_views.department_detail, name="staff-department"),
    path(
        "staff/departments/<id:pk>/active/",
        department_views.department_active,
        name="staff-department-active",
    ),
    path("staff/joins/", views.staff_joins, name="staff-joins"),
    path("staff/transfers/", views.staff_transfers, name="staff-transfers"),
    path("staff/deletions/", views.staff_deletions, name="staff-deletions"),
    path("staff/roster/", views.staff_roster, name="staff-roster"),
    path("staff/roster/template.xlsx", views.staff_roster_template, name="staff-roster-template"),
    path("staff/roster/export.xlsx", views.staff_roster_export, name="staff-roster-export"),
    path("staff/roster/imports/<id:pk>/", views.staff_roster_import, name="staff-roster-import"),
    path("staff/roster/imports/<id:pk>/errors.xlsx", views.staff_roster_errors, name="staff-roster-errors"),
]
