"""Targets stated in sentences: "今年…主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%…".

Work reports give their yearly targets in prose, and plans state some of theirs in sentences; both
become :class:`~plangraph.model.StatedTarget` records (then ``pg:StatedTarget`` observations of
the year they are for, with the clause as evidence). The phrasing is data
(``reference/target_phrases.tsv``): a trigger introduces a list of targets, items are NAME [VERB]
VALUE, a verb of change stays with the name (地区生产总值增长 is the indicator, 6%左右 its value),
分别 distributes figures over the parts of a name (城乡 -> 城镇, 农村).

Precision first: outside a trigger's list only an explicit year ahead ("到2025年，…") introduces
targets, and then only of indicators the scheme knows; inside a list an unknown indicator needs a
numeric value, and a target that is no number (与经济增长同步) a known indicator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import indicators
from . import units as unit_table
from .model import Block, ParsedDocument, StatedTarget
from .reftables import read_table, table_path
from .values import value_rules

PHRASES_TABLE = "target_phrases.tsv"

#: The sentence ends (a list of targets runs to one of these).
_SENTENCE_END = "。！？!?"
#: Item separators inside a list.
_ITEM_SEP = re.compile(r"[，,；;]")
_NUMBER = re.compile(r"[+\-−]?\d+(?:\.\d+)?")
#: How much of the paragraphs before a list is read for its trigger and year (web pages break
#: "“十五五”时期经济社会发展的 / 主要目标 / 是：…" over three lines).
_CONTEXT_CHARS = 80


@dataclass(frozen=True, eq=False)
class TargetPhrases:
    trigger: re.Pattern[str]
    ahead: re.Pattern[str]
    year: re.Pattern[str]
    plan: re.Pattern[str]
    lead: tuple[str, ...]
    change: tuple[str, ...]
    adverb: tuple[str, ...]
    level: tuple[str, ...]
    tail: tuple[str, ...]
    split: tuple[tuple[str, tuple[str, ...]], ...]
    list_marks: tuple[str, ...]
    form: re.Pattern[str]


def _longest(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=4)
def _phrases_at(path: Path) -> TargetPhrases:
    patterns: dict[str, re.Pattern[str]] = {}
    words: dict[str, list[str]] = {k: [] for k in ("lead", "change", "adverb", "level", "tail", "list")}
    split: list[tuple[str, tuple[str, ...]]] = []
    for rec in read_table(path, 3):
        kind = rec.cell(0)
        if kind.endswith("-pattern"):
            try:
                patterns[kind.removesuffix("-pattern")] = re.compile(rec.cell(1))
            except re.error as err:
                raise rec.error(f"bad pattern: {err}") from None
        elif kind == "split":
            parts = rec.items(2)
            split += [(whole, parts) for whole in rec.items(1)]
        elif kind in words:
            words[kind] += rec.items(1)
        else:
            raise rec.error(f"unknown kind {kind!r}")
    missing = {"trigger", "ahead", "year", "plan", "form"} - set(patterns)
    if missing:
        raise ValueError(f"{path.name}: no {', '.join(sorted(missing))} pattern")
    return TargetPhrases(
        trigger=patterns["trigger"],
        ahead=patterns["ahead"],
        year=patterns["year"],
        plan=patterns["plan"],
        lead=_longest(words["lead"]),
        change=_longest(words["change"]),
        adverb=_longest(words["adverb"]),
        level=_longest(words["level"]),
        tail=_longest(words["tail"]),
        split=tuple(sorted(split, key=lambda p: -len(p[0]))),
        list_marks=_longest(words["list"]),
        form=patterns["form"],
    )


def target_phrases() -> TargetPhrases:
    return _phrases_at(table_path(PHRASES_TABLE))


# --- one item --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemTarget:
    """A target read from one item of a list: offsets are into the item's text."""

    indicator: str
    indicator_start: int
    indicator_end: int
    value: str
    value_start: int
    value_end: int
    shared_name: bool = False  # one of a 分别 list: the printed name is the list's, not this one's
    printed: bool = True  # the indicator is printed as such (not 地区生产总值按增长 read as …增长)


