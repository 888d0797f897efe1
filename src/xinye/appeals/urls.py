from django.contrib import admin
from django.urls import path

from xinye.appeals import views

app_name = "appeals"
urlpatterns = [
    path("stats/", admin.site.admin_view(views.stats), name="stats"),
    path("<int:pk>/work/", admin.site.admin_view(views.work), name="work"),
]
