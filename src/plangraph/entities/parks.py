"""Named development zones, industrial parks, bases, bonded and pilot zones and clusters.

A park is found by the word that ends its name (…经济开发区, …产业园, …产业基地, …综合保税区,
…自贸区 and its 片区, …集聚区, …示范区 …), read leftwards to the start of the name (a clause
break or a verb such as 依托/推进/建设). Only names with a proper element are kept: a place name, or
some word left after removing the generic words and industry names (中南数字产业园 keeps 中南;
新型建材产业园, 各类园区 and 现代农业示范园区 keep nothing). Variants of one park are merged into one
record: names that agree once region prefixes, bracketed regions and abbreviations are taken off
(辽宁（营口）沿海产业基地 = 沿海产业基地), and names that start with the same place and host the
same industry (佟二堡电商产业园 = 佟二堡电子商务产业园).

Hosted industries come from the park's own name (营口乐器产业园 -> 乐器), from a goal list right
after it ("X板块重点发展A、B", "X：重点发展A、B", "依托X发展Y"), and from a paragraph led by an
industry that names X as its 重点发展区域 / 载体.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import Evidence, Park
from ..vocab import normalise_name
from . import industries as ind
from .common import sentence_around
from .lexicon import rules
from .segment import reads_as_proper, tokens, without_leading_verbs

if TYPE_CHECKING:
    from .common import DocumentContext

_RULES = rules("parks")
#: Name endings, longest first, and the kind (pg:parkKind) each gives.
_KIND = _RULES.label_of("head_kinds")
# Names are compared after NFKC (区（园） is read as 区(园) once cleaned): both forms are endings.
_KIND.update({unicodedata.normalize("NFKC", e): kind for e, kind in list(_KIND.items())})
_ENDINGS: list[tuple[str, str]] = sorted(_KIND.items(), key=lambda e: -len(e[0]))
_ENDING_RE = re.compile("|".join(re.escape(e) for e, _ in _ENDINGS))
#: Two-country parks written as 中德园, 中韩园 …
_BILATERAL = _RULES.regex("bilateral")
_BILATERAL_KIND = _RULES.words("bilateral_kind")[0]

#: Characters a park name is made of (CJK, Latin, digits, brackets, quotes, + and ·).
_NAME_CHARS = r"[\u4e00-\u9fffA-Za-z0-9０-９（）()“”\"+·\-－]"
_MAX_NAME = 24

#: Words before a name that are not part of it: verbs, prepositions, conjunctions.
_BOUNDARY = _RULES.regex("boundary")
#: Endings whose names are mostly generic (农业标准示范区): kept only with a place name, a number
#: or a Latin letter in the name, or a two-country prefix (中韩…).
_WEAK_ENDINGS = _RULES.words("weak_heads")
#: Bare zone names that denote the local zone of that kind (营口的综合保税区, 辽阳的高新区).
_BARE_ZONES = frozenset(_RULES.words("bare_zones"))
#: Words right before a bare zone name that make it generic (各类开发区, 省级高新区).
_GENERIC_BEFORE = _RULES.regex("generic_before")


@dataclass
class ParkMention:
    name: str
    kind: str
    start: int  # offsets into the text searched
    end: int


def _lookup_words() -> list[str]:
    # Single characters (中, 大, 新 …) are parts of proper names too (中南, 大伙房): not removed.
    words = {w for w in _RULES.words("generic") if len(w) >= 2}
    for concept in ind.scheme().values():
        for label in (concept.label, *concept.alt_labels):
            if len(label) >= 2:
                words.add(label)
    # Ties in a fixed order, so that builds are reproducible.
    return sorted(words, key=lambda w: (-len(w), w))


@lru_cache(maxsize=1)
def _generic_words() -> tuple[str, ...]:
    return tuple(_lookup_words())


def proper_element(core: str, place_spans: Sequence[tuple[int, int]] = ()) -> str:
    """What is left of ``core`` (a name without its ending) after generic words and industry
    names are taken out; place names count as proper and are kept."""
    keep = [False] * len(core)
    for s, e in place_spans:
        for i in range(max(s, 0), min(e, len(core))):
            keep[i] = True
    chars = list(core)
    for word in _generic_words():
        start = 0
        text = "".join(chars)
        while True:
            i = text.find(word, start)
            if i < 0:
                break
            if not any(keep[i : i + len(word)]):
                for j in range(i, i + len(word)):
                    chars[j] = "\0"
            start = i + len(word)
    left = "".join(c for c in chars if c != "\0")
    return re.sub(r"[（）()“”\"·\-－]", "", left)


def find_park_mentions(text: str) -> Iterator[ParkMention]:
    """Candidate park names in ``text`` (not yet checked for a proper element)."""
    found: list[ParkMention] = []
    for m in _ENDING_RE.finditer(text):
        ending = m.group(0)
        start = _name_start(text, m.start())
        if start < 0:
            continue
        name = text[start : m.end()]
        found.append(ParkMention(name, _KIND[ending], start, m.end()))
    for m in _BILATERAL.finditer(text):
        found.append(ParkMention(m.group(0), _BILATERAL_KIND, m.start(), m.end()))
    # Keep the longest of mentions that overlap (产业基地冶金化工重装备区 holds 产业基地).
    found.sort(key=lambda p: (p.start, -(p.end - p.start)))
    kept: list[ParkMention] = []
    for p in sorted(found, key=lambda p: -(p.end - p.start)):
        if not any(k.start <= p.start and p.end <= k.end for k in kept):
            kept.append(p)
    yield from sorted(kept, key=lambda p: p.start)


def _name_start(text: str, end: int) -> int:
    """Where the name that ends at ``end`` begins: the nearest clause break or boundary word."""
    i = end
    while i > 0 and end - i < _MAX_NAME and re.match(_NAME_CHARS, text[i - 1]):
        i -= 1
    # Drop an unbalanced closing bracket or quote at the left edge.
    window = text[i:end]
    start = i
    found = list(_BOUNDARY.finditer(window))
    while found and _inside_the_name(window, found):
        found.pop()
    last_boundary = found[-1] if found else None
    if last_boundary is not None:
        start = i + last_boundary.end()
    elif end - i >= _MAX_NAME:
        return -1  # no start within reach: a piece of a longer phrase, not a name
    while start < end and text[start] in '）)”"-－·':
        start += 1
    return start


_JOINING = frozenset(_RULES.words("joining_words"))
_NAME_END_CHARS = _RULES.words("name_end_chars")
_INNER_LEVELS = frozenset(_RULES.words("inner_levels"))


def _inside_the_name(window: str, boundaries: list[re.Match[str]]) -> bool:
    """Whether the last boundary word found is part of the name after all: a conjunction after a
    part with no head of its own (农产品加工与现代物流产业园), or a level after the name's place
    (锦州滨海新区国家级电子商务示范基地)."""
    last = boundaries[-1]
    before = window[boundaries[-2].end() if len(boundaries) > 1 else 0 : last.start()]
    if len(before) < 2:
        return False
    places = _place_spans(before)
    if last.group(0) in _JOINING:
        # what it joins are trades (农产品加工与现代物流, 硅材料及光伏), not names of their own
        # (南平市和莆田高新区)
        if _ENDING_RE.search(before) or before.endswith(_NAME_END_CHARS):
            return False
        if any(e == len(before) for _, e in places):
            return False
        words = tokens(before)
        return any(ind.looks_like_industry(before[w.start :]) for w in words[-3:])
    # 昆山国家级金融改革试验区, 锦州滨海新区国家级电子商务示范基地: the level follows the name's
    # place or the zone it is in
    ends_a_zone = any(m.end() == len(before) for m in _ENDING_RE.finditer(before))
    return last.group(0) in _INNER_LEVELS and (ends_a_zone or any(e == len(before) for _, e in places))


def _place_spans(text: str) -> list[tuple[int, int]]:
    try:
        from .places import find_places
        from .regions import Gazetteer

        return [(s, e) for s, e, _ in find_places(text, [], Gazetteer.load())]
    except Exception:  # no gazetteer: no places
        return []


def _clean(name: str) -> str:
    quoted_start = name.lstrip().startswith("“")
    bracketed_end = name.rstrip().endswith(("）", ")"))
    name = normalise_name(name)
    if bracketed_end and name.count("(") == name.count(")") + 1:
        name += ")"  # 大有经济区（园）: the bracket closes the name
    if quoted_start and name.count("”") == name.count("“") + 1:
        name = "“" + name  # “一带一路”综合试验区: the quote opens the name
    if name.count("“") != name.count("”"):
        name = name.replace("“", "").replace("”", "")
    if name.count("（") != name.count("）"):
        name = name.replace("（", "").replace("）", "")
    return name


_PAREN = re.compile(r"[（(][^（）()]{1,8}[）)]")
_ABBREVIATIONS = tuple((full, short) for full, short in _RULES.label_of("abbreviations").items())


def _place_prefix_len(name: str, place_spans: list[tuple[int, int]]) -> int:
    """Length of the leading run of place names (辽宁, 营口市 …)."""
    pos = 0
    for s, e in sorted(place_spans):
        if s == pos:
            pos = e
    return pos


def identity_key(name: str, place_spans: list[tuple[int, int]]) -> str:
    """The form two variants of one park share: no bracketed region, no leading place names,
    abbreviations unified (辽宁（营口）沿海产业基地 -> 沿海产业基地)."""
    text = _PAREN.sub("", name)
    spans = _spans_after_removal(name, text, place_spans)
    cut = _place_prefix_len(text, spans)
    core = text[cut:] if len(text) - cut >= 4 else text
    for full, short in _ABBREVIATIONS:
        core = core.replace(full, short)
    return core


def _spans_after_removal(original: str, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if original == text:
        return list(spans)
    # Recompute place spans on the text without brackets by matching the same names.
    out = []
    for s, e in spans:
        word = original[s:e]
        i = text.find(word)
        if i >= 0:
            out.append((i, i + len(word)))
    return out


@dataclass
class _ParkDraft:
    names: list[str] = field(default_factory=list)
    kind: str = ""
    evidence: list[Evidence] = field(default_factory=list)
    level: str | None = None
    region_code: str | None = None
    industries: list[tuple[str, Evidence]] = field(default_factory=list)
    head: str = ""  # leading place/proper characters, for merging variants
    name_industry: str | None = None
    short_names: list[str] = field(default_factory=list)  # without the leading region, if still proper


_LEVEL_OF = _RULES.label_of("levels")
_PROMOTION = _RULES.template("promotion")


def _level(name: str, sentence: str) -> str | None:
    if any(word in name for word in _RULES.words("national_marker")):
        return "national"
    if name.startswith(_RULES.words("provincial_start")) or any(
        word in name for word in _RULES.words("provincial_marker")
    ):
        return "provincial"
    m = re.search(re.escape(name) + _PROMOTION, sentence)
    if m:
        return _LEVEL_OF[m.group(1)]
    return None


def _industry_in_name(core: str) -> str | None:
    """The longest scheme label inside a park's name (营口乐器产业园 -> 乐器)."""
    best: str | None = None
    for word in _generic_words():
        if word in core and ind.resolve_industry(word) and (best is None or len(word) > len(best)):
            best = word
    return best


