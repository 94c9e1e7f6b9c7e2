"""Activities, limited offers, tickets and check-in, venues and discounts."""

from django.urls import path

from . import views

urlpatterns = [
    path("activities/", views.activities, name="activities"),
    path("activities/<id:pk>/", views.activity, name="activity"),
    path("activities/<id:pk>/signup/", views.activity_signup, name="activity-signup"),
    path("activities/<id:pk>/materials/", views.activity_materials, name="activity-materials"),
    path("signups/<id:pk>/cancel/", views.signup_cancel, name="signup-cancel"),
    path("signups/<id:pk>/feedback/", views.signup_feedback, name="signup-feedback"),
    path("offers/", views.offer_list, name="offers"),
    path("offers/<id:pk>/", views.offer, name="offer"),
    path("offers/<id:pk>/remaining/", views.offer_remaining, name="offer-remaining"),
    path("offers/<id:pk>/claim/", views.offer_claim, name="offer-claim"),
    path("claims/<id:pk>/cancel/", views.claim_cancel, name="claim-cancel"),
    path("tickets/", views.ticket_list, name="tickets"),
    path("discounts/", views.discount_list, name="discounts"),
    path("staff/activities/", views.staff_activities, name="staff-activities"),
    path("staff/activities/new/", views.staff_activity_edit, name="staff-activity-new"),
    path("staff/activities/<id:pk>/", views.staff_activity, name="staff-activity"),
    path("staff/activities/<id:pk>/edit/", views.staff_activity_edit, name="staff-activity-edit"),
    path("staff/activities/<id:pk>/attendance.xlsx", views.staff_attendance_xlsx, name="staff-attendance"),
    path("staff/offers/new/", views.staff_offer_new, name="staff-offer-new"),
    path("staff/offers/<id:pk>/", views.staff_offer, name="staff-offer"),
    path("staff/checkin/", views.staff_checkin, name="staff-checkin"),
    path("staff/venues/", views.staff_venues, name="staff-venues"),
    path("staff/venues/<id:pk>/", views.staff_venue, name="staff-venue"),
    path("staff/bookings/<id:pk>/", views.staff_booking, name="staff-booking"),
    path("staff/discounts/", views.staff_discounts, name="staff-discounts"),
]
