"""Party-building funds: the one write door for allocations, disbursements and spending lines, and the
figures read from them.

The flow is a transition table (`TRANSITIONS`): 申请 (`apply_for_funds`) → 审核 (`approve`/`reject`) →
拨付 (`disburse`, undone only by `reverse_disbursement`'s counter-entry) → 使用 (`record_spending`,
`reverse_spending`) → 年度结余/绩效 (`close_year`). Every money write locks the allocation's row
(`select_for_update`) and re-reads its sums inside the transaction, so two clerks posting at once can never
spend more than was paid out. Amounts are `Decimal` yuan to the fen; a posted entry is never changed.

The package is split by step — applications (申请, 审核), disbursements (拨付), spending (使用, 结余), figures
— and re-exports every public name, so `from xinye.funds import services` keeps working.
"""

from xinye.funds.services.applications import (  # noqa: F401
    apply_for_funds,
    approve,
    clean_application,
    reject,
    update_application,
)
from xinye.funds.services.common import (  # noqa: F401
    CENT,
    MAX_AMOUNT,
    ZERO,
    S,
    allocation_figures,
    allowed_transitions,
    clean_amount,
    standard_amount,
    yuan,
)
from xinye.funds.services.disbursements import (  # noqa: F401
    disburse,
    reverse_disbursement,
)
from xinye.funds.services.figures import (  # noqa: F401
    GROUPS,
    balances_by,
    propose_work_fund,
    summary,
    totals,
    with_figures,
)
from xinye.funds.services.spending import (  # noqa: F401
    clean_receipt,
    clean_spending,
    close_year,
    record_spending,
    reverse_spending,
)

READS = (
    "clean_amount",
    "clean_application",
    "clean_spending",
    "clean_receipt",
    "allowed_transitions",
    "totals",
    "allocation_figures",
    "with_figures",
    "summary",
    "balances_by",
    "standard_amount",
    "yuan",
)
