"""Administrative places named in plan text, resolved to gazetteer regions.

Matching is deliberately conservative, because plan text is full of words that happen to be place
names (合作, 开发, 建设): full official names match anywhere; short names (营口, 鲅鱼圈, 佟二堡) come
from the gazetteer only when they are safe words, and resolve only when unambiguous or placed by the
document's context (its jurisdiction and ancestors); towns resolve only inside that context. At each
position the longest resolvable name wins, and a name whose last character starts an ordinary word
(营口市场, 城镇化) falls back to a shorter reading.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from plangraph.entities.regions import COUNTY_LEVELS, NATURAL_FEATURE_ENDINGS, TOWN_LEVELS, Gazetteer
from plangraph.model import ParsedDocument, Place, Region
from plangraph.settings import get_settings

from .lexicon import rules
from .segment import PROPER_NOUN_TAGS, cuts_a_word, inside_longer_word, tokens

_RULES = rules("places")
#: A region name's last character and the next character forming an ordinary word: the name is not
#: meant there (西市|场 is 城西市场, a market; 新城镇|化 is 城镇化).
WORD_AFTER_NAME = frozenset(_RULES.words("word_after_name"))
#: A short name directly followed by these names a planning region (沈阳经济区) or a street or
#: housing estate named after the place (徐州街, 朝阳小区), not the place.
NOT_THE_PLACE_AFTER = _RULES.words("not_the_place_after")
#: A county's or town's short name followed by these names a river, lake or mountain after it.
FEATURE_AFTER_NAME = _RULES.words("feature_after_name")
LOCAL_LEVELS = COUNTY_LEVELS | TOWN_LEVELS
#: What separates the items of a list of places, and what may follow the last item.
LIST_SEPARATOR = "、"
ITEM_END = frozenset("、，,。；;：:）)" + "".join(_RULES.words("list_end_words")))
#: How far before/after a short name to look for a longer word that holds it (入海口, 长白山).
HOLDING_REACH = 4
#: Levels that can stand for a whole document's jurisdiction when metadata gives none.
JURISDICTION_LEVELS = frozenset({"Province", "PrefectureCity"}) | COUNTY_LEVELS
#: How many leading blocks may name the jurisdiction when metadata gives none (title block).
TITLE_BLOCKS = 5


@dataclass(frozen=True)
class _Matcher:
    """Every printed form, looked up by its first two characters (names are 2+ characters)."""

    lengths: dict[str, tuple[int, ...]]  # first two characters -> name lengths, longest first
    names: frozenset[str]
    longest: int


@lru_cache(maxsize=4)
def _matcher(gazetteer: Gazetteer) -> _Matcher:
    by_prefix: dict[str, set[int]] = defaultdict(set)
    names = [n for n in gazetteer.names() if len(n) >= 2]
    for name in names:
        by_prefix[name[:2]].add(len(name))
    return _Matcher(
        lengths={p: tuple(sorted(ls, reverse=True)) for p, ls in by_prefix.items()},
        names=frozenset(names),
        longest=max(map(len, names), default=0),
    )


def find_places(
    text: str, context: Sequence[str], gazetteer: Gazetteer | None = None
) -> list[tuple[int, int, Region]]:
    """Regions named in ``text`` as (start, end, region), character offsets into ``text``.

    ``context``: region codes, most specific first (the document's jurisdiction, then its
    ancestors). A place printed directly before another (沈阳市和平区) is put in front of the
    context for the second one.
    """
    gazetteer = gazetteer or Gazetteer.load()
    matcher = _matcher(gazetteer)
    found: list[tuple[int, int, Region]] = []
    i, n = 0, len(text)
    while i < n - 1:
        lengths = matcher.lengths.get(text[i : i + 2], ())
        after_place = bool(found) and found[-1][1] == i
        local = [found[-1][2].code] if after_place else []
        hit = _longest_at(text, i, lengths, matcher, gazetteer, [*local, *context], after_place)
        if hit is None:
            i += 1
            continue
        found.append((i, i + len(hit[0]), hit[1]))
        i += len(hit[0])
    return _add_list_items(text, found, matcher, gazetteer, context)


def _add_list_items(
    text: str,
    found: list[tuple[int, int, Region]],
    matcher: _Matcher,
    gazetteer: Gazetteer,
    context: Sequence[str],
) -> list[tuple[int, int, Region]]:
    """Add towns printed by a short name that is also a word (万福, 九寨), where a list shows them:
    the item next to them across a 、 is a place found already (双台、万福、九寨等特色小镇)."""
    spans = sorted(found)
    grown = True
    while grown:
        grown = False
        starts, ends = {s for s, _, _ in spans}, {e for _, e, _ in spans}
        for start, end, _ in list(spans):
            after = _list_item_after(text, end, matcher, gazetteer, context) if end not in starts else None
            before = (
                _list_item_before(text, start, matcher, gazetteer, context) if start not in ends else None
            )
            for item in (after, before):
                if item is not None and item[2].level in TOWN_LEVELS and not _closes_on_places(text, item[1]):
                    continue  # a town's or ward's short name that is also a word: only in a list of towns
                if item is not None and not any(s < item[1] and item[0] < e for s, e, _ in spans):
                    spans.append(item)
                    grown = True
        spans.sort()
    return spans


_LIST_PLACE_CLOSERS = _RULES.words("list_place_closers")
_CLAUSE_PUNCTUATION = re.compile(r"[，。；：,;:！？!?]")


def _closes_on_places(text: str, pos: int) -> bool:
    """Whether the rest of the clause after ``pos`` says the list's items are towns or villages."""
    m = _CLAUSE_PUNCTUATION.search(text, pos)
    rest = text[pos : m.start() if m else len(text)]
    return any(word in rest for word in _LIST_PLACE_CLOSERS)


