from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from unionhome.activities import views as activities
from unionhome.api import api
from unionhome.appeals import views as appeals
from unionhome.assistant import views as assistant
from unionhome.benefits import views as benefits
from unionhome.content import views as content
from unionhome.core import views as core
from unionhome.core.bounds import IdConverter
from unionhome.core.urlgroups import grouped
from unionhome.members import views as members

handler403 = "unionhome.core.views.error_403"
handler404 = "unionhome.core.api.django_not_found"
handler500 = "unionhome.core.api.django_server_error"

# `<id:pk>`: a record id a row could have; a longer number is a 404, not a driver overflow.
register_converter(IdConverter, "id")

# The API first: apps and integrations call it most, and its routes are grouped by their first
# segment (core.urlgroups) so a call is matched against a few patterns, not all of them.
api_patterns, api_app, api_namespace = api.urls

urlpatterns = [
    path("api/v1/", include((grouped(api_patterns), api_app), namespace=api_namespace)),
    path("", members.home, name="home"),
    path("login/", core.LoginView.as_view(), name="login"),
    path("logout/", core.auth_views.LogoutView.as_view(), name="logout"),
    path("profile/password/", core.PasswordChangeView.as_view(), name="password"),
    path("profile/devices/end/", core.device_end, name="device-end"),
    path("profile/devices/end-others/", core.devices_end_others, name="devices-end-others"),
    path("prefs/elder/", core.set_elder_mode, name="prefs-elder"),
    path("prefs/language/", core.set_language, name="prefs-lang"),
    path("area/<slug:slug>/", core.area, name="area"),
    path("inbox/", core.inbox, name="inbox"),
    path("inbox/read/", core.inbox_read, name="inbox-read"),
    path("join/", members.join, name="join"),
    path("card/", members.card, name="card"),
    path("profile/", members.profile, name="profile"),
    path("profile/consents/", members.consents, name="consents"),
    path("profile/export/", members.export, name="export"),
    path("profile/deletion/", members.deletion, name="deletion"),
    path("transfer/", members.transfer, name="transfer"),
    path("transfer/<id:pk>/cancel/", members.transfer_cancel, name="transfer-cancel"),
    path("staff/", members.staff_home, name="staff-home"),
    path("staff/members/", members.staff_members, name="staff-members"),
    path("staff/members/<id:pk>/", members.staff_member, name="staff-member"),
    path("staff/orgs/", members.staff_orgs, name="staff-orgs"),
    path("staff/joins/", members.staff_joins, name="staff-joins"),
    path("staff/transfers/", members.staff_transfers, name="staff-transfers"),
    path("staff/deletions/", members.staff_deletions, name="staff-deletions"),
    path("staff/roster/", members.staff_roster, name="staff-roster"),
    path("staff/roster/template.xlsx", members.staff_roster_template, name="staff-roster-template"),
    path("staff/roster/export.xlsx", members.staff_roster_export, name="staff-roster-export"),
    path("staff/roster/imports/<id:pk>/", members.staff_roster_import, name="staff-roster-import"),
    path("staff/roster/imports/<id:pk>/errors.xlsx", members.staff_roster_errors, name="staff-roster-errors"),
    path("activities/", activities.activities, name="activities"),
    path("activities/<id:pk>/", activities.activity, name="activity"),
    path("activities/<id:pk>/signup/", activities.activity_signup, name="activity-signup"),
    path("activities/<id:pk>/materials/", activities.activity_materials, name="activity-materials"),
    path("signups/<id:pk>/cancel/", activities.signup_cancel, name="signup-cancel"),
    path("signups/<id:pk>/feedback/", activities.signup_feedback, name="signup-feedback"),
    path("offers/", activities.offers, name="offers"),
    path("offers/<id:pk>/", activities.offer, name="offer"),
    path("offers/<id:pk>/remaining/", activities.offer_remaining, name="offer-remaining"),
    path("offers/<id:pk>/claim/", activities.offer_claim, name="offer-claim"),
    path("claims/<id:pk>/cancel/", activities.claim_cancel, name="claim-cancel"),
    path("tickets/", activities.tickets, name="tickets"),
    path("discounts/", activities.discounts, name="discounts"),
    path("staff/activities/", activities.staff_activities, name="staff-activities"),
    path("staff/activities/new/", activities.staff_activity_edit, name="staff-activity-new"),
    path("staff/activities/<id:pk>/", activities.staff_activity, name="staff-activity"),
    path("staff/activities/<id:pk>/edit/", activities.staff_activity_edit, name="staff-activity-edit"),
    path(
        "staff/activities/<id:pk>/attendance.xlsx", activities.staff_attendance_xlsx, name="staff-attendance"
    ),
    path("staff/offers/new/", activities.staff_offer_new, name="staff-offer-new"),
    path("staff/offers/<id:pk>/", activities.staff_offer, name="staff-offer"),
    path("staff/checkin/", activities.staff_checkin, name="staff-checkin"),
    path("staff/venues/", activities.staff_venues, name="staff-venues"),
    path("staff/venues/<id:pk>/", activities.staff_venue, name="staff-venue"),
    path("staff/bookings/<id:pk>/", activities.staff_booking, name="staff-booking"),
    path("staff/discounts/", activities.staff_discounts, name="staff-discounts"),
    path("benefits/", benefits.benefits, name="benefits"),
    path("benefits/new/<slug:code>/", benefits.claim_new, name="benefit-claim-new"),
    path("benefits/claims/<id:pk>/", benefits.claim_page, name="benefit-claim"),
    path("benefits/files/<id:pk>/", benefits.claim_file, name="benefit-file"),
    path("care/", benefits.care, name="care"),
    path("care/visits/<id:pk>/rate/", benefits.visit_rate, name="visit-rate"),
    path("proxy/", benefits.proxy, name="proxy"),
    path("proxy/<id:pk>/", benefits.proxy_consent, name="proxy-consent"),
    path("benefits/proxy-consents/<id:pk>/revoke/", benefits.proxy_revoke, name="proxy-revoke"),
    path("staff/benefits/", benefits.staff_claims, name="staff-benefits"),
    path("staff/benefits/claims/<id:pk>/", benefits.staff_claim, name="staff-benefit-claim"),
    path("staff/benefits/types/", benefits.staff_types, name="staff-benefit-types"),
    path("staff/benefits/types/new/", benefits.staff_type, name="staff-benefit-type-new"),
    path("staff/benefits/types/<id:pk>/", benefits.staff_type, name="staff-benefit-type"),
    path("staff/funds/", benefits.staff_funds, name="staff-funds"),
    path("staff/funds/<id:pk>/", benefits.staff_fund, name="staff-fund"),
    path("staff/funds/<id:pk>/ledger.xlsx", benefits.staff_fund_xlsx, name="staff-fund-xlsx"),
    path("staff/hardship/", benefits.staff_hardship, name="staff-hardship"),
    path("staff/hardship/<id:pk>/", benefits.staff_case, name="staff-hardship-case"),
    path("staff/hardship/files/<id:pk>/", benefits.staff_case_file, name="staff-hardship-file"),
    path("staff/visits/", benefits.staff_visits, name="staff-visits"),
    path("staff/visits/<id:pk>/", benefits.staff_visit, name="staff-visit"),
    path("staff/groups/", benefits.staff_groups, name="staff-groups"),
    path("staff/groups/<slug:group>/", benefits.staff_group, name="staff-group"),
    path("staff/campaigns/", benefits.staff_campaigns, name="staff-campaigns"),
    path("staff/campaigns/<id:pk>/", benefits.staff_campaign, name="staff-campaign"),
    path("appeals/", appeals.my_appeals, name="appeals"),
    path("appeals/new/", appeals.appeal_new, name="appeal-new"),
    path("appeals/<id:pk>/", appeals.appeal_page, name="appeal"),
    path("appeals/files/<id:pk>/", appeals.appeal_file, name="appeal-file"),
    path("legal/", appeals.legal_home, name="legal"),
    path("legal/<id:pk>/", appeals.legal_case, name="legal-case"),
    path("handler/", appeals.handler_queue, name="handler-queue"),
    path("handler/<id:pk>/", appeals.handler_step, name="handler-step"),
    path("staff/appeals/", appeals.workbench, name="staff-appeals"),
    path("staff/appeals/new/", appeals.hotline, name="staff-hotline"),
    path("staff/appeals/figures/", appeals.figures, name="staff-figures"),
    path("staff/appeals/rectification/", appeals.rectification, name="staff-rectification"),
    path("staff/appeals/risks/", appeals.risks, name="staff-risks"),
    path("staff/appeals/stations/", appeals.stations, name="staff-stations"),
    path("staff/appeals/<id:pk>/", appeals.staff_appeal, name="staff-appeal"),
    path("staff/appeals/<id:pk>/route/", appeals.quick_route, name="staff-appeal-route"),
    path("staff/legal/", appeals.staff_legal, name="staff-legal"),
    path("assistant/", assistant.chat, name="assistant"),
    path("assistant/<id:pk>/feedback/", assistant.feedback, name="assistant-feedback"),
    path("assistant/handoff/", assistant.handoff, name="assistant-handoff"),
    path("news/", content.news, name="news"),
    path("news/<id:pk>/", content.article, name="article"),
    path("news/<id:pk>/image/", content.article_image, name="article-image"),
    path("staff/kb/", assistant.staff_kb, name="staff-kb"),
    path("staff/kb/new/", assistant.staff_entry, name="staff-kb-new"),
    path("staff/kb/unanswered/", assistant.staff_unanswered, name="staff-kb-unanswered"),
    path("staff/kb/<str:kb_id>/", assistant.staff_entry, name="staff-kb-entry"),
    path("staff/news/", content.staff_news, name="staff-news"),
    path("staff/news/new/", content.staff_article, name="staff-article-new"),
    path("staff/news/<id:pk>/", content.staff_article, name="staff-article"),
    path("staff/notices/", content.staff_notices, name="staff-notices"),
    path("staff/notices/new/", content.staff_notice_new, name="staff-notice-new"),
    path("staff/notices/<id:pk>/", content.staff_notice, name="staff-notice"),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/unionhome/icon.svg")),
]

if settings.BENCH_ENDPOINTS:
    # The floor of `make bench`: a view that does nothing, behind the full middleware stack.
    urlpatterns.append(path("bench/hello", lambda request: HttpResponse("hello"), name="bench-hello"))
