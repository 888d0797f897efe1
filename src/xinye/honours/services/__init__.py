"""The 最美 campaigns' write door: the campaign and its stages (the transition table in choices, moved by
the organiser or by the tick when a stage's last day has passed), nominations (by the organiser in the
console on a unit's recommendation, or by a signed-in worker on the portal, for themselves or a peer),
review against eligibility, the public vote (one signed-in phone, a daily limit, bursts flagged), the
publicity period with its objections, and the winners entering the library of models (先进典型).

The package is split by step — campaigns, nominations, votes, publicity (公示, objections, the library),
the tick — and re-exports every public name, so `services.nominate(...)` keeps working."""

from xinye.honours.services.campaigns import (  # noqa: F401
    DATE_ORDER,
    advance_stage,
    clean_campaign,
    delete_campaign,
    due_stage,
    save_campaign,
)
from xinye.honours.services.nominations import (  # noqa: F401
    clean_nominee,
    eligibility,
    nominate,
    nominate_on_portal,
    review_nominee,
    save_negative_record,
)
from xinye.honours.services.publicity import (  # noqa: F401
    handle_objection,
    public_campaigns,
    public_nominees,
    published_exemplars,
    raise_objection,
    record_objection,
    save_exemplar,
)
from xinye.honours.services.tick import (  # noqa: F401
    TickResult,
    tick,
)
from xinye.honours.services.votes import (  # noqa: F401
    results,
    void_vote,
    vote,
    voted_today,
    votes_today,
)

READS = (
    "clean_campaign",
    "clean_nominee",
    "eligibility",
    "results",
    "public_campaigns",
    "public_nominees",
    "votes_today",
    "voted_today",
    "published_exemplars",
    "due_stage",
)
