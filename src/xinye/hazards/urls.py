"""Console page for handling a report, and the public Open311 GeoReport v2 endpoints at /open311/v2/.
Mounted at the site root (url_prefix "") because Open311 clients expect their own path."""

from django.contrib import admin
from django.urls import path

from xinye.hazards import open311, views

app_name = "hazards"
url_prefix = ""
urlpatterns = [
    path("admin/hazards/<int:pk>/work/", admin.site.admin_view(views.work), name="work"),
    # GeoReport v2: XML is the format every server must support, JSON optional — the same content in both.
    path("open311/v2/services.json", open311.services_list, name="open311-services"),
    path("open311/v2/requests.json", open311.requests_view, name="open311-requests"),
    path("open311/v2/requests/<int:pk>.json", open311.request_detail, name="open311-request"),
    path("open311/v2/services.xml", open311.services_list, {"fmt": "xml"}, name="open311-services-xml"),
    path("open311/v2/requests.xml", open311.requests_view, {"fmt": "xml"}, name="open311-requests-xml"),
    path(
        "open311/v2/requests/<int:pk>.xml", open311.request_detail, {"fmt": "xml"}, name="open311-request-xml"
    ),
]
