"""The wall screen: `/screen/` for staff who may read the statistics, `/screen/k/<key>/` for a display link."""

from django.urls import path

from xinye.reports import views_screen as views

app_name = "screen"
url_prefix = "screen/"
urlpatterns = [
    path("", views.screen, name="staff"),
    path("data.json", views.screen_data, name="staff_data"),
    path("k/<str:key>/", views.screen_by_link, name="link"),
    path("k/<str:key>/data.json", views.screen_by_link_data, name="link_data"),
]
