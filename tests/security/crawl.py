"""Every route of the URL resolver as a concrete path (dummy values for its parameters), for the crawl tests."""

import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

DUMMY = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": str(uuid.UUID(int=1))}
_ROUTE_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<\w+>([^()]*)\)")


def _concrete(pattern) -> str | None:
    if isinstance(pattern, RoutePattern):
        return _ROUTE_PARAM.sub(lambda m: DUMMY.get(m.group(1) or "str", "1"), str(pattern))
    if isinstance(pattern, RegexPattern):
        text = str(pattern)

        def group(m):
            inner = m.group(1)
            words = inner.split("|")
            return words[0] if all(re.fullmatch(r"[\w-]+", w) for w in words) else "1"

        text = _REGEX_GROUP.sub(group, text).lstrip("^").rstrip("$").replace(r"\Z", "")
        text = text.replace("\\", "")
        return None if re.search(r"[()\[\]*+?{}|]", text) else text
    return None


def routes() -> list[tuple[str, str]]:
    """(path, route name) of every route that a concrete path reaches."""
    found: dict[str, str] = {}

    def walk(patterns, prefix, namespace):
        for p in patterns:
            part = _concrete(p.pattern)
            if part is None:
                continue
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + part, ns)
            elif isinstance(p, URLPattern):
                url = "/" + prefix + part
                try:
                    resolve(url)
                except Resolver404:
                    continue
                found.setdefault(url, f"{namespace}{p.name or ''}")

    walk(get_resolver().url_patterns, "", "")
    return sorted(found.items())
