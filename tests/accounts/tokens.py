"""A client carrying a real bearer token for a demo user, the token created by the system actor.

Until tests/conftest.py's `api_client` passes an actor to `create_token` (the spine's required actor),
the test directories that use it override the fixture with this one (see their conftest.py)."""

from django.test import Client

from xinye.accounts.permissions import system_actor


def token_client(username: str) -> Client:
    from xinye.accounts.models import User
    from xinye.accounts.services import create_token

    _, key = create_token(User.objects.get(username=username), actor=system_actor("test"))
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")
