import pytest

from tests.accounts.tokens import token_client


@pytest.fixture
def api_client(world):
    """tests/conftest.py's fixture, with the actor `create_token` now requires (see tests/accounts/tokens.py)."""
    return token_client
