"""A small per-process cache of rendered anonymous station pages (the QR target, the hottest page).

Not Django's cache: the default local-memory cache holds 300 entries and the city has 350 stations, so it
would evict on every pass. Entries live `rules.station_page_cache_seconds()`; a station saved in this
process is forgotten at once, other processes see the change when their entry expires.
"""

import threading
import time

MAX_ENTRIES = 20_000
_pages: dict[str, tuple[float, bytes]] = {}
_lock = threading.Lock()


def get(code: str) -> bytes | None:
    entry = _pages.get(code)
    if entry is None or entry[0] < time.monotonic():
        return None
    return entry[1]


def put(code: str, content: bytes, seconds: int) -> None:
    with _lock:
        if len(_pages) >= MAX_ENTRIES:
            _pages.clear()
        _pages[code] = (time.monotonic() + seconds, content)


def forget(code: str) -> None:
    _pages.pop(code, None)


def clear() -> None:
    _pages.clear()
