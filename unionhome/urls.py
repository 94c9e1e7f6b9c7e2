from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import RedirectView

from unionhome.api import api

handler403 = "unionhome.core.views.error_403"
handler404 = "unionhome.core.api.django_not_found"
handler500 = "unionhome.core.api.django_server_error"

# The API first: apps and integrations call it most.
api_patterns, api_app, api_namespace = api.urls

# Then each app's pages, from its own urls.py.
urlpatterns = [
    path("api/v1/", include((api_patterns, api_app), namespace=api_namespace)),
    path("", include("unionhome.members.urls")),
    path("", include("unionhome.core.urls")),
    path("", include("unionhome.activities.urls")),
    path("", include("unionhome.benefits.urls")),
    path("", include("unionhome.appeals.urls")),
    path("", include("unionhome.assistant.urls")),
    path("", include("unionhome.content.urls")),
    path("", include("unionhome.insights.urls")),
    path("", include("unionhome.integrations.urls")),
    path("", include("unionhome.learning.urls")),
    path("", include("unionhome.democracy.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/unionhome/icon.svg")),
]

if settings.BENCH_ENDPOINTS:
    # The floor of `make bench`: a view that does nothing, behind the full middleware stack.
    urlpatterns.append(path("bench/hello", lambda request: HttpResponse("hello"), name="bench-hello"))
