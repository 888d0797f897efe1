from django.contrib import admin
from django.urls import path

from xinye.ledger import views_io

app_name = "ledger_io"
url_prefix = "admin/ledger-io/"


def _v(view):
    return admin.site.admin_view(view)


urlpatterns = [
    path("", _v(views_io.index), name="index"),
    path("upload/", _v(views_io.upload), name="upload"),
    path("jobs/<str:token>/run/", _v(views_io.run), name="run"),
    path("jobs/<str:token>/", _v(views_io.result), name="result"),
    path("jobs/<str:token>/report/", _v(views_io.report), name="report"),
    path("template/<str:kind>/", _v(views_io.template), name="template"),
    path("export/<str:kind>/", _v(views_io.export), name="export"),
]
