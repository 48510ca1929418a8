"""Amounts a plan prints for a project: its investment (投资20亿元, 总投资约437亿元) and its
capacity (30万吨, 500kV), as numbers in their unit with the multipliers applied, and the text as
printed. The words are in ``rules/amounts.toml``."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from ..model import Amount, Evidence
from .lexicon import rules

_RULES = rules("amounts")
_INVESTMENT = _RULES.regex("investment")
_QUANTITY = _RULES.regex("quantity")
_QUANTITY_IN_UNIT = _RULES.regex("quantity_in_unit")
_FACTOR = {word: Decimal(label) for word, label in _RULES.label_of("multipliers").items()}


def _number(digits: str, multipliers: str) -> Decimal | None:
    try:
        value = Decimal(unicodedata.normalize("NFKC", digits).replace("．", "."))
    except InvalidOperation:
        return None
    for ch in multipliers:
        value *= _FACTOR[ch]
    return Decimal(format(value, "f"))  # plain digits: an xsd:decimal has no exponent


def investments(text: str) -> list[tuple[int, int, Decimal, str]]:
    """Every investment printed in ``text``: (start, end, value, unit), offsets of the whole phrase
    (总投资约20亿元)."""
    out = []
    for m in _INVESTMENT.finditer(text):
        value = _number(m.group(1), m.group(2))
        if value is not None:
            out.append((m.start(), m.end(), value, m.group(3)))
    return out


def investment_amount(text: str, start: int, end: int, evidence: Evidence) -> Amount | None:
    """The investment printed at ``text[start:end]`` (one phrase of ``investments``)."""
    for s, e, value, unit in investments(text[start:end]):
        printed = re.sub(r"^\D*", "", text[start + s : start + e])  # the amount, not its cue
        return Amount(printed, value, unit, evidence)
    return None


def quantity_amount(printed: str, evidence: Evidence) -> Amount | None:
    """A capacity as printed (``30 万吨``, ``500kV``) as a number in its unit."""
    m = _QUANTITY_IN_UNIT.search(printed.strip()) or _QUANTITY.search(printed.strip())
    if m is None:
        return None
    value = _number(m.group(1), m.group(2))
    return Amount(printed.strip(), value, m.group(3), evidence) if value is not None else None
