from django.contrib import admin
from django.urls import path

from xinye.stations import views

app_name = "stations"
urlpatterns = [
    path("checkins/", admin.site.admin_view(views.checkins), name="checkins"),
    path("<int:pk>/poster/", admin.site.admin_view(views.poster), name="poster"),
    path("<int:pk>/qr.png", admin.site.admin_view(views.qr_png), name="qr_png"),
    path("<int:pk>/qr.svg", admin.site.admin_view(views.qr_svg), name="qr_svg"),
]
