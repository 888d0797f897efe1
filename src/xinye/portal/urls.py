from django.urls import path

from xinye.portal import views

app_name = "portal"
url_prefix = "m/"
urlpatterns = [
    path("", views.home, name="home"),
    path("s/<slug:code>/", views.station, name="station"),
    path("s/<slug:code>/checkin/", views.checkin, name="checkin"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("consent/", views.consent, name="consent"),
    path("consent/sensitive/", views.sensitive_consent, name="sensitive_consent"),
    path("notice/<str:kind>/", views.notice, name="notice"),
    path("register/", views.register, name="register"),
    path("sos/", views.sos, name="sos"),
    path("appeal/", views.appeal_new, name="appeal_new"),
    path("report/", views.report_new, name="report_new"),
    path("my/", views.mine, name="mine"),
    path("my/appeals/<int:pk>/", views.appeal_detail, name="appeal"),
    path("my/reports/<int:pk>/", views.report_detail, name="report"),
    path("my/appeals/<int:pk>/photos/<int:index>/", views.own_photo, {"kind": "appeal"}, name="appeal_photo"),
    path("my/reports/<int:pk>/photos/<int:index>/", views.own_photo, {"kind": "report"}, name="report_photo"),
    path("my/data/", views.mydata, name="mydata"),
    path("my/data/delete/", views.delete_data, name="delete_data"),
    path("my/data/all/", views.mydata_all, name="mydata_all"),
    path("my/data/download/", views.mydata_download, name="mydata_download"),
    path("my/data/correct/", views.correction, name="correction"),
    path("my/data/withdraw/", views.withdraw, name="withdraw"),
    path("volunteer/", views.volunteer, name="volunteer"),
    path("volunteer/<int:pk>/signup/", views.volunteer_signup, name="volunteer_signup"),
    path("volunteer/signups/<int:pk>/cancel/", views.volunteer_cancel, name="volunteer_cancel"),
]
