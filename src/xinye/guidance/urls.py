from django.contrib import admin
from django.urls import path

from xinye.guidance import views

app_name = "guidance"
urlpatterns = [
    path("assignment/", admin.site.admin_view(views.assignment), name="assignment"),
    path("my/", admin.site.admin_view(views.my), name="my"),
    path("overdue/", admin.site.admin_view(views.overdue), name="overdue"),
    path("assessments/", admin.site.admin_view(views.assessments), name="assessments"),
]
