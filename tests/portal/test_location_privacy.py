"""A phone's position for "nearest station" travels in a POST body, not the URL (issue 18 item 8): it stays
out of the browser history, the access logs and the next page's Referer."""

import re

from django.test import Client

from tests.stations.factories import make_station


def _geo_form(html: str) -> str:
    return re.search(r'<form[^>]*id="geo-form"[^>]*>', html).group(0)


def test_the_location_forms_post_with_a_csrf_token(client, world):
    for path in ("/m/", "/m/sos/"):
        html = client.get(path).content.decode()
        assert 'method="post"' in _geo_form(html)
        assert 'name="csrfmiddlewaretoken"' in html.split('id="geo-form"')[1].split("</form>")[0]


def test_nearest_stations_by_a_posted_position(world):
    make_station(world["units"]["street-kerqin-1-c1"], lat=43.62, lng=122.26, name="位置隐私驿站")
    client = Client(enforce_csrf_checks=True)
    client.get("/m/")
    token = client.cookies["csrftoken"].value
    for path in ("/m/", "/m/sos/"):
        r = client.post(path, {"lat": "43.6205", "lng": "122.2605", "csrfmiddlewaretoken": token})
        assert r.status_code == 200 and "位置隐私驿站" in r.content.decode()
    # without the token a POST is refused (CSRF), and a link with ?lat=&lng= still works
    assert (
        Client(enforce_csrf_checks=True).post("/m/", {"lat": "43.6205", "lng": "122.2605"}).status_code == 403
    )
    assert "位置隐私驿站" in client.get("/m/", {"lat": "43.6205", "lng": "122.2605"}).content.decode()