def _list_item_after(
    text: str, end: int, matcher: _Matcher, gazetteer: Gazetteer, context: Sequence[str]
) -> tuple[int, int, Region] | None:
    """A list-only name right after ``、`` at ``end`` that ends the item (、，等 or a number)."""
    if text[end : end + 1] != LIST_SEPARATOR:
        return None
    start = end + 1
    for length in matcher.lengths.get(text[start : start + 2], ()):
        stop = start + length
        if stop <= len(text) and (stop == len(text) or text[stop] in ITEM_END or text[stop].isdigit()):
            region = gazetteer.resolve(text[start:stop], context, list_item=True)
            if region is not None:
                return start, stop, region
    return None


def _list_item_before(
    text: str, start: int, matcher: _Matcher, gazetteer: Gazetteer, context: Sequence[str]
) -> tuple[int, int, Region] | None:
    """A list-only name ending just before the ``、`` in front of ``start``."""
    if start < 1 or text[start - 1] != LIST_SEPARATOR:
        return None
    stop = start - 1
    for length in range(min(matcher.longest, stop), 1, -1):
        name = text[stop - length : stop]
        if name in matcher.names:
            region = gazetteer.resolve(name, context, list_item=True)
            if region is not None:
                return stop - length, stop, region
    return None


def _longest_at(
    text: str,
    i: int,
    lengths: tuple[int, ...],
    matcher: _Matcher,
    gazetteer: Gazetteer,
    context: Sequence[str],
    after_place: bool = False,
) -> tuple[str, Region] | None:
    """The longest name at ``i`` that resolves and is meant as a place there.

    ``after_place``: a place ends at ``i`` (沈阳市|和平区), so the character before is no word's.
    """
    if not after_place and i > 0 and text[i - 1 : i + 1] in gazetteer.boundary_words:
        return None  # 滨海|城市 is not 海城市, 新增|城区 not 增城区, 出海|口 not 海口
    for length in lengths:
        name = text[i : i + length]
        if len(name) < length or name not in matcher.names:
            continue
        if text[i + length - 1 : i + length + 1] in WORD_AFTER_NAME:
            continue
        region = gazetteer.resolve(name, context)
        if region is None:
            continue
        if gazetteer.is_name_of(name, region.code):
            return name, region
        if region.level in LOCAL_LEVELS and text.startswith(FEATURE_AFTER_NAME, i + length):
            continue  # 翠岩|山 is the mountain, 老边|河 the river, not 翠岩镇 or 老边区
        if _short_name_stands_alone(text, i, i + length, region.code, gazetteer):
            return name, region
    return None


