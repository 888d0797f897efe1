"""Name search that stays fast on a province's ledger: the lookup `field__has_text=term` (issue 17).

It means exactly what `icontains` means — the field contains the term, case-insensitive — on every
database. On PostgreSQL, for the columns listed in `INDEXED`, it is also answered by a GIN index over the
column's characters (`string_to_array(lower(col), NULL)`, created by the owning app's migration):

    string_to_array(lower(name), NULL) @> string_to_array(lower('张伟'), NULL)   -- the index: 张 and 伟 both in it
    AND UPPER(name::text) LIKE UPPER('%张伟%')                                    -- the recheck: 张伟 in that order

Why characters: a Chinese name is two to four characters and people search by one or two of them (张, 张伟).
pg_trgm cannot serve that — a pattern under three characters yields no trigram, so `LIKE '%张%'` falls back
to reading every row (five million for a province) — and pg_bigm is not packaged for this PostgreSQL. One
character per array element can: the index finds the rows holding every character of the term, the LIKE
keeps those holding them in order. Both functions are built in and immutable, so there is no function of
ours to install, and a row's array is cheap to compute where the planner chooses to filter rows instead
(an ordered scan that stops at the page's fiftieth match: 张 is about one name in fourteen).

SQLite (the embedded default, a city's ledger at most) runs the plain `icontains`.
"""

from __future__ import annotations

from django.db.models import CharField, Lookup, TextField
from django.db.models.lookups import IContains

# (table, column) pairs that have the character index (see ledger/migrations/0006_name_character_index.py).
# A column not listed gets the plain icontains: the array test without its index would only cost time.
INDEXED: frozenset[tuple[str, str]] = frozenset(
    {
        ("ledger_practitioner", "name"),
        ("ledger_enterprise", "name"),
    }
)


def characters(sql: str) -> str:
    """The SQL of the character array the index holds, for the column or parameter `sql`."""
    return f"string_to_array(lower({sql}), NULL)"


@CharField.register_lookup
@TextField.register_lookup
class HasText(Lookup):
    """`icontains`, served on PostgreSQL by the character index where the column has one."""

    lookup_name = "has_text"

    def as_sql(self, compiler, connection):
        return compiler.compile(IContains(self.lhs, self.rhs))  # UPPER(col::text) LIKE UPPER('%term%')

    def as_postgresql(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        target = getattr(self.lhs, "target", None)
        if (
            target is None
            or (target.model._meta.db_table, target.column) not in INDEXED
            or not isinstance(self.rhs, str)
            or not self.rhs
        ):
            return sql, params
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return (
            f"({characters(lhs_sql)} @> {characters('%s')} AND {sql})",
            (*lhs_params, self.rhs, *params),
        )
