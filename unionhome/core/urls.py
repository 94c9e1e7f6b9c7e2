"""The kernel's pages: login and logout, the password and devices, preferences, the inbox and the service areas."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import phone_login, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/sms/", phone_login.login_sms, name="login-sms"),
    path("login/reset/", phone_login.password_reset, name="password-reset"),
    path("privacy/", views.privacy, name="privacy"),
    path("staff/desk/", views.desk, name="staff-desk"),
    path("panels/<slug:place>/", views.member_panels, name="member-panels"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password"),
    path("profile/devices/end/", views.device_end, name="device-end"),
    path("profile/devices/end-others/", views.devices_end_others, name="devices-end-others"),
    path("prefs/elder/", views.set_elder_mode, name="prefs-elder"),
    path("prefs/language/", views.set_language, name="prefs-lang"),
    path("area/<slug:slug>/", views.area, name="area"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox-read"),
    path("inbox/<id:pk>/", views.inbox_open, name="inbox-open"),
]
