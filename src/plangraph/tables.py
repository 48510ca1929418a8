"""Indicator tables (主要指标): the extent of a table, its rows and every data cell.

Interface used by structure.py and rdf.py:

    table_extent(blocks, start) -> int          # how many blocks from ``start`` belong to the table
    parse_table(box) -> list[IndicatorRow]      # rows with their cells (model.IndicatorRow/Cell)
"""

from __future__ import annotations

import re

from .model import Block, Box, IndicatorRow


def _is_row(text: str) -> bool:
    return "\t" in text or bool(re.search(r"\S {3,}\S", text))


def table_extent(blocks: list[Block], start: int) -> int:
    """The number of blocks from ``start`` that belong to the table (rows, wrapped cells, notes)."""
    n = 0
    for block in blocks[start:]:
        text = block.text
        if _is_row(text) or (len(text) <= 40 and not text.endswith("。")):
            n += 1
            continue
        if text.startswith(("注", "备注")):
            n += 1
        break
    return n


def parse_table(box: Box) -> list[IndicatorRow]:
    return []
