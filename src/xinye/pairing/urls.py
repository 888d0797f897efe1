from django.contrib import admin
from django.urls import path

from xinye.pairing import views

app_name = "pairing"
urlpatterns = [path("", admin.site.admin_view(views.overview), name="overview")]
