"""Who is acting, through which channel, in which request: read by the change log and the scope checks.

Set by middleware for console and API requests and by `actor_context` for CLI commands and importers.
"""

import contextlib
import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    request_id: str = ""
    source: str = "system"  # console, api, cli, import, portal, system
    ip: str = ""
    label: str = ""  # who acted when no staff user did (e.g. "cli:root")


_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("xinye_actor", default=Actor())  # noqa: B039 - frozen


def current_actor() -> Actor:
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextlib.contextmanager
def actor_context(
    user=None, *, source: str = "system", request_id: str | None = None, ip: str = "", label: str = ""
):
    token = _current.set(
        Actor(user=user, request_id=request_id or new_request_id(), source=source, ip=ip, label=label)
    )
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def set_actor(actor: Actor):
    return _current.set(actor)


def reset_actor(token) -> None:
    _current.reset(token)
