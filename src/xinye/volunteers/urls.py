from django.contrib import admin
from django.urls import path

from xinye.volunteers import views

app_name = "volunteers"
urlpatterns = [path("totals/", admin.site.admin_view(views.totals), name="totals")]
