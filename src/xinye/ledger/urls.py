from django.contrib import admin
from django.urls import path

from xinye.ledger import views

app_name = "ledger"
urlpatterns = [
    path("due-for-election/", admin.site.admin_view(views.due_for_election), name="due_for_election"),
]
