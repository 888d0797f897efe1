"""The second factor's pages, at /admin/otp/ (the code step) and /admin/otp/setup/ (enrolment)."""

from django.contrib import admin
from django.urls import path

from xinye.accounts import views

url_prefix = "admin/otp/"
app_name = "otp"
urlpatterns = [
    path("", admin.site.admin_view(views.verify), name="verify"),
    path("setup/", admin.site.admin_view(views.setup), name="setup"),
]
