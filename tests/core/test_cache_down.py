"""Redis stopped: the shared cache answers as an empty cache (core/cache.py), so pages that cache fragments
still answer — the load drill's station page gave 500s on a Redis restart before — and /readyz still says
the cache is down."""

import logging

import pytest
from django.core.cache import caches

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: every connection is refused at once


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "xinye.core.cache.RedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield
    caches["default"].close()


def test_reads_miss_and_writes_are_skipped(redis_down, caplog):
    from xinye.core import cache as core_cache

    core_cache.RedisCache._warned_at = 0.0
    cache = caches["default"]
    with caplog.at_level(logging.WARNING, logger="xinye.core.cache"):
        cache.set("k", 1)
        assert cache.get("k") is None and cache.get("k", "fallback") == "fallback"
        assert cache.get_many(["k", "j"]) == {} and cache.add("k", 1) is False and not cache.has_key("k")
        cache.delete("k")
        cache.delete_many(["k"])
    warnings = [r for r in caplog.records if r.name == "xinye.core.cache"]
    assert (
        len(warnings) == 1 and "cache unavailable" in warnings[0].getMessage()
    )  # once a minute, not per call


def test_the_station_page_answers_with_redis_down(db, world, redis_down, client):
    from tests.stations.factories import make_station

    station = make_station(world["units"]["tl-zzb"], name="科尔沁区暖心驿站")
    client.raise_request_exception = True
    for _ in range(2):  # the first render and the one the fragment cache would have served
        response = client.get(f"/m/s/{station.code}/")
        assert response.status_code == 200
        assert "科尔沁区暖心驿站" in response.content.decode()


def test_readyz_still_reports_the_cache_down(db, redis_down, client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["cache"] is False
