"""The shared cache (Redis in production) as a cache, never a dependency: with Redis stopped, a read is a miss
and a write is skipped, so every page still answers — found by the load drill, where the station page's
`{% cache %}` fragment turned a Redis restart into 500s (issue 18 item 7).

Django's RedisCache raises on a refused connection; this backend catches the Redis client's errors on the
ordinary calls, logs one warning per minute and per process, and answers as an empty cache would. `incr`
and `clear` still raise: they are not cache lookups and their callers must know. The readiness check
(/readyz, console/health.py) writes and reads a key, so it still reports the cache as down. Connect and
socket timeouts (settings: 0.5 s) keep a hung Redis from holding a request."""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

logger = logging.getLogger("xinye.core.cache")

WARN_EVERY = 60.0  # seconds between two "cache unavailable" warnings of one process


def _errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError)


class RedisCache(DjangoRedisCache):
    _warned_at = 0.0

    def _unavailable(self, operation: str, error: BaseException):
        now = time.monotonic()
        if now - RedisCache._warned_at >= WARN_EVERY:
            RedisCache._warned_at = now
            logger.warning(
                "cache unavailable (%s: %s); answering as an empty cache", operation, type(error).__name__
            )

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except _errors() as error:
            self._unavailable("get", error)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except _errors() as error:
            self._unavailable("get_many", error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except _errors() as error:
            self._unavailable("has_key", error)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except _errors() as error:
            self._unavailable("set", error)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except _errors() as error:
            self._unavailable("add", error)
            return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except _errors() as error:
            self._unavailable("set_many", error)
            return list(data)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except _errors() as error:
            self._unavailable("touch", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except _errors() as error:
            self._unavailable("delete", error)
            return False

    def delete_many(self, keys, version=None):
        try:
            super().delete_many(keys, version)
        except _errors() as error:
            self._unavailable("delete_many", error)