class _Places:
    """Place names inside park names, through the places extractor's matcher."""

    def __init__(self, context: list[str]):
        from .places import find_places
        from .regions import Gazetteer

        self.context = context
        self._find = find_places
        self._gazetteer: Gazetteer | None
        try:
            self._gazetteer = Gazetteer.load()
        except Exception:  # no gazetteer: parks are still found, without places
            self._gazetteer = None

    def spans(self, name: str) -> list[tuple[int, int, str]]:
        if self._gazetteer is None:
            return []
        return [(s, e, region.code) for s, e, region in self._find(name, self.context, self._gazetteer)]


def _context_codes(ctx: DocumentContext) -> list[str]:
    code = ctx.region_code
    if not code:
        return []
    try:
        from .regions import Gazetteer

        return Gazetteer.load().context_for(code)
    except Exception:
        return [code]


#: The categories of 主体功能区 planning (限制开发区域 …) end like zones but name none; nor do the
#: planning areas named by a direction and a landform (北部平原高效农业产业区, 东南山区…).
_FUNCTIONAL_ZONE_CATEGORIES = _RULES.regex("zoning_category")
_COUNTED = _RULES.regex("counted")
_TWO_COUNTRY_CORE = _RULES.regex("two_country_core")
_NATIONAL = _RULES.words("national_marker")
#: Who grants a designation: a name holding one of these without a place is a title.
_CONFERRING = _RULES.words("conferring")
_COUNT_BEFORE = _RULES.regex("count_before")
_PROVINCE_ENDINGS = _RULES.words("province_endings")
_DESIGNATION_HEADS = frozenset(_RULES.words("designation_heads"))
_GRANTEE = _RULES.regex("grantee")
_NON_ECONOMIC = _RULES.regex("non_economic")


