"""Hazard rules as data (settings with defaults): who handles which category, duplicate radius, rate limit."""

from django.conf import settings

from xinye.hazards.choices import HazardCategory

# Categories a 行业主管部门 handles (by unit code); every other category goes to the community where the
# problem is (属地, "兜底"). Roads and street lights are the transport department's (分块负责).
DEFAULT_DEPARTMENT_ROUTING = {
    HazardCategory.ROAD_DAMAGE: "dept-transport",
    HazardCategory.LIGHTS: "dept-transport",
}
DEFAULT_DUPLICATE_RADIUS_M = 50
DEFAULT_RATE_LIMIT = (10, 3600)  # reports per worker per window (seconds)
# Open311 api_key → label of the client (a configured key); staff bearer tokens are accepted too.
DEFAULT_OPEN311_KEYS: dict[str, str] = {}


def department_routing() -> dict:
    return {**DEFAULT_DEPARTMENT_ROUTING, **(getattr(settings, "XINYE_HAZARD_ROUTING", None) or {})}


def duplicate_radius_m() -> float:
    return float(getattr(settings, "XINYE_HAZARD_DUPLICATE_RADIUS_M", DEFAULT_DUPLICATE_RADIUS_M))


def rate_limit() -> tuple[int, int]:
    return tuple(getattr(settings, "XINYE_HAZARD_RATE_LIMIT", DEFAULT_RATE_LIMIT))


def open311_keys() -> dict:
    return {**DEFAULT_OPEN311_KEYS, **(getattr(settings, "XINYE_OPEN311_KEYS", None) or {})}
