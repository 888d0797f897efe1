"""The enterprise services' write door, one module per sub-domain: `needs` (an enterprise's needs on the
appeals' loop, and `xinye tick`), `catalogue` (policies and their reach, institutions, products, events,
matches), `statistics`. Callers import from here: `from xinye.support import services`."""

from xinye.support.services.catalogue import *  # noqa: F403
from xinye.support.services.needs import *  # noqa: F403
from xinye.support.services.needs import NEED_TRANSITIONS, tick  # noqa: F401
from xinye.support.services.statistics import *  # noqa: F403
