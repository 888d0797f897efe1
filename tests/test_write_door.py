"""The write door for every registered object type × a few roles: out-of-scope writes change nothing and
a write that would move a row out of the writer's scope is refused and rolled back (tests/mixins.py)."""

import pytest

from tests.matrix import REGISTRY
from tests.mixins import ROLES, WriteDoorTests


@pytest.mark.parametrize("username", ROLES)
@pytest.mark.parametrize("otype", sorted(REGISTRY))
class TestWriteDoor(WriteDoorTests):
    pass
