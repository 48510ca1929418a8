"""Units of measure: the printed forms plans use, their UCUM / QUDT codes, and conversions.

The table is ``reference/units.tsv``. Two units compare when they have the same *base*: 亿元 and
万元 are both yuan (multipliers 10^8 and 10^4), so 4.7 万元 is 47000 元. A unit that is printed
without what it is per (万元 for 全员劳动生产率, whose unit is 万元/人) is read as the concept's unit
by :func:`implied_unit`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from .reftables import read_table, table_path

UNITS_TABLE = "units.tsv"


@dataclass(frozen=True)
class Unit:
    key: str
    forms: tuple[str, ...]  # printed forms, the first is the label
    base: str
    multiplier: Decimal
    ucum: str
    qudt: str
    label_en: str

    @property
    def label(self) -> str:
        return self.forms[0]


def unit_form(text: str) -> str:
    """The form printed units are compared in: NFKC, no spaces, no enclosing parentheses."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    while len(text) > 1 and text[0] in "(（" and text[-1] in ")）":
        text = text[1:-1]
    return text


@lru_cache(maxsize=4)
def _units_at(path: Path) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for rec in read_table(path, 7):
        try:
            multiplier = Decimal(rec.cell(3))
        except InvalidOperation:
            raise rec.error(f"multiplier {rec.cell(3)!r} is not a decimal number") from None
        forms = rec.items(1)
        if not forms:
            raise rec.error("a unit needs at least one printed form")
        units[rec.cell(0)] = Unit(
            rec.cell(0), forms, rec.cell(2), multiplier, rec.cell(4), rec.cell(5), rec.cell(6)
        )
    return units


def units() -> dict[str, Unit]:
    """Every unit of the table, by key."""
    return _units_at(table_path(UNITS_TABLE))


@lru_cache(maxsize=4)
def _forms_at(path: Path) -> dict[str, Unit]:
    forms: dict[str, Unit] = {}
    for unit in _units_at(path).values():
        for form in unit.forms:
            key = unit_form(form)
            if key in forms and forms[key] is not unit:
                raise ValueError(f"{path.name}: the printed unit {form!r} belongs to two units")
            forms[key] = unit
    return forms


def unit_for(text: str | None) -> Unit | None:
    """The unit of a printed unit ("亿元", "（%）", "万元/人"), None when the table lacks it."""
    if not text:
        return None
    return _forms_at(table_path(UNITS_TABLE)).get(unit_form(text))


def unit_at(text: str, start: int = 0) -> tuple[Unit, int] | None:
    """The longest printed unit that starts at ``text[start]`` and where it ends (for reading
    values in sentences: "65万人以上", "29微克/立方米左右")."""
    forms = _forms_at(table_path(UNITS_TABLE))
    longest = max((len(f) for f in forms), default=0)
    for end in range(min(len(text), start + longest), start, -1):
        unit = forms.get(unicodedata.normalize("NFKC", text[start:end]))
        if unit is not None:
            return unit, end
    return None


def implied_unit(printed: Unit | None, expected: Unit | None) -> Unit | None:
    """The unit a printed unit stands for, given the unit a concept is stated in: the printed one,
    or ``expected`` when what was printed is its numerator (万元 for 万元/人, 立方米 for 立方米/万元):
    the indicator's name says per what."""
    if printed is None or expected is None or printed.base == expected.base:
        return printed
    numerator = expected.label.split("/", 1)[0]
    if "/" in expected.label and unit_form(numerator) in (unit_form(f) for f in printed.forms):
        return expected
    return printed


def convert(amount: Decimal, source: Unit, target: Unit) -> Decimal | None:
    """``amount`` in ``source`` expressed in ``target``; None when the two do not compare."""
    if source.base != target.base:
        return None
    return amount * source.multiplier / target.multiplier
