"""The database unreachable: every face answers 503 at once with a Chinese message (JSON `detail` on the
API), never the 500 traceback page, and the next request after it is back is served normally."""

import pytest
from django.db import OperationalError
from django.test import Client

from xinye.stations import services as station_services

DOWN = "connection to server at 127.0.0.1, port 5432 failed: Connection refused"


def refuse(*args, **kwargs):
    raise OperationalError(DOWN)


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def test_api_answers_503_json_in_chinese_and_recovers(world, anonymous, monkeypatch):
    url = "/api/v1/stations/nearest?lat=43.62&lng=122.25"
    monkeypatch.setattr(station_services, "nearest", refuse)
    response = anonymous.get(url)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "数据库暂时无法连接" in response.json()["detail"]
    assert "5432" not in response.content.decode()  # no internals leak
    monkeypatch.undo()
    assert anonymous.get(url).status_code == 200


def test_portal_page_answers_503_page_when_the_session_cannot_load(world, anonymous, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    anonymous.cookies["sessionid"] = "x" * 32  # a session to load: the database is asked first thing
    monkeypatch.setattr(SessionStore, "load", refuse)
    response = anonymous.get("/m/")
    html = response.content.decode()
    assert response.status_code == 503
    assert "服务暂时不可用" in html and "数据库暂时无法连接" in html and "Traceback" not in html
    monkeypatch.undo()
    assert anonymous.get("/m/").status_code == 200


def test_console_answers_503_page(world, client_for, monkeypatch):
    client = client_for("kerqin_admin")
    client.raise_request_exception = False
    from xinye.console import views

    monkeypatch.setattr(views, "render", refuse)
    response = client.get("/")
    assert response.status_code == 503 and "数据库暂时无法连接" in response.content.decode()


def test_other_errors_stay_500(world, anonymous, monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(station_services, "nearest", bug)
    response = anonymous.get("/api/v1/stations/nearest?lat=43.62&lng=122.25")
    assert response.status_code == 500 and "数据库" not in response.content.decode()
