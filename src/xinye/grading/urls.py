"""Console pages of the grading, under /admin/grading/."""

from django.contrib import admin
from django.urls import path

from xinye.grading import views

app_name = "grading"
urlpatterns = [path("overview/", admin.site.admin_view(views.overview), name="overview")]
