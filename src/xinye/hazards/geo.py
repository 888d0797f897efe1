"""Coordinates for hazard reports: the stations app's conversions (one implementation in xinye)."""

from xinye.stations.geo import bbox, haversine_m, to_wgs84

__all__ = ["bbox", "haversine_m", "to_wgs84"]
