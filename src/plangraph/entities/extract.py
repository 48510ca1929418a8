"""The entity stage: places, industries set as goals, parks and projects of one document.

``extract_entities(doc)`` fills ``doc.entities``. It walks the document's blocks once to know, for
every block, the division it belongs to and the box (if any) it is part of; the three extractors
(``industries``, ``parks``, ``projects``) read blocks through that context, so every relation they
find carries the sentence (or box line) it was read from as ``Evidence``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Graph

from ..model import Evidence, IndustryGoal, ParsedDocument, Span
from . import industries as ind
from .common import DocumentContext, document_context
from .parks import extract_parks
from .projects import extract_projects, is_project_box

# --- industries ------------------------------------------------------------------------------


def extract_industry_goals(ctx: DocumentContext) -> list[IndustryGoal]:
    """Industries the document sets as goals: in its sentences, box titles and box group labels.
    One goal per (industry, division), at its first mention there."""
    goals: list[IndustryGoal] = []
    seen: set[tuple[str, int | None]] = set()

    strip_place = _place_prefix_stripper(ctx)

    def add(name: str, span: Span, line: int, division: int | None) -> None:
        name, span = strip_place(name, span)
        concept = ind.concept_for(name)
        ctx.industry_labels.setdefault(concept, ind.display_name(name))
        if (concept, division) in seen:
            return
        seen.add((concept, division))
        goals.append(IndustryGoal(ind.display_name(name), concept, span, line, division))

    for bc in ctx.blocks:
        if bc.box is not None and bc.box.kind == "indicators":
            continue
        for mention in ind.find_goal_industries(bc.block.text):
            add(mention.name, bc.block.span.slice(mention.start, mention.end), bc.block.line, bc.division)
    for division in ctx.doc.divisions:
        # "第五章 加快发展现代服务业 塑造“辽阳服务”品牌": a heading sets the goal of its part; the
        # space between its phrases separates them as a comma would.
        title = re.sub(r"\s", "，", division.title.strip())  # one for one: offsets hold
        offset = division.span.text.find(division.title.strip()) if division.span else -1
        for mention in ind.find_goal_industries(title):
            span = (
                division.span.slice(offset + mention.start, offset + mention.end)
                if offset >= 0
                else division.span
            )
            add(mention.name, span, division.line, division.order)
    for box in ctx.doc.boxes:
        if not is_project_box(box):
            continue
        name = ind.industry_from_title(box.title)
        if name:
            add(name, _sub_span(box.span, name), box.line, box.division)
        for item in box.items:
            group_name = ind.industry_from_title(item.group) if item.group else None
            if group_name:
                add(group_name, item.span, item.line, box.division)
    return goals


def _place_prefix_stripper(ctx: DocumentContext):
    """A function that takes a leading place name off an industry the scheme does not know
    ("辽阳消费品工业" -> "消费品工业"): the place is where the industry is, not a kind of it."""
    try:
        from .places import find_places
        from .regions import Gazetteer

        gazetteer = Gazetteer.load()
    except Exception:  # no gazetteer: names are kept as printed
        return lambda name, span: (name, span)
    context = gazetteer.context_for(ctx.region_code) if ctx.region_code else []

    def strip(name: str, span: Span) -> tuple[str, Span]:
        if ind.resolve_industry(name):
            return name, span
        for start, end, _ in find_places(name, context, gazetteer):
            rest = name[end:]
            if start == 0 and len(rest) >= 2 and ind.looks_like_industry(rest, lenient=True):
                found = span.find(rest)
                return rest, (span.slice(found, found + len(rest)) if found >= 0 else span)
        return name, span

    return strip


def _sub_span(span: Span, text: str) -> Span:
    found = span.sub_span(text)
    return found if found is not None else span


# --- the stage -------------------------------------------------------------------------------


def _places(doc: ParsedDocument) -> list:
    try:
        from .places import extract_places
    except ImportError:  # the places extractor is optional for this stage
        return []
    return extract_places(doc)


def extract_entities(doc: ParsedDocument) -> None:
    """Fill ``doc.entities`` (places, industries, parks, projects) from the parsed document."""
    doc.entities.places = _places(doc)
    ctx = document_context(doc)
    doc.entities.industries = extract_industry_goals(ctx)
    doc.entities.parks = extract_parks(ctx)
    doc.entities.projects = extract_projects(ctx, doc.entities.parks)
    labels = {g.concept: g.name for g in reversed(doc.entities.industries)}
    labels.update({k: v for k, v in ctx.industry_labels.items() if k not in labels})
    doc.entities.industry_labels = labels


def candidate_industries(docs: Iterable[ParsedDocument]) -> list[tuple[str, str]]:
    """(candidate key, label) of every industry the documents use that the scheme lacks."""
    pairs: list[tuple[str, str]] = []
    for doc in docs:
        for goal in doc.entities.industries:
            pairs.append((goal.concept, goal.name))
        for key, label in getattr(doc.entities, "industry_labels", {}).items():
            pairs.append((key, label))
    return [(k, label) for k, label in pairs if not ind.is_curated(k)]


def candidates_graph(docs: Iterable[ParsedDocument]) -> Graph:
    return ind.candidate_concepts_graph(candidate_industries(docs))


__all__ = ["Evidence", "candidate_industries", "extract_entities", "extract_industry_goals"]
