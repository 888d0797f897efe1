from django.contrib import admin
from django.urls import path

from xinye.orglife import views

app_name = "orglife"
urlpatterns = [
    path("health/", admin.site.admin_view(views.health_list), name="health"),
    path("health/<int:unit_id>/", admin.site.admin_view(views.health_detail), name="health_detail"),
]
