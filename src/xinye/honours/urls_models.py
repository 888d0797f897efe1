"""The library of models (先进典型) on the portal, at /m/models/."""

from django.urls import path

from xinye.honours import views

app_name = "exemplars"
url_prefix = "m/models/"
urlpatterns = [
    path("", views.exemplars, name="list"),
    path("<int:pk>/", views.exemplar, name="detail"),
]