def _closing_ending(name: str) -> str | None:
    """The longest ending the name closes with: 自贸片区 is a free-trade zone's part, not a bare 片区."""
    return max((e for e, _ in _ENDINGS if name.endswith(e)), key=len, default=None)


def accept(name: str, places: list[tuple[int, int, str]], before: str, after: str) -> bool:
    """Whether a candidate name denotes one particular park."""
    if _FUNCTIONAL_ZONE_CATEGORIES.match(name):
        return False
    ending = _ENDING_RE.search(name)
    if len(name) < 3 or (ending is None and not _BILATERAL.fullmatch(name)):
        return False
    core = name[: ending.start()] if ending and ending.end() == len(name) else name
    if _COUNT_BEFORE.search(before):
        return False  # "设立5个自贸联动创新区", "打造14个…集聚区": a number of zones, a class
    if name in _BARE_ZONES:
        return not _GENERIC_BEFORE.search(before)
    if not core:
        # A bare ending as the label of a list entry ("开发区：发展…") names the local zone.
        return after.startswith(("：", ":")) and not _GENERIC_BEFORE.search(before)
    if _COUNTED.search(name):
        return False
    closing = _closing_ending(name)
    if closing in _DESIGNATION_HEADS:
        # A designation granted by the state or a province to a topic is a title, not a zone
        # (国家数据要素综合试验区, 省新质生产力产业基地, 中国扶贫交流示范基地); so is one for nature
        # or society (锦凌水库生态示范区, 国家慢性病综合防控示范区).
        if not places and (core.startswith(_CONFERRING) or _COUNTED.search(core)):
            return False
        if places and all(_is_province(code) for _, _, code in places):
            return False  # 山西转型综改示范区, 江西内陆开放型经济试验区: a title the province holds
        if _NON_ECONOMIC.search(core) and not _industry_in_name(core):
            return False
        proper = proper_element(core)
        if not places and re.fullmatch(r"[A-Za-z]+", proper):
            return False  # CEPA先行先试示范基地: an agreement it implements, not its name
        if not places and closing not in _WEAK_ENDINGS and not reads_as_proper(core, proper):
            return False  # 旱作节水示范基地: a kind of base by its topic, not a named one
    if closing in _WEAK_ENDINGS:
        # A weak head names a zone with the place it is granted to, a partner country, a quoted
        # name or its grantee before the granting state (营口港口金融创新试验区, 中韩自贸示范区,
        # “一带一路”综合试验区, 沈大国家自主创新示范区); not a topic alone (美丽中国先行区,
        # 共同富裕示范区), a Latin word or a letter (RCEP国际教育合作区, D片区).
        if places or _TWO_COUNTRY_CORE.search(core) or _QUOTED.search(core):
            return True
        grantee = _GRANTEE.match(core)
        return grantee is not None and reads_as_proper(core, grantee.group(1))
    proper = proper_element(core, [(s, e) for s, e, _ in places])
    if re.search(
        r"[A-Za-z]{2}|[0-9]", proper
    ):  # a Latin name or a number; one letter is none (R特色产业园区)
        return True
    if places or _QUOTED.search(core):
        return len(proper) >= 2
    # no place: what is left must read as a name (航星物流园, 奥鸿生物产业园), not as common words
    # (零碳产业园, 银发经济产业园, 生命健康产业集聚区)
    return len(proper) >= 3 or reads_as_proper(core, proper)