def _plan_end(numeral: str) -> int | None:
    """十五 -> 2030: the last year of the n-th five-year plan (from the third, 1966-1970, on the
    plans follow each other every five years)."""
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if numeral == "十":
        n = 10
    elif numeral.startswith("十") and len(numeral) == 2 and numeral[1] in digits:
        n = 10 + digits[numeral[1]]
    else:
        return None
    return 1955 + 5 * n


def _strip_lead(text: str, start: int, phrases: TargetPhrases) -> int:
    changed = True
    while changed:
        changed = False
        for word in phrases.lead:
            if text.startswith(word, start) and len(text) - start > len(word) + 1:
                start, changed = start + len(word), True
                break
    return start


def _value_end(text: str, start: int) -> int | None:
    """Where a value that starts at ``start`` (a qualifier word or a number) ends: number, unit,
    range, qualifier after; None when no number starts the value there."""
    rules = value_rules()
    pos = start
    for word, _ in rules.before:
        if text.startswith(word, pos):
            pos += len(word)
            break
    number = _NUMBER.match(text, pos)
    if number is None:
        return None
    pos = number.end()
    unit = unit_table.unit_at(text, pos)
    if unit is not None:
        pos = unit[1]
    for mark in rules.range_marks:
        second = _NUMBER.match(text, pos + len(mark)) if text.startswith(mark, pos) else None
        if second:
            pos = second.end()
            unit = unit_table.unit_at(text, pos)
            if unit is not None:
                pos = unit[1]
            break
    for word, _ in rules.after:
        if text.startswith(word, pos):
            pos += len(word)
            break
    return pos


def _is_date(text: str, start: int, end: int) -> bool:
    """2025年, 1月27日: a date, not a value."""
    figure = text[start:end]
    return bool(re.fullmatch(r"(19|20)\d\d年|\d{1,2}月|\d{1,2}日", figure))


def _split_verb(head: str, phrases: TargetPhrases) -> tuple[str, str, bool]:
    """(name, verb, the verb is a change) for the text before a value; an adverb between the name
    and a verb of change (按增长5%安排, 同口径增长) is neither."""
    head = head.rstrip()
    for verb in phrases.level:
        if head.endswith(verb) and len(head) > len(verb):
            name, verb_text = head[: -len(verb)], verb
            for change in phrases.change:  # 增长达到: the change is named, the level verb is not
                if name.endswith(change) and len(name) > len(change):
                    return name[: -len(change)], change, True
            return name, verb_text, False
    for verb in phrases.change:
        if head.endswith(verb) and len(head) > len(verb):
            name = head[: -len(verb)].rstrip()
            for adverb in phrases.adverb:
                if name.endswith(adverb) and len(name) > len(adverb) + 1:
                    name = name[: -len(adverb)]
                    break
            return name, verb, True
    return head, "", False


def _name_ok(name: str, known_only: bool) -> bool:
    """A name that can be an indicator: Chinese, two characters or more, and no figures unless
    the scheme knows it (每千人口拥有3岁以下婴幼儿托位数, PM2.5)."""
    if len(name) < 2 or not re.search(r"[\u4e00-\u9fff]", name) or re.search(r"[，,；;。：:“”]", name):
        return False
    known = indicators.resolve(name) is not None
    if known_only or re.search(r"\d", name):
        return known
    return True


def other_subject(name: str) -> bool:
    """A known indicator of someone else: 深汕特别合作区常住人口 is 常住人口, of another place than
    the document's (a prefix of two characters or more before a name of the scheme)."""
    return indicators.resolve(name) is None and any(
        indicators.resolve(name[i:]) is not None for i in range(2, len(name) - 1)
    )


def _rest_ok(rest: str, phrases: TargetPhrases) -> bool:
    rest = rest.strip(" 、")
    return not rest or any(rest == t or rest.startswith(t) for t in phrases.tail)


