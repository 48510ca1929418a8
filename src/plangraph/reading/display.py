"""Text for terminals: the display width of CJK text, and aligned tables."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide and full-width characters (汉字, ％, ，) take
    two, everything else one (East Asian Width W and F, as terminals render them)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, with an ellipsis when it was cut."""
    if display_width(text) <= width:
        return text
    out, used = "", 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out, used = out + ch, used + w
    return out + "…"


def text_table(rows: Sequence[Sequence[str]], max_width: int | None = None, rule: bool = False) -> list[str]:
    """Rows aligned in columns two spaces apart (the first row is the header); ``max_width``
    clips long cells, ``rule`` draws a line of dashes under the header."""
    if not rows:
        return []
    columns = len(rows[0])
    cells = [[clip(str(c), max_width) if max_width else str(c) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(columns)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    lines = [line(row) for row in cells]
    if rule:
        lines.insert(1, "  ".join("-" * w for w in widths))
    return lines
