"""The worker pages of the 最美 campaigns, mounted under the portal at /m/campaigns/."""

from django.urls import path

from xinye.honours import views

app_name = "honours"
url_prefix = "m/campaigns/"
urlpatterns = [
    path("", views.campaigns, name="campaigns"),
    path("<int:pk>/", views.campaign, name="campaign"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("nominees/<int:pk>/", views.nominee, name="nominee"),
    path("nominees/<int:pk>/vote/", views.vote, name="vote"),
    path("nominees/<int:pk>/objection/", views.objection, name="objection"),
]