def read_item(text: str, known_only: bool) -> list[ItemTarget]:
    """The targets of one item of a list (several for 分别), [] when it is none."""
    phrases = target_phrases()
    start = _strip_lead(text, 0, phrases)
    if "分别" in text[start:]:
        return _read_respectively(text, start, known_only, phrases)
    for match in _NUMBER.finditer(text, start):
        value_start = match.start()
        for word, _ in value_rules().before:  # a qualifier before the number belongs to the value
            if text.endswith(word, start, value_start):
                value_start -= len(word)
                break
        end = _value_end(text, value_start)
        if end is None or _is_date(text, match.start(), end):
            continue
        if not _rest_ok(text[end:], phrases):
            continue
        found = _named(text, start, value_start, end, known_only, phrases)
        if found is not None:
            return [found]
    form = phrases.form.search(text, start)
    if form is not None and _rest_ok(text[form.end() :], phrases):
        found = _named(text, start, form.start(), form.end(), True, phrases)
        if found is not None:
            return [found]
    return []


def _named(
    text: str, start: int, value_start: int, value_end: int, known_only: bool, phrases: TargetPhrases
) -> ItemTarget | None:
    name, verb, is_change = _split_verb(text[start:value_start], phrases)
    indicator = name + verb if is_change else name
    if not _name_ok(name, known_only) or not _name_ok(indicator, known_only):
        return None
    printed = text.startswith(indicator, start)
    return ItemTarget(
        indicator,
        start,
        start + len(indicator),
        text[value_start:value_end],
        value_start,
        value_end,
        printed=printed,
    )


def _read_respectively(text: str, start: int, known_only: bool, phrases: TargetPhrases) -> list[ItemTarget]:
    """NAME分别VERB V1、V2(和V3): NAME's parts (城乡 -> 城镇, 农村) each with their figure."""
    at = text.index("分别", start)
    head, tail = text[start:at], text[at + 2 :]
    verb = next((v for v in (*phrases.change, *phrases.level) if tail.startswith(v)), "")
    is_change = verb in phrases.change
    figures = tail[len(verb) :]
    pieces = (
        re.split("|".join(re.escape(m) for m in phrases.list_marks), figures)
        if phrases.list_marks
        else [figures]
    )
    split = next(((whole, parts) for whole, parts in phrases.split if whole in head), None)
    if split is None or len(split[1]) != len(pieces):
        return []
    whole, parts = split
    found = []
    offset = at + 2 + len(verb)
    for part, piece in zip(parts, pieces, strict=True):
        if _value_end(piece, 0) != len(piece):
            return []
        name = head.replace(whole, part, 1)
        indicator = name + verb if is_change else name
        if not _name_ok(indicator, known_only):
            return []
        piece_at = text.index(piece, offset)
        offset = piece_at + len(piece)
        # the printed name is shared: its span is the whole head
        found.append(
            ItemTarget(
                indicator, start, at, piece, piece_at, piece_at + len(piece), shared_name=True, printed=False
            )
        )
    return found


# --- a document ------------------------------------------------------------------------------


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            yield start, i + 1
            start = i + 1
    if start < len(text):
        yield start, len(text)


def _default_year(doc: ParsedDocument) -> int | None:
    meta = doc.metadata
    if meta.doc_type == "government-work-report" and meta.report_year:
        return meta.report_year + 1  # delivered the year after the one it reviews
    return meta.period_end


def _list_year(before: str, doc: ParsedDocument, phrases: TargetPhrases) -> int | None:
    years = list(phrases.year.finditer(before))
    if years:
        return int(years[-1].group(1))
    plans = list(phrases.plan.finditer(before))
    if plans:
        end = _plan_end(plans[-1].group(1))
        if end:
            return end
    return _default_year(doc)