_QUOTED = re.compile(r"[“\"].+[”\"]")


#: Tags of the words no park name begins with: counts, pronouns, conjunctions, particles (两届|北京…, 其|常委会…, 多项|雄安新区, 2020|年|开发区); not adverbs (不老莓…). A
#: numeral only as a count or a year: 九道岭产业区 and 万得汽车工业园 begin with one.
_NOISE_TAGS = frozenset({"m", "r", "c", "u", "ul", "uj", "uz", "uv", "ud", "ug", "y", "e"})


_COUNT_WORD = _RULES.regex("count_word")


def _without_leading_noise(name: str) -> str:
    """The name without the words before it that no name begins with (see ``_NOISE_TAGS``), nor a
    verb phrase of one-character words closed by a particle or a complement (扮|靓|了|新区,
    建|好|北方（沧州）…, 建|强|产业园区)."""
    words = tokens(name)
    i = 0
    while i < len(words) - 1:
        word = words[i]
        numeral = word.pos == "m"
        if (word.pos in _NOISE_TAGS and not numeral) or (numeral and _COUNT_WORD.fullmatch(word.word)):
            i += 1
            continue
        if word.pos == "v" and len(word.word) == 1:
            j = i + 1
            while j < len(words) - 1 and len(words[j].word) == 1 and words[j].pos in {"a", "ul", "uz"}:
                j += 1
            if j > i + 1:
                i = j  # 建|好, 扮|靓|了 (not 横|沙新洲…, a place)
                continue
        break
    return name[words[i].start :] if i else name


