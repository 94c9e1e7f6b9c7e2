"""Claims, funds, hardship care, visits, service groups, campaigns and proxy filing."""

from django.urls import path

from . import views

urlpatterns = [
    path("benefits/", views.benefits, name="benefits"),
    path("benefits/new/<slug:code>/", views.claim_new, name="benefit-claim-new"),
    path("benefits/claims/<id:pk>/", views.claim_page, name="benefit-claim"),
    path("benefits/files/<id:pk>/", views.claim_file, name="benefit-file"),
    path("care/", views.care, name="care"),
    path("care/visits/<id:pk>/rate/", views.visit_rate, name="visit-rate"),
    path("proxy/", views.proxy, name="proxy"),
    path("proxy/<id:pk>/", views.proxy_consent, name="proxy-consent"),
    path("benefits/proxy-consents/<id:pk>/revoke/", views.proxy_revoke, name="proxy-revoke"),
    path("staff/benefits/", views.staff_claims, name="staff-benefits"),
    path("staff/benefits/claims/<id:pk>/", views.staff_claim, name="staff-benefit-claim"),
    path("staff/benefits/types/", views.staff_types, name="staff-benefit-types"),
    path("staff/benefits/types/new/", views.staff_type, name="staff-benefit-type-new"),
    path("staff/benefits/types/<id:pk>/", views.staff_type, name="staff-benefit-type"),
    path("staff/funds/", views.staff_funds, name="staff-funds"),
    path("staff/funds/<id:pk>/", views.staff_fund, name="staff-fund"),
    path("staff/funds/<id:pk>/ledger.xlsx", views.staff_fund_xlsx, name="staff-fund-xlsx"),
    path("staff/hardship/", views.staff_hardship, name="staff-hardship"),
    path("staff/hardship/<id:pk>/", views.staff_case, name="staff-hardship-case"),
    path("staff/hardship/files/<id:pk>/", views.staff_case_file, name="staff-hardship-file"),
    path("staff/visits/", views.staff_visits, name="staff-visits"),
    path("staff/visits/<id:pk>/", views.staff_visit, name="staff-visit"),
    path("staff/groups/", views.staff_groups, name="staff-groups"),
    path("staff/groups/<slug:group>/", views.staff_group, name="staff-group"),
    path("staff/campaigns/", views.staff_campaigns, name="staff-campaigns"),
    path("staff/campaigns/<id:pk>/", views.staff_campaign, name="staff-campaign"),
]