def _short_name_stands_alone(text: str, start: int, end: int, code: str, gazetteer: Gazetteer) -> bool:
    """False when the short name's end belongs to another word (新台|阶), a longer word holds it
    (入海口, 长白山, 朝阳产业), or what follows makes it a planning region or a street (沈阳经济区,
    徐州街)."""
    words = gazetteer.boundary_words
    # (a province's or city's name is what the text means far more often than a word across it:
    # 浙江|海龟 is 浙江, not 江海)
    region = gazetteer.get(code)
    big = region is not None and region.level in ("Province", "PrefectureCity")
    if not big and end < len(text) and text[end - 1 : end + 1] in words:
        return False
    for a in range(max(0, start - HOLDING_REACH), start + 1):  # a word holding it: 入海口, 朝阳产业
        for b in range(end, min(len(text), end + HOLDING_REACH) + 1):
            if text[a:b] in words:
                return False
    return not text.startswith(NOT_THE_PLACE_AFTER, end)


def document_context(doc: ParsedDocument, gazetteer: Gazetteer | None = None) -> list[str]:
    """The document's jurisdiction and its ancestors (codes, nearest first).

    From the metadata when it has a known code; else the region its metadata, title or first
    blocks name (辽宁省营口市站前区 -> 站前区); else the city or county the text names most often.
    """
    gazetteer = gazetteer or Gazetteer.load()
    meta = doc.metadata
    if meta.region_code and meta.region_code in gazetteer:
        return gazetteer.context_for(meta.region_code)
    titles = [meta.region_name, meta.title, doc.text.heading_hint]
    titles += [block.text for block in doc.text.blocks[:TITLE_BLOCKS]]
    for title in titles:
        region = _jurisdiction_in(title or "", gazetteer)
        if region is not None:
            return gazetteer.context_for(region.code)
    counts: Counter[str] = Counter()
    for block in doc.text.blocks:
        for _, _, region in find_places(block.text, [], gazetteer):
            if region.level in JURISDICTION_LEVELS and region.level != "Province":
                counts[region.code] += 1
    return gazetteer.context_for(counts.most_common(1)[0][0]) if counts else []


def _jurisdiction_in(text: str, gazetteer: Gazetteer) -> Region | None:
    """The most specific region of a leading run of full names (辽宁省营口市站前区 -> 站前区)."""
    best = None
    for start, end, region in find_places(text, [], gazetteer):
        if region.level not in JURISDICTION_LEVELS or text[start:end] != region.name:
            continue
        if best is not None and best[1] != start:
            break
        best = (region, end)
    return best[0] if best else None


_ORGANISATION_REST = _RULES.regex("organisation_rest")


def _part_of_a_name(text: str, start: int, end: int) -> bool:
    """Whether a short place name is part of another name: inside one word (卧佛山, 大连港) or at
    the start of an organisation's name (南京理工大学, 浙江海龟科技公司)."""
    if inside_longer_word(text, start, end) or cuts_a_word(text, start, end):
        return True
    return bool(_ORGANISATION_REST.match(text, end))


def _a_feature(text: str, start: int, end: int, region: Region) -> bool:
    """A town's short name that ends like a river or a mountain (绕阳河, 首山) names the feature,
    unless it is an item of a list of places (双台、万福、九寨)."""
    if region.level not in TOWN_LEVELS or not text[start:end].endswith(NATURAL_FEATURE_ENDINGS):
        return False
    return LIST_SEPARATOR not in (text[start - 1 : start], text[end : end + 1])


