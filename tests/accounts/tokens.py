"""A client carrying a real bearer token for a demo user, the token created by the system actor
(tests/conftest.py's `api_client` fixture hands this function out)."""

from django.test import Client

from xinye.accounts.permissions import system_actor


def token_client(username: str) -> Client:
    from xinye.accounts.models import User
    from xinye.accounts.services import create_token

    _, key = create_token(User.objects.get(username=username), actor=system_actor("test"))
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")
