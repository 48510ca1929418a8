"""The industry concept scheme (SKOS) and the recognition of industries set as development goals.

The scheme is curated in ``reference/industries.tsv`` (one concept a line: key, labels,
broader concepts, a GB/T 4754-2017 or 战略性新兴产业分类(2018) code where one fits) and published as
``ontology/industries.ttl`` (``scripts/build_schemes.py``). A wording of the text resolves
to a concept through its labels after normalising (NFKC, no spaces, trailing 产业/行业/业 trimmed).
An industry the scheme lacks becomes a *candidate* concept keyed by ``vocab.name_key`` of its
trimmed name, typed ``pg:CandidateIndustry`` so a curator can review it.

Goals are read from the wordings plans use to set them: a trigger verb followed by a list
(大力发展…、重点发展…、培育壮大…产业, "X板块重点发展A、B、C", "重点发展以A、B为主的C"), a paragraph
that leads with an industry ("钢铁产业。", "——新材料产业。", "壮大商务服务产业。"), and headings and
the titles and group labels of project boxes (done in ``extract.py``, which knows them).

A list is read the way the sentence means it: what follows its 等 says what the items are (等产业:
industries; 等企业/技术/消费/方面: not; "A等C产业": C, and A only where the scheme puts it under C);
a list after 在/向/与 or one brought together (融合) sets no goal; after a weak verb (推进, 加快)
most items must read as industries; in a paragraph led by an industry the lists name its products,
so an item the scheme does not know counts only when it calls itself …产业/…业. Items lose their
modifiers (…的, 东部山区, 控制类, “互联网+”), glued verbs (提质发展X, X发展新业态) and counts
(三大产业); umbrellas (战略性新兴产业, 外贸支柱产业, 一二三产业) and public services (教育, 公共服务)
are no industries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

from rdflib import Graph, Literal, URIRef

from ..model import Span
from ..settings import get_settings
from ..vocab import DCTERMS, ID, PG, RDF, SKOS, industry_iri, name_key, normalise_name
from .lexicon import rules
from .segment import cuts_a_word, tokens

_RULES = rules("industries")
#: Words that call what precedes them an industry (产业, 行业), and the trade suffix (业).
_SECTOR_WORDS = _RULES.words("sector_words")
_TRADE = _RULES.words("trade_suffix")
_ECONOMY = _RULES.words("economy_suffix")
_OF = _RULES.words("modifier_particle")[0]
_WITH = _RULES.words("with_word")[0]
_DEVELOP = _RULES.words("develop_verb")[0]
_SERVICES = _RULES.words("services_word")[0]

SCHEME_IRI = ID["industry-scheme"]


def _scheme_meta() -> dict:
    """The scheme's label and the classifications its notations come from
    (``reference/industries.meta.json``)."""
    return json.loads((get_settings().reference_dir / "industries.meta.json").read_text(encoding="utf-8"))


SOURCES: dict[str, str] = _scheme_meta()["sources"]


@dataclass(frozen=True)
class Concept:
    key: str
    label: str
    label_en: str
    broader: tuple[str, ...]
    notation: str | None
    source: str | None
    alt_labels: tuple[str, ...]


def _table_path() -> Path:
    return _table_in(get_settings().reference_dir)


@lru_cache(maxsize=4)
def _table_in(reference_dir: Path) -> Path:
    return reference_dir / "industries.tsv"


def parse_scheme_table(text: str) -> dict[str, Concept]:
    """Concepts of the tab-separated scheme table (see the comment lines at its top)."""
    concepts: dict[str, Concept] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) < 6:
            raise ValueError(f"industries.tsv line {number}: expected 6 or 7 cells, got {len(cells)}")
        key, label, label_en, broader, notation, source = (c.strip() for c in cells[:6])
        alts = tuple(a.strip() for a in (cells[6] if len(cells) > 6 else "").split("|") if a.strip())
        concepts[key] = Concept(
            key=key,
            label=label,
            label_en=label_en,
            broader=tuple(broader.split()),
            notation=None if notation in ("", "-") else notation,
            source=SOURCES.get(source),
            alt_labels=alts,
        )
    for concept in concepts.values():
        for parent in concept.broader:
            if parent not in concepts:
                raise ValueError(f"industry {concept.key}: unknown broader concept {parent}")
    return concepts


@lru_cache(maxsize=4)
def _scheme_at(path: Path) -> dict[str, Concept]:
    return parse_scheme_table(path.read_text(encoding="utf-8"))


def scheme() -> dict[str, Concept]:
    """The curated concepts by key."""
    return _scheme_at(_table_path())


# --- names -----------------------------------------------------------------------------------

_SUFFIXES = _SECTOR_WORDS


def display_name(name: str) -> str:
    """The name as an industry label: normalised, without a trailing 产业/行业 (kept when the rest
    would be a single character, as in 渔业) and without a trailing 等."""
    text = normalise_name(name)
    text = _DENG_AT_END.sub("", text)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return text


def industry_core(name: str) -> str:
    """The comparison form: ``display_name`` without a trailing 业 either (农副产品加工业 ->
    农副产品加工) when at least two characters remain."""
    text = display_name(name)
    if text.endswith(_TRADE) and len(text) >= 3:
        text = text[:-1]
    return text


@lru_cache(maxsize=4)
def _label_index_at(path: Path) -> dict[str, str]:
    index: dict[str, str] = {}
    concepts = _scheme_at(path)
    # Alt labels first so that a concept's own prefLabel wins over another concept's alt label.
    for concept in concepts.values():
        for alt in concept.alt_labels:
            index.setdefault(industry_core(alt), concept.key)
    for concept in concepts.values():
        index[industry_core(concept.label)] = concept.key
    return index


def resolve_industry(name: str) -> str | None:
    """The curated concept key for a wording of the text, or None. A wording the scheme does not
    know that is a known industry behind grouping words (高端金融业, 特色旅游业, 优质高效渔业) is
    that industry; not where what is left is a sector as a whole (传统服务业 is an umbrella) or a
    public activity (未来健康, 民族教育)."""
    return _resolve_at(_table_path(), name)


@lru_cache(maxsize=65536)
def _resolve_at(path: Path, name: str) -> str | None:
    core = industry_core(name)
    if not core:
        return None
    index = _label_index_at(path)
    if core in index:
        return index[core]
    rest = display_name(name)
    while True:
        word = next((w for w in _UMBRELLA_WORDS if rest.startswith(w) and len(rest) - len(w) >= 2), None)
        if word is None:
            return None
        rest = rest[len(word) :]
        if rest in _UMBRELLA_EXACT or rest in _UMBRELLA_RESTS:
            continue
        key = index.get(industry_core(rest))
        if key:
            # 未来健康, 民族教育: not where the known part names a public activity; 绿色制造: not
            # where it names a sector as a whole
            public = rest in _ACTIVITY_HEADS or rest in _PUBLIC_SERVICES
            return None if public or _scheme_at(path)[key].label in _UMBRELLA_EXACT else key


def candidate_key(name: str) -> str:
    return name_key(industry_core(name))


def concept_for(name: str) -> str:
    """The curated concept key, or the candidate key for an industry the scheme lacks."""
    return resolve_industry(name) or candidate_key(name)


def is_curated(key: str) -> bool:
    return key in scheme()


def broader_guess(name: str) -> str | None:
    """For a candidate: the curated concept whose label ends the name longest (镁质新材料 -> 新材料)."""
    core = industry_core(name)
    index = _label_index_at(_table_path())
    for start in range(1, len(core) - 1):
        key = index.get(core[start:])
        if key:
            return key
    return None


# --- RDF -------------------------------------------------------------------------------------


def industry_scheme_graph() -> Graph:
    """The SKOS scheme: every curated concept with labels, hierarchy, notation and its source."""
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("pg", PG)
    g.bind("dcterms", DCTERMS)
    g.add((SCHEME_IRI, RDF.type, SKOS.ConceptScheme))
    for lang, label in _scheme_meta()["scheme_label"].items():
        g.add((SCHEME_IRI, SKOS.prefLabel, Literal(label, lang=lang)))
    for source in SOURCES.values():
        g.add((SCHEME_IRI, DCTERMS.source, Literal(source, lang="zh")))
    concepts = scheme()
    for concept in concepts.values():
        iri = industry_iri(concept.key)
        g.add((iri, RDF.type, PG.Industry))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, SKOS.inScheme, SCHEME_IRI))
        g.add((iri, SKOS.prefLabel, Literal(concept.label, lang="zh")))
        if concept.label_en:
            g.add((iri, SKOS.prefLabel, Literal(concept.label_en, lang="en")))
        for alt in concept.alt_labels:
            g.add((iri, SKOS.altLabel, Literal(alt, lang="zh")))
        for variant in _suffix_variants(concept, concepts):
            g.add((iri, SKOS.altLabel, Literal(variant, lang="zh")))
        if concept.notation:
            g.add((iri, SKOS.notation, Literal(concept.notation)))
        if concept.source:
            g.add((iri, DCTERMS.source, Literal(concept.source, lang="zh")))
        if not concept.broader:
            g.add((iri, SKOS.topConceptOf, SCHEME_IRI))
            g.add((SCHEME_IRI, SKOS.hasTopConcept, iri))
        for parent in concept.broader:
            g.add((iri, SKOS.broader, industry_iri(parent)))
            g.add((industry_iri(parent), SKOS.narrower, iri))
    return g


def _suffix_variants(concept: Concept, concepts: dict[str, Concept]) -> list[str]:
    """The wordings with 产业 or 业 that plans print for a concept (滨海旅游业, 海洋工程装备制造业):
    labels are compared without these suffixes, so a reader searching the printed form finds it."""
    labels = [concept.label, *concept.alt_labels]
    taken = {label for c in concepts.values() for label in (c.label, *c.alt_labels)}
    variants: list[str] = []
    for label in labels:
        if not re.fullmatch(r"[\u4e00-\u9fff]{2,}", label) or label.endswith(_TRADE + _ECONOMY):
            continue
        for variant in (label + _SECTOR_WORDS[0], label + _TRADE[0]):
            if variant not in taken and variant not in variants:
                variants.append(variant)
    return variants


def candidate_concepts_graph(keys_and_labels: Iterable[tuple[str, str]] | Iterable[object]) -> Graph:
    """Candidate concepts (industries the texts set as goals that the scheme lacks).

    ``keys_and_labels``: (key, label) pairs, or parsed documents (their entities' industry labels).

    Each is ``pg:Industry``, ``skos:Concept`` and ``pg:CandidateIndustry`` in the same scheme, with
    its first label as prefLabel and the other wordings (and the form with 产业) as altLabels, and
    ``skos:broader`` the curated concept whose label ends its name, where one does.
    """
    labels: dict[str, list[str]] = {}
    for key, label in _pairs(keys_and_labels):
        if is_curated(key):
            continue
        forms = labels.setdefault(key, [])
        for form in (display_name(label), normalise_name(label)):
            if form and form not in forms:
                forms.append(form)
    g = Graph()
    for key, forms in labels.items():
        iri = industry_iri(key)
        g.add((iri, RDF.type, PG.Industry))
        g.add((iri, RDF.type, SKOS.Concept))
        g.add((iri, RDF.type, PG.CandidateIndustry))
        g.add((iri, SKOS.inScheme, SCHEME_IRI))
        g.add((iri, SKOS.prefLabel, Literal(forms[0], lang="zh")))
        with_suffix = forms[0] + _SECTOR_WORDS[0]
        for alt in [*forms[1:], with_suffix]:
            if alt != forms[0]:
                g.add((iri, SKOS.altLabel, Literal(alt, lang="zh")))
        g.add(
            (
                iri,
                SKOS.editorialNote,
                Literal("candidate concept: read from a plan, not yet curated", lang="en"),
            )
        )
        parent = broader_guess(forms[0])
        if parent:
            g.add((iri, SKOS.broader, industry_iri(parent)))
    return g


def _pairs(items: Iterable[object]) -> Iterator[tuple[str, str]]:
    for item in items:
        entities = getattr(item, "entities", None)
        if entities is None:
            key, label = cast(tuple[str, str], item)
            yield key, label
            continue
        for goal in entities.industries:
            yield goal.concept, goal.name
        yield from getattr(entities, "industry_labels", {}).items()


def scheme_turtle() -> str:
    """The scheme as Turtle (what ``ontology/industries.ttl`` holds)."""
    return industry_scheme_graph().serialize(format="turtle")


def concept_iri(key: str) -> URIRef:
    return industry_iri(key)


# --- recognising industries in text ---------------------------------------------------------

#: Umbrella terms: groupings of industries, not industries (the gold leaves them out too).
_UMBRELLA_WORDS = tuple(sorted(_RULES.words("umbrella_words"), key=len, reverse=True))
_UMBRELLA_EXACT = frozenset(_RULES.words("umbrella_exact"))
_UMBRELLA_RESTS = frozenset(_RULES.words("umbrella_rests"))
_UMBRELLA_JOINERS = "".join(_RULES.words("umbrella_joiners"))
_ALL_SECTORS = _RULES.regex("all_sectors")
_COUNTED_PREFIX = _RULES.regex("counted_prefix")
_GROUPED = _RULES.regex("grouped")
#: Words that make a phrase something other than an industry (an actor, a place, a policy ...).
_NOT_INDUSTRY = _RULES.regex("not_industry")
#: What an industry-like wording ends with when the scheme does not know it.
_INDUSTRY_ENDINGS = _RULES.words("industry_endings")
#: Public services a plan improves rather than industries it grows (教育培训 and 健康服务 are industries).
_PUBLIC_SERVICES = frozenset(_RULES.words("public_services"))
_PRODUCT = _RULES.words("product_suffix")
#: Labels that name a public activity as often as an industry (全民体育, 社会主义先进文化): a
#: narrower wording with them as its head must say 产业 to be read as an industry.
_ACTIVITY_HEADS = frozenset(_RULES.words("activity_heads"))


def is_public_service(name: str) -> bool:
    return display_name(name) in _PUBLIC_SERVICES


def is_umbrella(name: str) -> bool:
    return _is_umbrella_at(_table_path(), name)


@lru_cache(maxsize=65536)
def _is_umbrella_at(path: Path, name: str) -> bool:
    core = display_name(name)
    if core in _UMBRELLA_EXACT or normalise_name(name) in _UMBRELLA_EXACT:
        return True
    if _ALL_SECTORS.search(core):
        return True  # 农村一二三产业, 一二三产业融合: all sectors at once
    # "三个特色产业", "四大产业": a counted group of industries.
    rest = _COUNTED_PREFIX.sub("", core)
    # An umbrella is made only of grouping words: 战略性新兴产业 -> "", 传统优势产业 -> "".
    changed = True
    while changed and rest:
        changed = False
        for word in _UMBRELLA_WORDS:
            if rest.startswith(word):
                rest = rest[len(word) :]
                changed = True
                break
        rest = rest.lstrip(_UMBRELLA_JOINERS)
        # "新兴产业未来产业": two umbrellas glued together
        sector = next((w for w in _SECTOR_WORDS if rest.startswith(w) and len(rest) > len(w)), None)
        if sector and changed:
            rest = rest[len(sector) :]
    if rest in _UMBRELLA_RESTS:
        return True
    # "外贸支柱产业", "区域特色产业": a scope word before a grouping word is no industry either.
    grouped = _GROUPED.match(core)
    if grouped is None:
        return False
    return not (resolve_industry(grouped.group(1)) or _ends_like_industry(grouped.group(1)))


def _ends_like_industry(text: str) -> bool:
    return text.endswith(_INDUSTRY_ENDINGS) and len(industry_core(text)) >= 2


def looks_like_industry(name: str, *, lenient: bool = False) -> bool:
    """Whether a list item reads as an industry: known to the scheme, or (not an umbrella, not an
    actor or a policy word) ending like an industry. ``lenient``: the list itself says its items are
    industries (…等产业), so the ending is not required."""
    text = normalise_name(name)
    if not 2 <= len(text) <= 16 or display_name(text) in _UMBRELLA_EXACT or is_public_service(text):
        return False
    if resolve_industry(text):
        return True
    if is_umbrella(text) or _NOT_INDUSTRY.search(text):
        return False
    if lenient:
        return True  # the list says its items are industries: 低空经济, 平台经济 too
    if text.endswith(_ECONOMY):
        return False  # 夜经济, 村级集体经济 alone: economies, not industries (林下经济 is curated)
    if text.endswith(_PRODUCT):
        return False
    # A known industry as its head makes a narrower one (健康食品 under 食品): matching at any depth.
    return (text.endswith(_INDUSTRY_ENDINGS) and len(industry_core(text)) >= 2) or _known_head(text)


def _known_head(text: str) -> bool:
    return _head_concept(text) is not None


def _head_concept(text: str) -> str | None:
    """The curated concept whose label of two characters or more ends ``text`` after a modifier of
    whole words that is neither a grouping word nor a verb (健康|食品 under 食品, 订单|农业 under
    农业; not 未来|健康, 特色|食品, 继续|教育): a narrower wording the scheme does not know."""
    return _head_concept_at(_table_path(), text)


@lru_cache(maxsize=65536)
def _head_concept_at(path: Path, text: str) -> str | None:
    core = display_name(text)
    index = _label_index_at(path)
    edges = {t.end for t in tokens(core)}
    for start in range(2, len(core) - 1):
        head, modifier = core[start:], core[:start]
        key = index.get(industry_core(head))
        if not key or start not in edges or is_public_service(head) or head in _ACTIVITY_HEADS:
            continue
        if modifier.startswith(_UMBRELLA_WORDS) or any(t.pos.startswith("v") for t in tokens(modifier)):
            continue
        return key
    return None


# Trigger verbs that set a goal, longest first so "重点发展" wins over "发展".
_TRIGGER = _RULES.regex("trigger")
_STRONG = frozenset(_RULES.words("strong_triggers"))

_CLAUSE_END = re.compile(r"[，。；：！？,;:!?（(]")
#: "以A、B为主的C" / "以A为重点的C".
_YI_WEI = _RULES.regex("yi_wei")
#: The word that closes a list and says what its items are.
_CLOSER = _RULES.regex("closer")
_NON_INDUSTRY_CLOSERS = _RULES.words("non_industry_closers")
#: List separators: 、 and commas split items; 及/和/与 only split where both sides stand alone.
_MAJOR_SPLIT = re.compile(r"[、,，/]")
_MINOR_SPLIT = _RULES.regex("minor_split")
#: The joiner that names one industry of two parts (石化及精细化工), not two industries.
_BINDING = _RULES.regex("binding_joiner")
#: What follows 及/和 without standing alone: the parts or products of what precedes
#: (汽车及零部件, 新型建筑材料及制品).
_DEPENDENT = _RULES.regex("dependent")
_TAIL = _RULES.regex("tail")
#: A counted group after the items: "服务外包三大产业", "休闲农业4大领域", "3 个方向".
_COUNTED = _RULES.regex("counted")
#: Leading verbs and adverbs of an item ("培育壮大X", "提质发展X", "进一步壮大X").
_LEADING_VERBS = _RULES.regex("leading_verbs")
#: "A、B等C": what comes after 等 says what A and B are. A bare closer (等产业, 等新兴产业, 等领域)
#: makes them industries; a non-industry noun (等企业, 等技术应用于…, 等服务消费, 等领域的应用,
#: 等为一体, 等方面) makes them something else.
_DENG = _RULES.regex("deng")
_DENG_AT_END = re.compile(f"(?:{_DENG.pattern})$")
_BARE_CLOSER = _RULES.regex("bare_closer")
_NON_INDUSTRY_HEAD = _RULES.regex("non_industry_head")
#: C names a product or a way of doing things, not an industry: "钢琴、小提琴等乐器及配件产品",
#: "甩挂运输等高效运输方式".
_NON_INDUSTRY_END = _RULES.regex("non_industry_end")
#: The list's items are fields, whatever follows: "新能源、新材料等领域技术研发".
_FIELD_CLOSER = _RULES.regex("field_closer")
#: A list whose items are brought together rather than developed: "促进A与B融合发展".
_JOINED_UP = _RULES.regex("joined_up")
_ONE_BODY = _RULES.regex("one_body")
_ACTOR_ENTERS = _RULES.regex("actor_enters")
_ADVERBIAL = _RULES.regex("adverbial")
_SECTOR_CHAIN = _RULES.regex("sector_suffix_chain")
#: "等业态向自贸区集聚": a preposition after the closer starts where the items go.
_CLOSER_THEN_WHERE = _RULES.regex("closer_then_where")
#: A list closed by one of these calls its items industries (等新兴产业, 等行业, 等新兴金融业态).
_SECTOR_CLOSERS = _RULES.words("sector_closers")


@dataclass
class IndustryMention:
    """An industry wording found in a piece of text."""

    name: str  # as printed (cleaned), e.g. "镁质材料"
    start: int  # offsets into the text that was searched
    end: int
    how: str  # "list" | "sector-list" (items of "A、B等…产业") | "class" (C of "A、B等C") | "lead" | "title"


def _split(segment: str, base: int, pattern: re.Pattern[str]) -> list[tuple[str, int]]:
    pieces: list[tuple[str, int]] = []
    last = 0
    for m in [*pattern.finditer(segment), None]:
        start, end = (m.start(), m.end()) if m else (len(segment), len(segment))
        pieces.append((segment[last:start], base + last))
        last = end
    return pieces


def _items(segment: str, base: int) -> Iterator[tuple[str, int]]:
    """The list items of ``segment`` with their offsets (``base`` = offset of the segment)."""
    pieces = [
        (piece.strip(" \u3000"), offset + piece.find(piece.strip(" \u3000")))
        for piece, offset in _split(segment, base, _MAJOR_SPLIT)
        if piece.strip(" \u3000")
    ]
    # 及 names one industry where the plan names it so, as one item with its own 产业 ("——光伏新能源
    # 及电子信息产业。", "发展石墨深加工及石墨新材料产业"); inside a longer list it joins two
    # ("健康食品、新材料及港口物流、现代服务业") unless the scheme knows the compound (石化及精细化工).
    binds = len(pieces) == 1
    for piece, offset in pieces:
        yield from _minor_items(piece, offset, binds)


def _minor_items(piece: str, base: int, binds: bool = False) -> Iterator[tuple[str, int]]:
    """A list item joined by 及/和/与 is one industry when the scheme knows it whole
    (芳烯烃及精细化工, 装备制造及汽车零部件), when its only joiner is a binding 及 (石化及精细化工,
    see ``_items``), when a part cannot stand alone (汽车及零部件, 钛及金属新材料), or when no part
    but the last reads as an industry and the last is not one the scheme knows alone: the parts
    share its head (矿山和包装机械, 高分子及复合材料产业). Else each part is an item (电子信息制造
    产业和信息服务产业, 航天航海和电子信息产业)."""
    parts = _split(piece, base, _MINOR_SPLIT)
    if len(parts) == 1 or resolve_industry(piece):
        yield piece, base
        return
    joiner = _BINDING.search(piece)
    if binds and joiner and len(parts) == 2 and not cuts_a_word(piece, joiner.start(), joiner.end()):
        first, second = (p.strip() for p, _ in parts)
        # 新能源及新能源汽车: an industry and a branch of it; 普惠可及养老服务: 可及 is a word.
        first_words = tokens(first)
        if not second.startswith(first) and first_words and not first_words[-1].pos.startswith("v"):
            yield piece, base
            return
    # judged without their modifiers (…的) and scope words (东部畜牧和林特产品)
    texts = [_without_scope(p.strip().split(_OF)[-1]) for p, _ in parts]
    texts[-1] = _TAIL.sub("", _COUNTED.sub("", texts[-1]))  # 钢铁及深加工四个主导产业
    if _WITH in piece and not all(resolve_industry(t) or looks_like_industry(t) for t in texts[1:]):
        return  # "装备制造产业与先进国家进行投资合作": 与 is "with" here, not "and"
    if any(len(t) < 2 or _DEPENDENT.match(t) for t in texts):
        yield piece, base
        return
    last = _SECTOR_CHAIN.sub("", texts[-1])
    if not resolve_industry(last) and not any(
        resolve_industry(t) or t.endswith(_TRADE) or looks_like_industry(t) for t in texts[:-1]
    ):
        yield piece, base
        return
    yield from ((p, o) for p, o in parts if p.strip())


#: "“互联网+”现代农业": the internet-enabled form of an industry is that industry.
_INTERNET_PLUS = _RULES.regex("internet_plus")
#: "“袜艺民宿乡村游”休闲体验旅游产业": a quoted brand or slogan before an industry is no part of it.
_QUOTED_PREFIX = _RULES.regex("quoted_prefix")
#: Scope words before an industry the scheme knows: 东部山区生态农业, 中高端生活性服务业, 农村电商,
#: 控制类工业软件.
_SCOPE = _RULES.regex("scope")
_GLUED_VERB = _RULES.regex("glued_verb")
_VERB_AFTER = _RULES.regex("verb_after")
_ZONE_HEAD = _RULES.regex("zone_head")


def _without_scope(text: str) -> str:
    scope = _SCOPE.match(text)
    return text[scope.end() :] if scope and len(text) - scope.end() >= 2 else text


def _strip_item(item: str, offset: int) -> tuple[str, int]:
    """Drop leading verbs and modifiers (…的) and trailing list words from an item."""
    plus = _INTERNET_PLUS.match(item) or _QUOTED_PREFIX.match(item)
    if plus and len(item) - plus.end() >= 2:
        item, offset = item[plus.end() :], offset + plus.end()
    if _OF in item:
        cut = item.rindex(_OF) + 1
        if len(item) - cut >= 2:
            item, offset = item[cut:], offset + cut
    lead = _LEADING_VERBS.match(item)
    if lead and len(item) - lead.end() >= 2:
        item, offset = item[lead.end() :], offset + lead.end()
    # "提质发展X", "科学发展X": whatever precedes a 发展 at the start is a verb phrase.
    glued = _GLUED_VERB.match(item)
    if glued:
        item, offset = item[glued.end() :], offset + glued.end()
    # "住宿餐饮业发展新业态": the industry is what comes before its 发展; but "X产业发展集聚区" is
    # a zone, not an industry.
    after = _VERB_AFTER.search(item)
    if after:
        if _ZONE_HEAD.search(after.group(1)):
            return "", offset
        item = item[: after.start()]
    for _ in range(2):
        item = _COUNTED.sub("", item)
        item = _TAIL.sub("", item)
    item = item.strip()
    grouped = _GROUPED.match(item)
    if grouped and not resolve_industry(item) and resolve_industry(grouped.group(1)):
        item = grouped.group(1)  # "做强农产品加工主导产业": its role is no part of its name
    scope = _SCOPE.match(item)
    if scope and not resolve_industry(item) and resolve_industry(item[scope.end() :]):
        item, offset = item[scope.end() :], offset + scope.end()
    return item, offset


def _closed_by(segment: str) -> str | None:
    m = _CLOSER.search(segment)
    return m.group(1) if m else None


def _is_narrower(key: str, broader: str) -> bool:
    """Whether concept ``key`` lies under ``broader`` in the scheme (or is it)."""
    concepts = scheme()
    seen: set[str] = set()
    todo = [key]
    while todo:
        current = todo.pop()
        if current == broader:
            return True
        if current in seen or current not in concepts:
            continue
        seen.add(current)
        todo.extend(concepts[current].broader)
    return False


def _list_mentions(clause: str, base: int, strong: bool) -> Iterator[IndustryMention]:
    """Industries in the list that follows a trigger verb."""
    if not clause.strip() or _ONE_BODY.match(clause):
        return  # "集A、B为一体的…": the parts of one thing, not goals
    if _JOINED_UP.search(clause):
        return  # "促进A与B融合发展": A and B are brought together, not set as goals
    if _ACTOR_ENTERS.match(clause):
        return  # "支持企业进入市政、旅游…等领域": fields an actor enters, not goals
    entries: list[tuple[str, int, bool]] = []  # (item, offset, lenient)
    head, head_base = clause, base
    m = _YI_WEI.match(clause)
    if m:
        # "以A、B为主的C": A and B are sub-sectors of C; all are goals under a strong trigger.
        for item, offset in _items(m.group(1), base + m.start(1)):
            entries.append((item, offset, strong))
        head, head_base = m.group(2), base + m.start(2)
    deng = _last_deng(head)
    if deng and head[deng.end() :].strip():
        yield from _deng_list(head, head_base, deng, strong, entries)
        return
    closer = _closed_by(head.rstrip())
    head = _TAIL.sub("", head.rstrip())
    if closer in _NON_INDUSTRY_CLOSERS:
        return
    lenient = strong and closer in _SECTOR_WORDS
    items = list(_items(head, head_base))
    if _adverbial(items) or (not strong and not _mostly_industries(items)):
        return
    entries.extend((item, offset, lenient) for item, offset in _without_modifiers(items))
    yield from _accepted(entries)


def _adverbial(items: list[tuple[str, int]]) -> bool:
    """ "在A、B等领域…", "促进消费向绿色、健康…发展": the list says where or whither, not what."""
    return bool(items) and bool(_ADVERBIAL.search(items[0][0]))


def _mostly_industries(items: list[tuple[str, int]]) -> bool:
    """After a weak verb (推进, 加快 …) a list is about industries only when most of its items read
    as industries ("推进大宗工业固体废物和建筑、道路废弃物…资源化利用" is not)."""
    names = [_strip_item(item, offset)[0] for item, offset in items]
    return 2 * sum(looks_like_industry(n) for n in names) >= len(names)


def _last_deng(head: str) -> re.Match[str] | None:
    """The 等 that closes the list: the last one ("A、B等C、D等产业": C and D are items too)."""
    matches = list(_DENG.finditer(head))
    return matches[-1] if matches else None


def _deng_list(
    head: str,
    base: int,
    deng: re.Match[str],
    strong: bool,
    entries: list[tuple[str, int, bool]],
    how: str = "list",
) -> Iterator[IndustryMention]:
    """A list "A、B等C": C (when it names an industry) and those of A, B it allows."""
    items = [_after_inner_deng(item, offset) for item, offset in _items(head[: deng.start()], base)]
    tail = head[deng.end() :]
    before_de = tail.split(_OF)[0]
    if _NON_INDUSTRY_HEAD.search(tail.strip()):
        return
    after = _TAIL.sub("", before_de.strip())
    where = _CLOSER_THEN_WHERE.search(after)
    if where:
        after = after[: where.start()]  # "等业态向自贸区集聚": where the items go is no part of them
    joined = _MINOR_SPLIT.search(after)
    if joined and after[: joined.start()].endswith(_SECTOR_CLOSERS):
        if after[joined.end() :] in _NON_INDUSTRY_CLOSERS:
            return  # "等产业和产品": the items are industries and products at once
        after = after[: joined.start()]  # "等新兴金融业态和金融配套服务机构": the first closer says
    if _NON_INDUSTRY_END.search(after):
        return
    if _adverbial(items) or after == _SERVICES:
        return  # "法律援助、信息咨询等服务": services rendered, not a service industry
    items = _without_modifiers(items)
    # The list calls its items industries: 等产业, 等新兴产业, 等行业, 等新兴金融业态.
    says_sector = after.endswith(_SECTOR_CLOSERS)
    if _BARE_CLOSER.match(after) or is_umbrella(after) or _FIELD_CLOSER.match(tail.strip()):
        if not strong and not _mostly_industries(items):
            return
        entries.extend((item, offset, strong or says_sector) for item, offset in items)
        yield from _accepted(entries, "sector-list" if says_sector else "list")
        return
    # "A、B等C产业": C is the industry; A and B are its examples, kept only when the scheme
    # places them under C (文化创意…等文化产业, 食品饮品等消费品工业) — else they are its products
    # or lines of business (大榛子等特色果业, 传感器…等物联网产业, 袜业、鞋业…等轻纺产业).
    lead_space = len(before_de) - len(before_de.lstrip())
    name, offset = _strip_item(after, base + deng.end() + lead_space)
    parent = resolve_industry(name) or _class_industry(name)
    yield from _accepted(entries)
    services_rendered = name.endswith(_SERVICES) and not parent  # 多样化健康服务, 全方位服务
    if not services_rendered and looks_like_industry(name, lenient=strong and name.endswith(_SECTOR_WORDS)):
        # The list itself says C is a class of things: a goal even after a weak verb.
        yield IndustryMention(name, offset, offset + len(name), "class" if how == "list" else how)
    for item, item_offset in items:
        item_name, item_offset = _strip_item(item, item_offset)
        key = resolve_industry(item_name) or _head_concept(item_name)
        if key and parent and _is_narrower(key, parent):
            yield IndustryMention(item_name, item_offset, item_offset + len(item_name), how)


def _class_industry(name: str) -> str | None:
    """The industry a list's class names once its grouping words and its closer are off
    ("新兴金融业态" -> finance): the items are kinds of it where the scheme says so."""
    for closer in sorted(_SECTOR_CLOSERS, key=len, reverse=True):
        if name.endswith(closer) and len(name) > len(closer):
            name = name[: -len(closer)]
            break
    changed = True
    while changed:
        changed = False
        for word in _UMBRELLA_WORDS:
            if name.startswith(word) and len(name) - len(word) >= 2:
                name, changed = name[len(word) :], True
                break
    return resolve_industry(name)


def _after_inner_deng(item: str, offset: int) -> tuple[str, int]:
    """An item "工业互联网等新一代信息技术" of a longer list stands for its class."""
    inner = _DENG.search(item)
    if inner and len(item) - inner.end() >= 2:
        return item[inner.end() :], offset + inner.end()
    return item, offset


def _without_modifiers(items: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """ "安全、环保、节能、降噪的新型建筑材料": the words before a "…的X" item modify X."""
    for i in range(len(items) - 1, 0, -1):
        if _OF in items[i][0]:
            return items[i:]
    return items


def _accepted(entries: list[tuple[str, int, bool]], how: str = "list") -> Iterator[IndustryMention]:
    for item, offset, lenient in entries:
        name, offset = _strip_item(item, offset)
        if looks_like_industry(name, lenient=lenient):
            yield IndustryMention(name, offset, offset + len(name), how)


def find_goal_industries(text: str) -> list[IndustryMention]:
    """Industries a sentence or paragraph sets as goals (offsets into ``text``).

    In a paragraph that leads with an industry ("——汽车及零部件产业。…重点发展特种车制造、车用曲轴
    加工…"), the lists name that industry's products and lines of business: there an item the
    scheme does not know counts only when it calls itself an industry (…产业, …业)."""
    found: list[IndustryMention] = list(_lead_mentions(text))
    in_lead_paragraph = bool(found)
    for m in _TRIGGER.finditer(text):
        trigger = m.group(0)
        rest_start = m.end()
        end = _clause_end(text, rest_start)
        # A second verb starts a new predicate: "培育壮大“新字号”大力发展…" lists nothing.
        following = _TRIGGER.search(text, rest_start, end)
        if following and following.start() > rest_start and m.group(0) in _STRONG:
            end = following.start()
        clause = text[rest_start:end]
        strong = trigger in _STRONG
        for mention in _list_mentions(clause, rest_start, strong):
            known = resolve_industry(mention.name)
            says_industry = mention.name.endswith(_TRADE) or mention.how == "class"
            if in_lead_paragraph and not known and not says_industry:
                continue  # the lead industry's lines of business (照料护理…养老地产等产业)
            if strong or known or says_industry or mention.how == "sector-list":
                found.append(mention)
    return _dedupe(found)


def _clause_end(text: str, start: int) -> int:
    """Where the clause that starts at ``start`` ends: a stop or comma, but not one inside a
    short bracketed gloss ("RFID（射频识别）、传感器…等物联网产业")."""
    pos = start
    while True:
        m = _CLAUSE_END.search(text, pos)
        if m is None:
            return len(text)
        if m.group(0) in "（(":
            close = re.compile(r"[）)]").search(text, m.end(), m.end() + 16)
            if close and not _CLAUSE_END.search(
                text[m.end() : close.start()].replace("（", "").replace("(", "")
            ):
                pos = close.end()
                continue
        return m.start()


def _dedupe(mentions: list[IndustryMention]) -> list[IndustryMention]:
    seen: set[tuple[int, int]] = set()
    out = []
    for m in sorted(mentions, key=lambda x: (x.start, -x.end)):
        if (m.start, m.end) in seen or any(s <= m.start and m.end <= e for s, e in seen):
            continue
        seen.add((m.start, m.end))
        out.append(m)
    return out


#: A paragraph that leads with an industry: "钢铁产业。", "——新材料产业。", "壮大商务服务产业。",
#: "加快推进金融服务业发展。", "推动建设电子信息制造产业和信息服务产业。", "开发区：发展…".
_LEAD = re.compile(r"^(?:——|—|-)?(?:\*\*)?([^，。；：:！？*]{2,30}?)(?:\*\*)?[。：:]")
_LEAD_VERBS = _RULES.regex("lead_verbs")
_LEAD_JOINED_UP = _RULES.regex("lead_joined_up")
_LEAD_TAIL = _RULES.regex("lead_tail")
_TITLE_TAIL = _RULES.regex("title_tail")
_TITLE_TAIL_WORDS = _RULES.regex("title_tail_words")
_TITLE_COUNT = _RULES.regex("title_count")


def _lead_mentions(text: str) -> Iterator[IndustryMention]:
    m = _LEAD.match(text)
    if not m:
        return
    phrase = m.group(1)
    base = m.start(1)
    plus = _INTERNET_PLUS.match(phrase)
    if plus:
        phrase, base = phrase[plus.end() :], base + plus.end()
    # Drop the leading verb ("壮大", "加快推进") and the trailing "发展" of the lead-in.
    verb = _LEAD_VERBS.match(phrase)
    if verb:
        base += verb.end()
        phrase = phrase[verb.end() :]
    if _LEAD_JOINED_UP.search(phrase):
        return  # "加快实体经济和数字产业融合发展。" (but "养老事业和养老产业协同发展。" leads)
    phrase = _LEAD_TAIL.sub("", phrase)
    if not phrase.endswith(_TRADE + _ECONOMY) and not resolve_industry(phrase):
        found = _industry_then_predicate(phrase)
        if found:
            name = phrase[found[0] : found[1]]
            if looks_like_industry(name, lenient=name.endswith(_TRADE)) and not is_public_service(name):
                yield IndustryMention(name, base + found[0], base + found[1], "lead")
        return
    deng = _DENG.search(phrase)
    if deng and phrase[deng.end() :]:
        # "积极发展食品饮品等消费品工业。": read like a list.
        yield from _deng_list(phrase, base, deng, True, [], "lead")
        return
    says_industry = phrase.endswith(_SECTOR_WORDS)  # "光伏新能源及电子信息产业。": both parts
    for item, offset in _items(phrase, base):
        name, offset = _strip_item(item, offset)
        if (says_industry or name.endswith(_TRADE)) and not resolve_industry(name):
            ok = looks_like_industry(name, lenient=True)
        else:
            ok = bool(resolve_industry(name)) and not is_public_service(name)
        if ok:
            yield IndustryMention(name, offset, offset + len(name), "lead")


#: Tags of the words of an industry's name before its trade word (生活|性|服务业, 农产品|加工业).
_NAME_TAGS = frozenset({"n", "nz", "ng", "nt", "b", "j"})
#: The longest predicate after the industry of a lead-in (扩量纳新, 生产方式).
_MAX_PREDICATE = 6


def _industry_then_predicate(phrase: str) -> tuple[int, int] | None:
    """Where the industry of a lead-in of the form verb + industry + predicate is ("推动金融业扩量
    纳新。", "引导商贸业创新升级。", "优化种植业结构。"): a word of the trade (…业, three characters
    or more, as the segmenter reads it) before a predicate of a few characters, with the nouns
    before it that make its name (the longest the scheme knows, else the nouns: 生活性服务业; an
    adjective or a verb is no part: 全面丰富|服务业态). A known industry before its 发展 is read by
    the lead tail instead ("加快电子商务集聚发展。"; "大力推广健康生活。" names none)."""
    words = tokens(phrase)
    for k in range(len(words) - 1, -1, -1):
        end = words[k].end
        if len(phrase) - end > _MAX_PREDICATE:
            break
        word = words[k]
        if not (word.word.endswith(_TRADE) and len(word.word) >= 3 and word.pos.startswith("n")):
            continue
        if any(w.word.endswith(_TRADE) for w in words[k + 1 :]):
            continue
        start = word.start
        for i in range(k - 1, -1, -1):
            if resolve_industry(phrase[words[i].start : end]):
                start = words[i].start
            elif words[i].pos not in _NAME_TAGS or start != words[i + 1].start:
                break
            else:
                start = words[i].start
        return start, end
    return None


@lru_cache(maxsize=1)
def _named_labels() -> tuple[str, ...]:
    """Every label of the scheme that can name an industry inside a longer text, longest first."""
    labels = {
        label
        for concept in scheme().values()
        for label in (concept.label, *concept.alt_labels)
        if len(label) >= 2 and not is_umbrella(label) and not is_public_service(label)
    }
    return tuple(sorted(labels, key=lambda w: (-len(w), w)))


def industry_named_in(text: str) -> str | None:
    """The longest industry of the scheme a name or a heading holds (天然气利用工程 -> 天然气,
    发展现代物流业 -> 现代物流), or None."""
    text = normalise_name(text)
    for label in _named_labels():
        if label in text:
            return label
    return None


def industry_from_title(title: str) -> str | None:
    """The industry a box title or group label names ("芳烯烃及精细化工产业重点项目" ->
    "芳烯烃及精细化工产业", "新材料产业：" -> "新材料产业"), or None."""
    text = normalise_name(title)
    text = re.sub(r"[“”\"'‘’]", "", text)
    text = _TITLE_TAIL.sub("", text)
    text = _TITLE_TAIL_WORDS.sub("", text)
    text = _TITLE_COUNT.sub("", text)
    text = text.strip(" ：:")
    if not text or is_umbrella(text) or is_public_service(text):
        return None
    if resolve_industry(text):
        return text
    if text.endswith(_TRADE) and looks_like_industry(text, lenient=True):
        return text
    return None


def span_of(span: Span, mention: IndustryMention) -> Span:
    return span.slice(mention.start, mention.end)
