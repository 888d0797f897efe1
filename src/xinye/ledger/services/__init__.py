"""Ledger state changes: enterprises, practitioners, party members, party organisations, formation cases.

Every writing function takes a required keyword `actor` (a staff user, or `system_actor(...)` for the CLI,
the demo and imports run by the system), runs in one transaction, calls `require(actor, action, …)` before
it writes and again on the saved row (so a write that lands outside the actor's scope rolls back), refuses
bad input with `Refused` naming the field in Chinese, and tells the rest of the platform which enterprises
changed (`ledger.signals.enterprises_changed`; coverage listens). The change log is written by the audit
signals on save. The pure rules and queries are listed in each module's `READS`.

The functions live in one module per object (common, enterprises, practitioners, members, organisations,
status, formation, aliases); this package re-exports them, so `from xinye.ledger import services` and
`services.create_enterprise(…)` read as before.
"""

from xinye.ledger.services.aliases import (  # noqa: F401
    clean_choice_alias,
)
from xinye.ledger.services.common import (  # noqa: F401
    ORG_KINDS,
    _label,
    _raise,
    _set,
    add_years,
    age_on,
    local_today,
)
from xinye.ledger.services.enterprises import (  # noqa: F401
    ENTERPRISE_FIELDS,
    _offices,
    clean_enterprise,
    coordinate_errors,
    create_enterprise,
    delete_enterprise,
    office_for,
    office_table,
    update_enterprise,
)
from xinye.ledger.services.formation import (  # noqa: F401
    APPROVAL_STEPS,
    TRANSITIONS,
    S,
    _actor_name,
    allowed_transitions,
    apply_formation_transition,
    check_document,
    formation_errors,
    start_formation,
)
from xinye.ledger.services.members import (  # noqa: F401
    MEMBER_FIELDS,
    MEMBER_LABELS,
    clean_member,
    delete_party_member,
    save_party_member,
)
from xinye.ledger.services.organisations import (  # noqa: F401
    ORGANISATION_FIELDS,
    _full_members,
    _unit_code,
    committee_errors,
    create_party_organisation,
    default_org_name,
    delete_party_organisation,
    due_for_election,
    organisation_errors,
    record_election,
    set_committee,
    set_secretary,
    update_party_organisation,
)
from xinye.ledger.services.practitioners import (  # noqa: F401
    PRACTITIONER_FIELDS,
    _member_unit,
    _sync_party_status,
    check_practitioner,
    create_practitioner,
    delete_practitioner,
    duplicate_id_message,
    member_unit_ids,
    practitioner_row_values,
    update_practitioner,
)
from xinye.ledger.services.status import (  # noqa: F401
    OWN_KINDS,
    annotate_coverage_status,
    coverage_status,
    filter_by_status,
)

READS = ()  # each module lists its own