def _is_province(code: str) -> bool:
    """A province or an autonomous region (not a municipality: 北京 holds zones as a city does)."""
    if not code.endswith("0000"):
        return False
    try:
        from .regions import Gazetteer

        region = Gazetteer.load().get(code)
    except Exception:  # no gazetteer: judged by the code alone
        return True
    return region is not None and region.name.endswith(_PROVINCE_ENDINGS)


def _is_a_region(name: str, spans: list[tuple[int, int, str]]) -> bool:
    """浦东新区, 天津滨海新区: an administrative region named like a zone is a place, not a park
    (and whatever the window put before it is no part of a park: 常委会制定修改浦东新区)."""
    ending = _closing_ending(name) or ""
    return any(e == len(name) and e - s > len(ending) for s, e, _ in spans)


def _bare_zone_is_local(name: str, ctx: DocumentContext) -> bool:
    """A bare zone name (综保区, 高新区) stands for the local zone in the plan of a city, a district
    or a county; in a province's or the country's it names the class ("推进开发区规范提升、综保区转型
    升级"), except the free-trade zone, which a province has one of."""
    code = ctx.region_code or ""
    if not code or not code.endswith("0000"):
        return True
    return any(name in family for family in _ONE_PER_PROVINCE)


def extract_parks(ctx: DocumentContext) -> list[Park]:
    places = _Places(_context_codes(ctx))
    drafts: list[_ParkDraft] = []
    by_key: dict[str, _ParkDraft] = {}
    lead_of: dict[str, str | None] = {}  # key -> most specific place the name starts with

    for bc in ctx.blocks:
        text = bc.block.text
        for mention in find_park_mentions(text):
            name = _clean(mention.name)
            shorter = _without_leading_noise(without_leading_verbs(name))
            if shorter != name and len(shorter) < 3:
                continue  # 扮靓了新区: nothing but a head is left
            if shorter != name:
                mention = ParkMention(shorter, mention.kind, mention.end - len(shorter), mention.end)
                name = shorter
            if not name:
                continue
            spans = places.spans(name)
            before = text[max(0, mention.start - 4) : mention.start]
            after = text[mention.end : mention.end + 2]
            if not accept(name, spans, before, after) or _PART_OF_LONGER.match(text, mention.end):
                continue
            if _is_a_region(name, spans) or (name in _BARE_ZONES and not _bare_zone_is_local(name, ctx)):
                continue
            span = bc.block.span.slice(mention.start, mention.end)
            evidence = Evidence(span, bc.block.line)
            sentence = sentence_around(bc.block.span, mention.start, mention.end)
            own = [(s, e) for s, e, code in spans if code in places.context]
            key = identity_key(name, own)
            lead_of.setdefault(key, _leading_place(spans))
            draft = by_key.get(key) or _merge_target(key, by_key, lead_of)
            if draft is None:
                draft = _ParkDraft(kind=mention.kind)
                drafts.append(draft)
                draft.head = _head(name, spans)
                draft.name_industry = _name_industry_key(name)
            by_key[key] = draft
            if name not in draft.names:
                draft.names.append(name)
                short = _without_leading_region(name, spans, places)
                if short and short not in draft.short_names:
                    draft.short_names.append(short)
            draft.evidence.append(evidence)
            draft.level = draft.level or _level(name, sentence.text)
            if draft.region_code is None:
                draft.region_code = _within(spans, ctx.region_code)
            _hosted(draft, name, text, mention, bc, sentence, ctx)
    return [_finish(d) for d in _merge_bare_zones(drafts)]


