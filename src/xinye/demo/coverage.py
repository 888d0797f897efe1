"""Runs after the ledger demo: rebuild the coverage aggregates from the demo ledger (bulk-written)."""

from xinye.coverage import aggregates


def load(world: dict) -> None:
    world["coverage"] = aggregates.refresh()
