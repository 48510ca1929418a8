"""Reading the tab-separated reference tables of ``reference/`` (rules and schemes kept as data).

A table has one record a line, cells separated by tabs; lines starting with ``#`` and blank
lines are comments. A malformed line is an error that names the file and the line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .settings import get_settings


class ReferenceTableError(ValueError):
    """A reference table that cannot be read (names the file and the line)."""


@dataclass(frozen=True)
class Record:
    cells: tuple[str, ...]
    file: str
    line: int

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    def items(self, index: int, sep: str = "|") -> tuple[str, ...]:
        """The ``sep``-separated items of a cell, without empty ones."""
        return tuple(part.strip() for part in self.cell(index).split(sep) if part.strip())

    def error(self, problem: str) -> ReferenceTableError:
        return ReferenceTableError(f"{self.file} line {self.line}: {problem}")


def table_path(name: str) -> Path:
    return get_settings().reference_dir / name


def read_table(path: Path, min_cells: int) -> list[Record]:
    """The records of a table; each must have at least ``min_cells`` cells."""
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = tuple(c.strip() for c in line.split("\t"))
        record = Record(cells, path.name, number)
        if len(cells) < min_cells:
            raise record.error(f"expected at least {min_cells} tab-separated cells, got {len(cells)}")
        records.append(record)
    return records
