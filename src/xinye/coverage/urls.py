from django.contrib import admin
from django.urls import path

from xinye.coverage import views

app_name = "coverage"
urlpatterns = [
    path("", admin.site.admin_view(views.dashboard), name="dashboard"),
    path("enterprises/", admin.site.admin_view(views.enterprises), name="enterprises"),
    path("proposals/", admin.site.admin_view(views.proposals), name="proposals"),
]
