"""Instructors and liaisons: assignment (分级分片), visits (走访), problems, quotas and yearly assessment.

Every state change is one function here, in one transaction, taking a required keyword `actor` and checking
it with `require` before the write and again on the saved row. The computations (the assignment proposal,
due status, evidence) are plain functions over plain values.

The functions live in one module per part (common, assignment, visits, quotas, assessment); this package
re-exports them, so `from xinye.guidance import services` and `services.record_visit(…)` read as before.
"""

from xinye.guidance.services.assessment import (  # noqa: F401
    Evidence,
    assess,
    clean_assessment,
    evidence,
    evidence_for,
    evidence_many,
)
from xinye.guidance.services.assignment import (  # noqa: F401
    _enterprise_ct,
    agent_of,
    assigned_enterprise_ids,
    assignment_dates,
    assignment_inputs,
    confirm_assignment,
    is_field_agent,
    propose_for,
)
from xinye.guidance.services.common import (  # noqa: F401
    quarter_label,
    quarter_of,
    today,
)
from xinye.guidance.services.quotas import (  # noqa: F401
    DueRow,
    due_for_agent,
    due_status,
    overdue_counts,
    overdue_list,
)
from xinye.guidance.services.visits import (  # noqa: F401
    PROBLEM_TRANSITIONS,
    _clean_topics,
    add_problem,
    add_visit_photos,
    clean_visit,
    convert_problem_to_appeal,
    record_visit,
    save_visit,
    set_problem_status,
)

READS = ()  # each module lists its own
