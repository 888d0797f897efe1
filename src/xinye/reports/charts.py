"""Charts for the briefing, rendered as PNG images (matplotlib, Agg backend, the system's Noto CJK font)
so that Word and WPS show them alike — a native Office chart renders differently in each."""

from __future__ import annotations

import io
import pathlib

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

READS = ("stacked_bars", "bars", "cjk_font")

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)
COLOURS = ("#C00000", "#E46C0A", "#2E75B6", "#A6A6A6")


def cjk_font() -> font_manager.FontProperties | None:
    for path in FONT_CANDIDATES:
        if pathlib.Path(path).exists():
            return font_manager.FontProperties(fname=path)
    return None


def _png(fig) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def stacked_bars(
    title: str, labels: list[str], series: list[tuple[str, list[float]]], unit: str = ""
) -> bytes:
    """Horizontal stacked bars, one per label (e.g. enterprises per county by coverage status)."""
    font = cjk_font()
    fig, ax = plt.subplots(figsize=(7.5, 0.42 * max(len(labels), 3) + 1.2))
    left = [0.0] * len(labels)
    positions = list(range(len(labels)))[::-1]
    for (name, values), colour in zip(series, COLOURS, strict=False):
        ax.barh(positions, values, left=left, color=colour, label=name, height=0.6)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in zip(positions, left, strict=True):
        ax.text(total, y, f" {total:g}", va="center", fontsize=8)
    ax.set_yticks(positions, labels, fontproperties=font, fontsize=9)
    ax.set_title(title, fontproperties=font, fontsize=11)
    if unit:
        ax.set_xlabel(unit, fontproperties=font, fontsize=9)
    ax.legend(prop=font, fontsize=8, loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def bars(title: str, labels: list[str], values: list[float], unit: str = "") -> bytes:
    """Vertical bars with their values on top (e.g. appeals per category)."""
    font = cjk_font()
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    ax.bar(range(len(labels)), values, color=COLOURS[0], width=0.6)
    for x, v in enumerate(values):
        ax.text(x, v, f"{v:g}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(labels)), labels, fontproperties=font, fontsize=8, rotation=30, ha="right")
    ax.set_title(title, fontproperties=font, fontsize=11)
    if unit:
        ax.set_ylabel(unit, fontproperties=font, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
