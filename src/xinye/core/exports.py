"""Exported cells are values, never formulas (CSV/formula injection, OWASP): the one test and the one fix
every xlsx and CSV exporter uses. No Django here (the import's error report uses it outside Django too).

A text beginning with = + - @ (a formula to Excel, WPS and LibreOffice), or with a tab or a carriage return
(which some of them strip before reading the rest as a formula), is neutralised: in xlsx by writing it as a
string with Excel's quote prefix (`quote_prefix` format: shown as typed, kept as text when edited), in CSV and
plain text by a leading apostrophe.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def safe_text(text: str) -> str:
    """The text as a CSV or plain-text cell: an apostrophe before anything formula-like."""
    return "'" + text if is_formula_like(text) else text
