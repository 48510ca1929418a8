"""Values as values: a printed cell or target read into a number with unit, qualifier and kind.

``pg:valueText`` keeps what was printed ("7.5%左右", "［25—27］", "完成省下达目标"); this module reads
it (rules in ``reference/value_words.tsv``) into a :class:`ParsedValue`: an amount (or a range),
the unit (printed in the value, else the row's), a qualifier (AtLeast ≥ / 以上, MoreThan ＞,
AtMost ≤ / 以内, LessThan ＜, Approximately 左右), whether it is a total over the plan period
(``cumulative``: [5], 〔20〕, 【350左右】) and, for a target that is no number, its form
(AssignedByHigherLevel 完成省下达目标, InStepWith 与经济增长同步, RelativeToBenchmark 高于全省平均水平,
Qualitative 稳步提高). Placeholders (—, *, /) read as nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from . import units as unit_table
from .reftables import read_table, table_path
from .units import Unit

WORDS_TABLE = "value_words.tsv"

QUALIFIERS = ("AtLeast", "MoreThan", "AtMost", "LessThan", "Approximately")
FORMS = ("AssignedByHigherLevel", "InStepWith", "RelativeToBenchmark", "Qualitative")


@dataclass(frozen=True)
class ParsedValue:
    text: str  # as printed
    amount: Decimal | None = None  # the number; for a range its lower end
    upper: Decimal | None = None  # the upper end of a range ("5%—5.5%"), else None
    unit: Unit | None = None
    unit_text: str | None = None  # the unit as printed in the value or the row
    qualifier: str | None = None  # one of QUALIFIERS
    cumulative: bool = False  # a total over the plan period ([5], 〔20〕, 【350】)
    estimate: bool = False  # marked as an estimate (∗)
    form: str | None = None  # for a target that is no number: one of FORMS
    placeholder: bool = False  # nothing is set (—, *, /)

    @property
    def is_numeric(self) -> bool:
        return self.amount is not None

    @property
    def is_range(self) -> bool:
        return self.upper is not None

    @property
    def midpoint(self) -> Decimal | None:
        """What a chart draws: the amount, or the middle of a range."""
        if self.amount is None:
            return None
        return self.amount if self.upper is None else (self.amount + self.upper) / 2


# --- the rules -------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ValueRules:
    before: tuple[tuple[str, str], ...]  # (word, qualifier), longest first
    after: tuple[tuple[str, str], ...]
    brackets: tuple[tuple[str, str], ...]  # (open, close)
    placeholders: frozenset[str]
    noise: tuple[str, ...]
    estimate: tuple[str, ...]
    tails: tuple[str, ...]
    range_marks: tuple[str, ...]
    notes: tuple[re.Pattern[str], ...]
    forms: tuple[tuple[re.Pattern[str], str], ...]


def _nfkc(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _longest(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=4)
def _rules_at(path: Path) -> ValueRules:
    before: list[tuple[str, str]] = []
    after: list[tuple[str, str]] = []
    brackets: list[tuple[str, str]] = []
    lists: dict[str, list[str]] = {"placeholder": [], "noise": [], "estimate": [], "tail": [], "range": []}
    forms: list[tuple[re.Pattern[str], str]] = []
    notes: list[re.Pattern[str]] = []
    for rec in read_table(path, 3):
        kind, meaning = rec.cell(0), rec.cell(2)
        words = [_nfkc(w) for w in rec.items(1)]
        if kind in ("before", "after"):
            if meaning not in QUALIFIERS:
                raise rec.error(f"qualifier {meaning!r} is not one of {', '.join(QUALIFIERS)}")
            (before if kind == "before" else after).extend((w, meaning) for w in words)
        elif kind == "bracket":
            for pair in words:
                if len(pair) != 2:
                    raise rec.error(f"a bracket is an opening and a closing character, not {pair!r}")
                brackets.append((pair[0], pair[1]))
        elif kind in lists:
            lists[kind].extend(words)
        elif kind == "note-pattern":
            try:
                notes.append(re.compile(rec.cell(1)))
            except re.error as err:
                raise rec.error(f"bad pattern: {err}") from None
        elif kind == "pattern":
            if meaning not in FORMS:
                raise rec.error(f"form {meaning!r} is not one of {', '.join(FORMS)}")
            try:
                forms.append((re.compile(rec.cell(1)), meaning))
            except re.error as err:
                raise rec.error(f"bad pattern: {err}") from None
        else:
            raise rec.error(f"unknown kind {kind!r}")
    return ValueRules(
        before=tuple(sorted(before, key=lambda p: -len(p[0]))),
        after=tuple(sorted(after, key=lambda p: -len(p[0]))),
        brackets=tuple(brackets),
        placeholders=frozenset(lists["placeholder"]),
        noise=_longest(lists["noise"]),
        estimate=_longest(lists["estimate"]),
        tails=_longest(lists["tail"]),
        range_marks=_longest(lists["range"]),
        notes=tuple(notes),
        forms=tuple(forms),
    )


def value_rules() -> ValueRules:
    return _rules_at(table_path(WORDS_TABLE))


# --- reading ---------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?\d+(?:,\d{3})*(?:\.\d+)?")


def _strip_words(text: str, words: tuple[str, ...], at_start: bool) -> str:
    """``text`` without any of ``words`` repeatedly at its start (or end)."""
    changed = True
    while changed and text:
        changed = False
        for word in words:
            if at_start and text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :], True
                break
            if not at_start and text.endswith(word) and len(text) > len(word):
                text, changed = text[: -len(word)], True
                break
    return text


def _take(text: str, pairs: tuple[tuple[str, str], ...], at_start: bool) -> tuple[str, str | None]:
    for word, meaning in pairs:
        if at_start and text.startswith(word):
            return text[len(word) :], meaning
        if not at_start and text.endswith(word):
            return text[: -len(word)], meaning
    return text, None


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _unit_prefix(text: str) -> tuple[str, Unit | None, str]:
    """(printed unit, its Unit, the rest) for a unit at the start of ``text``; ("", None, text)
    when none starts there."""
    found = unit_table.unit_at(text)
    if found is None:
        return "", None, text
    unit, end = found
    return text[:end], unit, text[end:]


def _numeric(text: str, rules: ValueRules) -> dict | None:
    """A number, or a range of two, with an optional unit after either: "5%—5.5%", "4.5-5",
    "29微克/立方米"; None when ``text`` is anything else."""
    first = _NUMBER.match(text)
    if not first:
        return None
    amount, upper = _number(first.group(0)), None
    unit_text, unit, rest = _unit_prefix(text[first.end() :])
    for mark in rules.range_marks:
        second = _NUMBER.match(rest[len(mark) :]) if rest.startswith(mark) else None
        if second:
            upper = _number(second.group(0))
            later_text, later_unit, rest = _unit_prefix(rest[len(mark) + second.end() :])
            unit_text, unit = (unit_text, unit) if unit_text else (later_text, later_unit)
            break
    if rest:
        return None
    return {"amount": amount, "upper": upper, "unit_text": unit_text or None, "unit": unit}


def parse_value(text: str, unit_text: str | None = None) -> ParsedValue:
    """Read a printed value; ``unit_text`` is the unit printed for its row (used when the value
    prints none). A value that is neither a number, a non-numeric target nor a placeholder (a
    sentence, a ratio "16.6:47.6:35.8") reads with nothing but its text."""
    rules = value_rules()
    body = _nfkc(text).replace("−", "-")
    if not body or body in rules.placeholders:
        return ParsedValue(text, placeholder=True)
    for note in rules.notes:
        body = note.sub("", body)
    body = _strip_words(body, rules.tails, at_start=False).rstrip(",，;；。")
    cumulative = False
    for opening, closing in rules.brackets:
        if body.startswith(opening) and body.endswith(closing) and len(body) > 2:
            body, cumulative = body[1:-1], True
            break
    if body in rules.placeholders:
        return ParsedValue(text, placeholder=True, cumulative=cumulative)
    worded = body  # the forms are read from the whole wording (达到国家要求)
    estimate = False
    for mark in rules.estimate:
        if body.endswith(mark) and len(body) > len(mark):
            body, estimate = body[: -len(mark)], True
            break
    body = _strip_words(body, rules.noise, at_start=True)
    body, before = _take(body, rules.before, at_start=True)
    body = _strip_words(body, rules.noise, at_start=True)
    body, after = _take(body, rules.after, at_start=False)
    reading = _numeric(body, rules)
    row_unit = unit_table.unit_for(unit_text) if unit_text else None
    if reading is not None:
        unit = reading["unit"] or row_unit
        return ParsedValue(
            text,
            amount=reading["amount"],
            upper=reading["upper"],
            unit=unit,
            unit_text=reading["unit_text"] or unit_text or None,
            qualifier=before or after,
            cumulative=cumulative,
            estimate=estimate,
        )
    if re.search(r"\d", body):
        return ParsedValue(text, qualifier=before or after, cumulative=cumulative)
    form = next((name for pattern, name in rules.forms if pattern.search(worded)), None)
    return ParsedValue(text, qualifier=before, form=form, cumulative=cumulative)


def parse_growth(text: str, row_unit: str | None = None, row_is_change: bool = False) -> ParsedValue:
    """Read a growth column ("7%", "[5.8]", "7.5%左右"): unbracketed, a number without a unit is
    the average annual growth in percent; bracketed, a change over the plan period in the row's
    unit: percentage points for a row in % (城镇化率 [5.8]), percent for a row that is itself a
    rate of change (``row_is_change``: 单位地区生产总值能源消耗下降率 [14])."""
    parsed = parse_value(text)
    if parsed.amount is None or parsed.unit is not None:
        return parsed
    percent = unit_table.units().get("percent")
    if not parsed.cumulative:
        unit_text = "%"
    elif row_unit and unit_table.unit_for(row_unit) is percent and not row_is_change:
        unit_text = "百分点"
    else:
        unit_text = row_unit or ""
    unit = unit_table.unit_for(unit_text)
    return replace(parsed, unit=unit, unit_text=unit_text or None)


def tidy(amount: Decimal) -> Decimal:
    """A decimal without trailing zeros or an exponent (47000, not 4.70E+4)."""
    text = format(amount.normalize(), "f")
    return Decimal(text)
