"""The worker pages of personal services, mounted under the portal at /m/services/."""

from django.urls import path

from xinye.care import views

app_name = "care"
url_prefix = "m/services/"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("sessions/<int:pk>/signup/", views.signup, name="signup"),
    path("signups/<int:pk>/cancel/", views.cancel, name="cancel"),
]
