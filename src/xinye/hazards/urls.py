"""Console page for handling a report, and the public Open311 GeoReport v2 endpoints at /open311/v2/.
Mounted at the site root (url_prefix "") because Open311 clients expect their own path."""

from django.contrib import admin
from django.urls import path

from xinye.hazards import open311, views

app_name = "hazards"
url_prefix = ""
urlpatterns = [
    path("admin/hazards/<int:pk>/work/", admin.site.admin_view(views.work), name="work"),
    path("open311/v2/services.json", open311.services_list, name="open311-services"),
    path("open311/v2/requests.json", open311.requests_view, name="open311-requests"),
    path("open311/v2/requests/<int:pk>.json", open311.request_detail, name="open311-request"),
]
