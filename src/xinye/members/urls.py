from django.contrib import admin
from django.urls import path

from xinye.members import views

app_name = "members"
urlpatterns = [
    path("pipeline/", admin.site.admin_view(views.pipeline), name="pipeline"),
    path("arrears/", admin.site.admin_view(views.arrears), name="arrears"),
    path("study-hours/", admin.site.admin_view(views.study_hours), name="study_hours"),
    path("study-import/", admin.site.admin_view(views.study_import), name="study_import"),
]
