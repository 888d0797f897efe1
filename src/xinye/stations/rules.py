"""Station rules a city may change (settings with these defaults)."""

from django.conf import settings


def nearest_max_limit() -> int:
    """Most stations one nearest query may return."""
    return getattr(settings, "XINYE_STATIONS_NEAREST_MAX", 20)


def nearest_start_radius_m() -> float:
    """First search box half-size; doubled (×4) until enough stations are inside the circle."""
    return getattr(settings, "XINYE_STATIONS_NEAREST_START_M", 2000.0)


def nearest_max_radius_m() -> float:
    """Beyond this nothing is 'near': the query gives up (a rider 300 km away needs no station list)."""
    return getattr(settings, "XINYE_STATIONS_NEAREST_MAX_M", 500_000.0)
