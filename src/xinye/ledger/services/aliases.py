"""The choice aliases an import maps a sheet's own words through."""

from xinye.ledger.models import (
    ChoiceAlias,
)

# The pure rules and queries of this module (no actor: they write nothing).
READS = ("clean_choice_alias",)


def clean_choice_alias(*, column: str, alias: str, value: str) -> dict[str, str]:
    """The faults of a city word for a survey-sheet choice (导入词语对照) as {field: reason}: the column must
    be a choice column, the value one of its choices, the word not empty."""
    errors = {}
    choices = ChoiceAlias.COLUMNS.get(column)
    if choices is None:
        errors["column"] = "不是可对照的选择列"
    elif value not in choices.values:
        labels = "、".join(f"{v}（{label}）" for v, label in choices.choices)
        errors["value"] = f"应为该列的选项之一：{labels}"
    if not (alias or "").strip():
        errors["alias"] = "不能为空"
    return errors
