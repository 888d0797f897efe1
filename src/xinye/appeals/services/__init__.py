"""Appeals' services, one module per sub-domain: `routing` (where an appeal belongs, who may read it),
`loop` (filing and every step of the 12345 loop), `reminders` (`xinye tick`), `statistics` (响应率, 解决率,
满意率). Callers import from here: `from xinye.appeals import services; services.accept_appeal(…)`."""

from xinye.appeals.services.loop import *  # noqa: F403
from xinye.appeals.services.loop import APPEAL_TRANSITIONS, CATEGORIES, STAFF_SOURCES, TASK_TRANSITIONS  # noqa: F401
from xinye.appeals.services.reminders import *  # noqa: F403
from xinye.appeals.services.retention import *  # noqa: F403
from xinye.appeals.services.routing import *  # noqa: F403
from xinye.appeals.services.statistics import *  # noqa: F403
