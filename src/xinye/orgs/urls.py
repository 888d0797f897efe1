from django.contrib import admin
from django.urls import path

from xinye.orgs import views

app_name = "orgs"
urlpatterns = [
    path("tree/", admin.site.admin_view(views.tree), name="tree"),
    path("matrix/", admin.site.admin_view(views.matrix), name="matrix"),
]