#: The character a village's name ends with, and the longest name (with it) looked up.
VILLAGE_END = _RULES.words("village_end")[0]
VILLAGE_NAME_MAX = 6
_VILLAGE_WORD_AFTER = frozenset(_RULES.words("village_word_after"))
_NOT_VILLAGE_ENDINGS = _RULES.words("not_village_endings")


@lru_cache(maxsize=1)
def _villages() -> dict[str, tuple[str, ...]]:
    """Village name -> the 12-digit codes of the villages so named (``reference/villages.csv.gz``,
    made by ``scripts/make_villages.py``), read once and only when a text names a village."""
    path = get_settings().reference_dir / "villages.csv.gz"
    if not path.exists():
        return {}
    by_name: dict[str, list[str]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        for code, name in reader:
            by_name[name].append(code)
    return {name: tuple(codes) for name, codes in by_name.items()}


def _code_prefix(code: str) -> str:
    """The digits a region's code shares with every code inside it (210700 -> 2107)."""
    while len(code) > 2 and code.endswith("00") and len(code) <= 6:
        code = code[:-2]
    return code


def find_villages(
    text: str, places: list[tuple[int, int, Region]], context: Sequence[str], gazetteer: Gazetteer
) -> list[tuple[int, int, Region]]:
    """Villages named in ``text``, resolved through the place printed right before them (凌河区百官村,
    柳树镇东岗子村) or, in the plan of a county, district or town, through the document's own
    area (光明村 in 站前区's plan). A name that several villages there share, or that the segmenter
    reads as a common word (新农村), is left out."""
    if VILLAGE_END not in text:
        return []
    ends = {end: region for _, end, region in places}
    own = gazetteer.get(context[0]) if context else None
    found = []
    for i, ch in enumerate(text):
        if ch != VILLAGE_END or text[i + 1 : i + 2] in _VILLAGE_WORD_AFTER:
            continue
        end = i + 1
        for start in range(max(0, end - VILLAGE_NAME_MAX), end - 2):
            name = text[start:end]
            codes = _villages().get(name) if _IS_NAME.fullmatch(name) else None
            if not codes or name.endswith(_NOT_VILLAGE_ENDINGS) or _a_common_word(text, start, end):
                continue
            anchor = ends.get(start) or (own if own and own.level in LOCAL_LEVELS else None)
            inside = [c for c in codes if anchor and c.startswith(_code_prefix(anchor.code))]
            if len(inside) == 1:
                code = inside[0]
                region = Region(code, name, "Village", code[:9])
                gazetteer.add_region(region)
                if code in gazetteer:
                    found.append((start, end, region))
            break  # the longest name there is the village's, resolved or not
    return found


_IS_NAME = re.compile(r"[\u4e00-\u9fff]+")


def _a_common_word(text: str, start: int, end: int) -> bool:
    words = tokens(text[start:end])
    return len(words) == 1 and words[0].pos not in PROPER_NOUN_TAGS


def extract_places(doc: ParsedDocument, gazetteer: Gazetteer | None = None) -> list[Place]:
    """Every mention of an administrative place in the document's blocks, in reading order."""
    gazetteer = gazetteer or Gazetteer.load()
    context = document_context(doc, gazetteer)
    places = []
    for block in doc.text.blocks:
        hits = find_places(block.text, context, gazetteer)
        hits += find_villages(block.text, hits, context, gazetteer)
        for start, end, region in sorted(hits, key=lambda h: h[0]):
            name = block.text[start:end]
            if not gazetteer.is_name_of(name, region.code) and (
                _part_of_a_name(block.text, start, end) or _a_feature(block.text, start, end, region)
            ):
                continue
            span = block.span.slice(start, end)
            places.append(Place(region=region, span=span, line=doc.source.line_of(span.start)))
    return places
