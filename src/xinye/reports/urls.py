from django.contrib import admin
from django.urls import path

from xinye.reports import views

app_name = "reports"
urlpatterns = [
    path("", admin.site.admin_view(views.index), name="index"),
    path("statistics.xlsx", admin.site.admin_view(views.statistics), name="statistics"),
    path("briefing.docx", admin.site.admin_view(views.briefing), name="briefing"),
]
