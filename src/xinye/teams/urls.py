from django.contrib import admin
from django.urls import path

from xinye.teams import views

app_name = "teams"
urlpatterns = [
    path("overview/", admin.site.admin_view(views.overview), name="overview"),
]
