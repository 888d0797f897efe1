from django.contrib import admin
from django.urls import path

from xinye.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", admin.site.admin_view(views.index), name="index"),
    path("<str:token>/", admin.site.admin_view(views.detail), name="detail"),
    path("<str:token>/status/", admin.site.admin_view(views.status), name="status"),
    path("<str:token>/download/", admin.site.admin_view(views.download), name="download"),
]
