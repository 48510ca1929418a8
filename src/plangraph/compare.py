"""Compare plans: industries added and dropped between two plans, and their indicator targets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from .reading.display import text_table
from .reading.names import resolve_document
from .reading.nodes import NodeRef, describe
from .reading.sparql import select_rows
from .reading.terms import iri_ref, local_name

#: Cells that only mark an empty place in a table.
_PLACEHOLDER = " \t—–-－―*＊/／…"


@dataclass
class TargetValue:
    year: str | None
    text: str
    value: Decimal | None
    kind: str

    @property
    def is_set(self) -> bool:
        """A target the plan actually sets: not a baseline, and not a placeholder like "—"."""
        return self.kind == "Target" and bool(self.text.strip(_PLACEHOLDER))

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "text": self.text,
            "value": _decimal_text(self.value),
            "kind": self.kind,
        }


@dataclass
class IndicatorChange:
    indicator: NodeRef
    unit_a: str | None
    unit_b: str | None
    a: TargetValue
    b: TargetValue

    @property
    def unit(self) -> str | None:
        if self.unit_a and self.unit_b and self.unit_a != self.unit_b:
            return f"{self.unit_a} / {self.unit_b}"
        return self.unit_a or self.unit_b

    @property
    def change(self) -> Decimal | None:
        """B minus A, when both are numbers in the same unit (亿立方米 vs 万立方米 do not subtract)."""
        if self.a.value is None or self.b.value is None:
            return None
        if self.unit_a and self.unit_b and self.unit_a != self.unit_b:
            return None
        return self.b.value - self.a.value

    def to_json(self) -> dict:
        return {
            **self.indicator.to_json(),
            "unit": self.unit,
            "unit_a": self.unit_a,
            "unit_b": self.unit_b,
            "a": self.a.to_json(),
            "b": self.b.to_json(),
            "change": _decimal_text(self.change),
        }


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


@dataclass
class Comparison:
    plan_a: NodeRef
    plan_b: NodeRef
    industries_added: list[NodeRef]
    industries_dropped: list[NodeRef]
    industries_kept: list[NodeRef]
    indicators: list[IndicatorChange]
    indicators_only_a: list[NodeRef]
    indicators_only_b: list[NodeRef]

    def to_json(self) -> dict:
        def refs(items: list[NodeRef]) -> list[dict]:
            return [r.to_json() for r in items]

        return {
            "plan_a": self.plan_a.to_json(),
            "plan_b": self.plan_b.to_json(),
            "industries": {
                "added": refs(self.industries_added),
                "dropped": refs(self.industries_dropped),
                "kept": refs(self.industries_kept),
            },
            "indicators": [c.to_json() for c in self.indicators],
            "indicators_only_a": refs(self.indicators_only_a),
            "indicators_only_b": refs(self.indicators_only_b),
        }

    def format_table(self) -> str:
        def names(items: list[NodeRef]) -> str:
            return "、".join(r.label for r in items) or "—"

        lines = [
            f"A: {self.plan_a.label}",
            f"B: {self.plan_b.label}",
            "",
            f"industries added in B   ({len(self.industries_added)}): {names(self.industries_added)}",
            f"industries dropped in B ({len(self.industries_dropped)}): {names(self.industries_dropped)}",
            f"industries in both      ({len(self.industries_kept)}): {names(self.industries_kept)}",
            "",
            f"indicators with a target in both plans ({len(self.indicators)}):",
        ]
        table = [("indicator", "unit", "A target", "B target", "change")]
        for c in self.indicators:
            a = f"{c.a.text} ({c.a.year})" if c.a.year else c.a.text
            b = f"{c.b.text} ({c.b.year})" if c.b.year else c.b.text
            table.append((c.indicator.label, c.unit or "", a, b, _decimal_text(c.change) or ""))
        lines += text_table(table)
        lines += [
            "",
            f"indicators only in A ({len(self.indicators_only_a)}): {names(self.indicators_only_a)}",
            f"indicators only in B ({len(self.indicators_only_b)}): {names(self.indicators_only_b)}",
        ]
        return "\n".join(lines)


def _plan_industries(store: ox.Store, doc: str) -> set[str]:
    d = iri_ref(doc)
    rows = select_rows(
        store,
        f"""SELECT DISTINCT ?i WHERE {{
              {{ {d} pg:promotesIndustry ?i }} UNION {{ ?x pg:document {d} ; pg:promotesIndustry ?i }} }}""",
    )
    return {i for (i,) in rows if isinstance(i, str)}


def _plan_targets(store: ox.Store, doc: str) -> dict[str, tuple[TargetValue, str | None]]:
    """Indicator -> (its target in this plan, unit). The latest target year wins; the table
    order breaks ties. Indicators with observations but no target get their latest value."""
    d = iri_ref(doc)
    rows = select_rows(
        store,
        # within the plan's own named graph: an indicator node is shared by every plan that
        # sets it, and each plan prints its own unit
        f"""SELECT ?i ?year ?text ?value ?kind ?unit ?o WHERE {{ GRAPH ?g {{
              {{ ?o pg:document {d} }} UNION {{ ?o pg:table/pg:document {d} }}
              ?o a pg:Observation ; pg:indicator ?i .
              OPTIONAL {{ ?o pg:year ?year }} OPTIONAL {{ ?o pg:valueText ?text }}
              OPTIONAL {{ ?o pg:value ?value }} OPTIONAL {{ ?o pg:valueKind ?kind }}
              OPTIONAL {{ ?i pg:unit ?unit }} }} }}""",
    )
    best: dict[str, tuple[tuple, TargetValue, str | None]] = {}
    for ind, year, text, value, kind, unit, obs in rows:
        kind_name = local_name(kind) if isinstance(kind, str) else ""
        number = None
        if value is not None:
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                number = None
        key = (kind_name == "Target", str(year or ""), str(obs))
        target = TargetValue(str(year) if year else None, str(text or value or ""), number, kind_name)
        if ind not in best or key > best[ind][0]:
            best[ind] = (key, target, unit)
    return {ind: (t, unit) for ind, (_, t, unit) in best.items()}


def compare_plans(store: ox.Store, plan_a: str, plan_b: str) -> Comparison:
    """Industries added and dropped between two plans, and the indicators both set targets for
    with the change in target (B minus A, when both are numbers)."""
    doc_a, doc_b = resolve_document(store, plan_a), resolve_document(store, plan_b)
    inds_a, inds_b = _plan_industries(store, doc_a), _plan_industries(store, doc_b)
    targets_a, targets_b = _plan_targets(store, doc_a), _plan_targets(store, doc_b)
    refs = describe(store, {doc_a, doc_b} | inds_a | inds_b | set(targets_a) | set(targets_b))

    def sorted_refs(iris: Iterable[str]) -> list[NodeRef]:
        return sorted((refs[i] for i in iris), key=lambda r: (r.label, r.iri))

    both = []
    for ind in sorted(set(targets_a) & set(targets_b), key=lambda i: refs[i].label):
        (ta, unit_a), (tb, unit_b) = targets_a[ind], targets_b[ind]
        if ta.is_set and tb.is_set:
            both.append(IndicatorChange(refs[ind], unit_a, unit_b, ta, tb))
    set_in_both = {c.indicator.iri for c in both}
    only_a = [i for i, (t, _) in targets_a.items() if t.is_set and i not in set_in_both]
    only_b = [i for i, (t, _) in targets_b.items() if t.is_set and i not in set_in_both]
    return Comparison(
        plan_a=refs[doc_a],
        plan_b=refs[doc_b],
        industries_added=sorted_refs(inds_b - inds_a),
        industries_dropped=sorted_refs(inds_a - inds_b),
        industries_kept=sorted_refs(inds_a & inds_b),
        indicators=both,
        indicators_only_a=sorted_refs(only_a),
        indicators_only_b=sorted_refs(only_b),
    )