#: Bare zone names of one kind, for finding the full name a bare one stands for.
_ZONE_FAMILIES = tuple(_RULES.groups("zone_families").values())
#: The zones a province has one of, so that its plan names it by the bare name too.
_ONE_PER_PROVINCE = tuple(_RULES.groups("zone_families")[k] for k in _RULES.words("one_per_province"))
#: A park's head followed by the head of a longer name (上海示范区线, 保静线新区至保定段): no park.
_PART_OF_LONGER = _RULES.regex("part_of_longer")
_ZONE_PART_TAIL = _RULES.template("zone_part_tail")


def _merge_bare_zones(drafts: list[_ParkDraft]) -> list[_ParkDraft]:
    """A bare zone name (自贸区) is a short form of the full one the same text names (辽宁自贸区,
    辽宁自贸区营口片区), before or after it: one park with the bare form as an alias."""
    merged: set[int] = set()
    for i, draft in enumerate(drafts):
        if not all(n in _BARE_ZONES for n in draft.names):
            continue
        family = next((f for f in _ZONE_FAMILIES if draft.names[0] in f), (draft.names[0],))
        # The full name ends with the zone (or one of its 片区); 高新区大学科技园 is another park.
        full = re.compile("(?:" + "|".join(family) + ")" + _ZONE_PART_TAIL)
        target = next(
            (
                other
                for other in drafts
                if other is not draft and any(n not in _BARE_ZONES and full.search(n) for n in other.names)
            ),
            None,
        )
        if target is None:
            continue
        merged.add(i)
        target.names.extend(n for n in draft.names if n not in target.names)
        target.evidence.extend(draft.evidence)
        for concept, evidence in draft.industries:
            if all(c != concept for c, _ in target.industries):
                target.industries.append((concept, evidence))
    return [d for i, d in enumerate(drafts) if i not in merged]


def _head(name: str, spans: list[tuple[int, int, str]]) -> str:
    """The leading place name of a park name (佟二堡电商产业园 -> 佟二堡), or ''."""
    for s, e, _ in sorted(spans):
        if s == 0:
            return name[:e]
    return ""


def _name_industry_key(name: str) -> str | None:
    word = _industry_in_name(name)
    return ind.resolve_industry(word) if word else None


def _merge_target(
    key: str, by_key: dict[str, _ParkDraft], lead_of: dict[str, str | None]
) -> _ParkDraft | None:
    """An earlier park this name is a variant of: one whose key ends with this key (特种运输服务集聚区
    of 宏伟特种运输服务集聚区), or that starts the same and names the same industry (佟二堡电商基地 of
    佟二堡电子商务产业园) — unless that start is a district or county, which holds many parks
    (凌河区思凯农副产品国际物流园 and 凌河区快递电商物流产业园 are two)."""
    industry = _name_industry_key(key)
    for other, draft in by_key.items():
        short, long_ = sorted((key, other), key=len)
        if len(short) >= 5 and long_.endswith(short) and len(proper_element(short)) >= 2:
            return draft
        if industry and key[:2] == other[:2] and _name_industry_key(other) == industry:
            lead, other_lead = lead_of.get(key), lead_of.get(other)
            if lead == other_lead and (lead is None or len(lead) > 6):
                return draft
    return None


