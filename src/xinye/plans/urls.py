from django.contrib import admin
from django.urls import path

from xinye.plans import views

app_name = "plans"
urlpatterns = [
    path("ranking/", admin.site.admin_view(views.ranking_page), name="ranking"),
    path("ranking/bulletin/", admin.site.admin_view(views.bulletin_download), name="bulletin"),
    path("board/", admin.site.admin_view(views.board), name="board"),
    path("drives/<int:pk>/progress/", admin.site.admin_view(views.drive_progress), name="drive_progress"),
]
