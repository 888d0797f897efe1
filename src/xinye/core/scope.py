"""How a model's rows map to organisation units, for `restrict(user, action)` (accounts.permissions).

Each scoped model declares `scope = ScopeSpec(...)`. A spec names lookup paths, never values:
- unit: path to the owning OrgUnit ("" when the model *is* OrgUnit);
- industry: path to an Industry value (defaults to the owning unit's industry);
- enterprise: path to the ledger Enterprise, used by roles scoped to their assigned enterprises
  (instructors, liaisons); "pk" on Enterprise itself;
- own: path to the staff User whose own record the row is (an instructor's record and assessment): that
  user reads it whatever their grants' mode;
- everywhere: reference or system data with no unit (regions, the change log): any grant covers all rows.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScopeSpec:
    unit: str = "unit"
    industry: str | None = None
    enterprise: str | None = None
    own: str | None = None
    everywhere: bool = False

    @property
    def path_lookup(self) -> str:
        return f"{self.unit}__path" if self.unit else "path"

    @property
    def industry_lookup(self) -> str:
        if self.industry:
            return self.industry
        return f"{self.unit}__industry" if self.unit else "industry"


def spec_for(model) -> ScopeSpec | None:
    return getattr(model, "scope", None)