def _leading_place(spans: list[tuple[int, int, str]]) -> str | None:
    """The code of the most specific place in the run of places a name starts with."""
    pos, code = 0, None
    for s, e, c in sorted(spans):
        if s == pos:
            pos, code = e, c if code is None or len(c) >= len(code) else code
    return code


def _within(spans: list[tuple[int, int, str]], jurisdiction: str | None) -> str | None:
    """The most specific region named in the park's name."""
    if not spans:
        return None
    return sorted(spans, key=lambda s: (-(len(s[2].rstrip("0"))), s[0]))[0][2]


#: After a park name: a goal list it hosts ("X板块重点发展A、B", "X：重点发展A").
_HOSTS_AFTER = _RULES.regex("hosts_after")
#: The park is where the paragraph's industry goes: "以X为重点发展区域", "以X为载体", "依托X".
_HOSTS_ROLE = _RULES.regex("hosts_role")
_FOUNDED_ON = _RULES.words("founded_on")
_OWN_SIDE = _RULES.regex("own_side")


def _hosted(draft: _ParkDraft, name, text, mention, bc, sentence, ctx) -> None:
    evidence_sentence = Evidence(sentence, bc.block.line)
    word = _industry_in_name(name)
    if word:
        _add_industry(
            draft,
            ind.concept_for(word),
            word,
            Evidence(bc.block.span.slice(mention.start, mention.end), bc.block.line),
            ctx,
        )
    rest = text[mention.end :]
    if _HOSTS_AFTER.match(rest):
        end = min([i for i in (rest.find(c) for c in "。；;") if i >= 0] or [len(rest)])
        for m in ind.find_goal_industries(rest[:end]):
            ev_span = sentence_around(bc.block.span, mention.start, mention.end + m.end)
            _add_industry(draft, ind.concept_for(m.name), m.name, Evidence(ev_span, bc.block.line), ctx)
    if _HOSTS_ROLE.search(sentence.text) or text[max(0, mention.start - 2) : mention.start] in _FOUNDED_ON:
        lead = next(iter(ind._lead_mentions(text)), None)
        if lead is not None:
            _add_industry(draft, ind.concept_for(lead.name), lead.name, evidence_sentence, ctx)


def _add_industry(draft: _ParkDraft, concept: str, label: str, evidence: Evidence, ctx) -> None:
    if any(c == concept for c, _ in draft.industries):
        return
    draft.industries.append((concept, evidence))
    ctx.industry_labels.setdefault(concept, ind.display_name(label))


def _without_leading_region(name: str, spans: list[tuple[int, int, str]], places: _Places) -> str | None:
    """大石桥市营口南楼经济开发区 is also called 营口南楼经济开发区: the name without the county or
    city before it, when what is left still names one park."""
    lead = next((e for s, e, _ in sorted(spans) if s == 0), 0)
    rest = name[lead:]
    if not lead or len(rest) < 5 or rest in _BARE_ZONES:
        return None
    rest_places = places.spans(rest)
    # What is left must start with its own place or side (营口南楼…, 西部轻工…), not with a word
    # that needs the region (全产业链型电商基地).
    if not (any(s == 0 for s, _, _ in rest_places) or _OWN_SIDE.match(rest)):
        return None
    return rest if accept(rest, rest_places, "", "") else None


def _finish(draft: _ParkDraft) -> Park:
    name = max(draft.names, key=lambda n: (len(n), -draft.names.index(n)))
    return Park(
        name=name,
        kind=draft.kind,
        spans=draft.evidence,
        aliases=(set(draft.names) | set(draft.short_names)) - {name},
        level=draft.level,
        region_code=draft.region_code,
        industries=draft.industries,
    )
