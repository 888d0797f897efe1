"""How a model's rows map to organisation units, for `restrict(user, action)` (accounts.permissions).

Each scoped model declares `scope = ScopeSpec(...)`. A spec names lookup paths, never values:
- unit: path to the owning OrgUnit ("" when the model *is* OrgUnit);
- industry: path to an Industry value (defaults to the owning unit's industry);
- enterprise: path to the ledger Enterprise, used by roles scoped to their assigned enterprises
  (instructors, liaisons); "pk" on Enterprise itself;
- own: path to the staff User whose own record the row is (an instructor's record and assessment): that
  user reads it whatever their grants' mode;
- everywhere: reference or system data with no unit (regions, the change log): any grant covers all rows;
- partner: path to a second OrgUnit that shares the row with its owner (a pairing's enterprise side, issue 15):
  a grant whose subtree holds that unit reads and writes the row as the owner's does (the industry filter
  still applies), and an assigned role reaches it through the organisations of its enterprises.
- reader: path to a unit that reads the row but never writes it (a nomination's recommending unit, which
  follows its nominee through review, vote and result in a campaign run above it): a grant whose subtree
  holds that unit may view and export the row; every other action still needs the owner's scope.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScopeSpec:
    unit: str = "unit"
    industry: str | None = None
    enterprise: str | None = None
    own: str | None = None
    everywhere: bool = False
    partner: str | None = None
    reader: str | None = None

    @property
    def path_lookup(self) -> str:
        return f"{self.unit}__path" if self.unit else "path"

    @property
    def industry_lookup(self) -> str:
        if self.industry:
            return self.industry
        return f"{self.unit}__industry" if self.unit else "industry"

    @property
    def reader_path_lookup(self) -> str | None:
        return f"{self.reader}__path" if self.reader else None

    @property
    def partner_path_lookup(self) -> str | None:
        return f"{self.partner}__path" if self.partner else None


def spec_for(model) -> ScopeSpec | None:
    return getattr(model, "scope", None)