def _items(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for match in _ITEM_SEP.finditer(text, start, end):
        yield pos, match.start()
        pos = match.end()
    if pos < end:
        yield pos, end


def _from_items(
    block: Block, start: int, end: int, year: int, known_only: bool
) -> tuple[list[StatedTarget], bool]:
    """The targets of the items between ``start`` and ``end``, and whether the first item is one."""
    text = block.text
    found: list[StatedTarget] = []
    first_is_target = False
    for number, (a, b) in enumerate(_items(text, start, end)):
        item = text[a:b].rstrip(_SENTENCE_END)
        stripped = item.strip()
        base = a + len(item) - len(item.lstrip())
        targets = read_item(stripped, known_only=False)
        if any(other_subject(t.indicator) for t in targets):
            if known_only:
                break  # the sentence has turned to another place: 到2030年，深汕特别合作区…
            continue
        if known_only:
            targets = [t for t in targets if indicators.resolve(t.indicator) is not None]
        if number == 0:
            first_is_target = bool(targets)
        for t in targets:
            # evidence: the clause; for one figure of a 分别 list, from the name to that figure
            clause = (
                (base + t.indicator_start, base + t.value_end)
                if t.shared_name
                else (base, base + len(stripped))
            )
            # the name's own mention, where the indicator is printed as such
            printed = (
                block.span.slice(base + t.indicator_start, base + t.indicator_end) if t.printed else None
            )
            found.append(
                StatedTarget(
                    indicator=t.indicator,
                    value_text=t.value,
                    year=year,
                    span=block.span.slice(*clause),
                    line=block.line,
                    indicator_span=printed,
                )
            )
    return found, first_is_target


def find_targets(doc: ParsedDocument) -> list[StatedTarget]:
    """Every target the document states in sentences, in text order, each once."""
    phrases = target_phrases()
    found: list[StatedTarget] = []
    previous = ""  # the end of the paragraphs before: a trigger's words may end there
    for block in doc.text.blocks:
        found += _from_block(block, doc, phrases, previous)
        previous = (previous + block.text)[-_CONTEXT_CHARS:]
    seen: set[tuple[int, int, str]] = set()
    unique = []
    for t in found:
        key = (t.span.start, t.span.end, t.indicator)
        if key not in seen:
            seen.add(key)
            unique.append(t)
    return unique


def _from_block(
    block: Block, doc: ParsedDocument, phrases: TargetPhrases, previous: str
) -> list[StatedTarget]:
    text = block.text
    found: list[StatedTarget] = []
    sentences = list(_sentences(text))
    index = 0
    while index < len(sentences):
        s, e = sentences[index]
        index += 1
        trigger = phrases.trigger.search(text, s, e)
        if trigger is None and index == 1 and re.match(r"\s*(是|为)\s*[:：]", text[s:e]):
            # the trigger's words ended the line before: "…主要预期目标\n是：…"
            if re.search(r"目标(任务)?\s*$", previous):
                trigger = re.match(r"\s*(是|为)\s*[:：]", text[s:e])
                before = previous
            else:
                before = ""
        else:
            before = text[s : trigger.start()] if trigger else ""
        if trigger is not None:
            year = _list_year(before, doc, phrases)
            if year is None:
                continue
            start = trigger.end() if trigger.re is phrases.trigger else s + trigger.end()
            targets, _ = _from_items(block, start, e, year, known_only=False)
            found += targets
            # the list goes on in the next sentences while they are made of targets
            while index < len(sentences) and targets:
                s, e = sentences[index]
                targets, first = _from_items(block, s, e, year, known_only=False)
                if not first:
                    break
                found += targets
                index += 1
            continue
        ahead = phrases.ahead.search(text, s, e)
        if ahead is not None:
            year = int(ahead.group(1))
            if _ahead_is_future(year, doc):
                targets, _ = _from_items(block, ahead.end(), e, year, known_only=True)
                found += targets
    return found


def _ahead_is_future(year: int, doc: ParsedDocument) -> bool:
    """到2025年 sets a target when 2025 is not before the document's own years."""
    meta = doc.metadata
    first = meta.period_start or (meta.report_year + 1 if meta.report_year else None)
    return first is not None and year >= first
