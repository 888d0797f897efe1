from django.contrib import admin
from django.urls import path

from xinye.support import views

app_name = "support"
urlpatterns = [
    path("stats/", admin.site.admin_view(views.stats), name="stats"),
    path("needs/<int:pk>/work/", admin.site.admin_view(views.work), name="work"),
]
