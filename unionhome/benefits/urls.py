"""Claims, funds, hardship care, visits, service groups, campaigns and proxy filing."""

from django.urls import path

from .views import care, claims, funds, groups, proxy

urlpatterns = [
    path("benefits/", claims.benefits, name="benefits"),
    path("benefits/new/<slug:code>/", claims.claim_new, name="benefit-claim-new"),
    path("benefits/claims/<id:pk>/", claims.claim_page, name="benefit-claim"),
    path("benefits/files/<id:pk>/", claims.claim_file, name="benefit-file"),
    path("care/", care.care, name="care"),
    path("care/visits/<id:pk>/rate/", care.visit_rate, name="visit-rate"),
    path("proxy/", proxy.proxy, name="proxy"),
    path("proxy/<id:pk>/", proxy.proxy_consent, name="proxy-consent"),
    path("benefits/proxy-consents/<id:pk>/revoke/", proxy.proxy_revoke, name="proxy-revoke"),
    path("staff/benefits/", claims.staff_claims, name="staff-benefits"),
    path("staff/benefits/claims/<id:pk>/", claims.staff_claim, name="staff-benefit-claim"),
    path("staff/benefits/types/", claims.staff_types, name="staff-benefit-types"),
    path("staff/benefits/types/new/", claims.staff_type, name="staff-benefit-type-new"),
    path("staff/benefits/types/<id:pk>/", claims.staff_type, name="staff-benefit-type"),
    path("staff/funds/", funds.staff_funds, name="staff-funds"),
    path("staff/funds/<id:pk>/", funds.staff_fund, name="staff-fund"),
    path("staff/funds/<id:pk>/ledger.xlsx", funds.staff_fund_xlsx, name="staff-fund-xlsx"),
    path("staff/hardship/", care.staff_hardship, name="staff-hardship"),
    path("staff/hardship/<id:pk>/", care.staff_case, name="staff-hardship-case"),
    path("staff/hardship/files/<id:pk>/", care.staff_case_file, name="staff-hardship-file"),
    path("staff/visits/", care.staff_visits, name="staff-visits"),
    path("staff/visits/<id:pk>/", care.staff_visit, name="staff-visit"),
    path("staff/groups/", groups.staff_groups, name="staff-groups"),
    path("staff/groups/<slug:group>/", groups.staff_group, name="staff-group"),
    path("staff/campaigns/", groups.staff_campaigns, name="staff-campaigns"),
    path("staff/campaigns/<id:pk>/", groups.staff_campaign, name="staff-campaign"),
]
