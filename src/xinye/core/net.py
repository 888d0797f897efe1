"""The client's address: the one function every user of an IP calls (login lockout, SMS code limits, votes,
consents, the change log's `ip`).

Behind the production reverse proxy the connecting address (`REMOTE_ADDR`) is the proxy's; reading it as the
client's would let five bad logins by anyone lock out every member of staff. `X-Forwarded-For` is read only
when the connecting address is one of `XINYE_TRUSTED_PROXIES` (addresses or CIDRs, empty by default), and
then the client is the right-most address in it that is not itself a trusted proxy: the left part of the
header is whatever the client sent, so it is never believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def trusted_networks() -> tuple:
    return _networks(tuple(getattr(settings, "XINYE_TRUSTED_PROXIES", ()) or ()))


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address or "")
    return parsed is not None and any(parsed in net for net in trusted_networks())


def client_ip(request) -> str:
    """The client's address for `request` (an HttpRequest or anything with `META`); "" when unknown."""
    if request is None:
        return ""
    meta = getattr(request, "META", None) or {}
    remote = meta.get("REMOTE_ADDR", "") or ""
    if not trusted_networks() or not is_trusted_proxy(remote):
        return remote
    hops = [h.strip() for h in (meta.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if h.strip()]
    for hop in reversed(hops):
        parsed = _parse(hop)
        if parsed is None:
            return remote  # a malformed hop the trusted proxy appended: believe nothing to its left
        if not any(parsed in net for net in trusted_networks()):
            return str(parsed)
    return remote
