"""The industry concept scheme (SKOS) and the recognition of industries set as development goals.

The scheme is curated in ``data/reference/industries.tsv`` (one concept a line: key, labels,
broader concepts, a GB/T 4754-2017 or 战略性新兴产业分类(2018) code where one fits) and published as
``ontology/industries.ttl`` (``scripts/build_industry_scheme.py``). A wording of the text resolves
to a concept through its labels after normalising (NFKC, no spaces, trailing 产业/行业/业 trimmed).
An industry the scheme lacks becomes a *candidate* concept keyed by ``vocab.name_key`` of its
trimmed name, typed ``pg:CandidateIndustry`` so a curator can review it.

Goals are read from the wordings plans use to set them: a trigger verb followed by a list
(大力发展…、重点发展…、培育壮大…产业, "X板块重点发展A、B、C", "重点发展以A、B为主的C"), a paragraph
that leads with an industry ("钢铁产业。", "——新材料产业。", "壮大商务服务产业。"), and the titles
and group labels of project boxes (done in ``extract.py``, which knows the boxes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from ..model import Span
from ..settings import get_settings
from ..vocab import DCTERMS, ID, PG, RDF, SKOS, industry_iri, name_key, normalise_name

SCHEME_IRI = ID["industry-scheme"]
SOURCES = {
    "GB": "GB/T 4754-2017 国民经济行业分类",
    "SEI": "战略性新兴产业分类(2018)",
}


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
    return get_settings().reference_dir / "industries.tsv"


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

_SUFFIXES = ("产业", "行业")


def display_name(name: str) -> str:
    """The name as an industry label: normalised, without a trailing 产业/行业 (kept when the rest
    would be a single character, as in 渔业) and without a trailing 等."""
    text = normalise_name(name)
    text = re.sub(r"等$", "", text)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) - len(suffix) >= 2:
            return text[: -len(suffix)]
    return text


def industry_core(name: str) -> str:
    """The comparison form: ``display_name`` without a trailing 业 either (农副产品加工业 ->
    农副产品加工) when at least two characters remain."""
    text = display_name(name)
    if text.endswith("业") and len(text) >= 3:
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
    """The curated concept key for a wording of the text, or None."""
    core = industry_core(name)
    return _label_index_at(_table_path()).get(core) if core else None


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
    g.add((SCHEME_IRI, SKOS.prefLabel, Literal("产业分类", lang="zh")))
    g.add((SCHEME_IRI, SKOS.prefLabel, Literal("Industry scheme of plangraph", lang="en")))
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
        with_suffix = forms[0] + "产业"
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
            key, label = item  # type: ignore[misc]
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
_UMBRELLA_WORDS = (
    "战略性",
    "战略",
    "新兴",
    "传统",
    "主导",
    "支柱",
    "优势",
    "特色",
    "潜力",
    "未来",
    "高新技术",
    "高技术",
    "绿色",
    "区域",
    "重点",
    "相关",
    "配套",
    "关联",
    "上下游",
    "地方",
    "县域",
    "新",
    "各类",
    "各",
    "其他",
    "其它",
    "相关领域",
    "优质",
    "高端",
    "先进",
    "现代",
    "新型",
    "接续",
    "替代",
    "朝阳",
    "实体",
    "三大",
    "四大",
    "五大",
    "六大",
    "两大",
    "二大",
    "多元",
    "本地",
    "民族",
    "本土",
    "下游",
    "上游",
    "中游",
    "基础",
    "核心",
    "新业态",
    "智慧",
    "智能",
    "生态",
    "低碳",
    "跨行业",
    "沿海地区",
    "重大",
)
_UMBRELLA_EXACT = {
    "产业",
    "工业",
    "服务业",
    "制造业",
    "第一产业",
    "第二产业",
    "第三产业",
    "一二三产业",
    "三次产业",
    "循环经济",
    "海洋经济",
    "海洋",
    "经济",
    "实体经济",
    "数字经济",
    "民营经济",
    "县域经济",
    "农业农村",
    "海洋产业",
    "农林牧渔业",
    "新兴产业",
    "未来产业",
    "高新技术产业",
    "文化事业",
    "事业",
    "双创",
}

#: Words that make a phrase something other than an industry (an actor, a place, a policy ...).
_NOT_INDUSTRY = re.compile(
    r"企业|事业|就业|创业|职业|专业|物业|作业|学业|毕业|商业模式|产业链|产业集群|产业园|产业基地|"
    r"基地|园区|项目|工程|平台|体系|能力|水平|机制|模式|环境|设施|中心|集团|公司|市场|品牌|"
    r"技术创新|建设|改造|升级|融合|转型|结构|布局|格局|规模|效益|质量|示范|城市|乡村|"
    r"[0-9０-９]|[A-Za-z]{4,}"
)

#: What an industry-like wording ends with when the scheme does not know it.
_INDUSTRY_ENDINGS = (
    "产业",
    "行业",
    "业",
    "制造",
    "加工",
    "精深加工",
    "深加工",
    "材料",
    "新材料",
    "农业",
    "旅游",
    "物流",
    "服务",
    "养殖",
    "种植",
    "能源",
    "装备",
    "医药",
    "化工",
    "电商",
    "电子商务",
    "贸易",
    "康养",
    "养老",
    "金融",
    "经济",
    "会展",
    "信息",
    "软件",
    "传媒",
    "媒体",
    "娱乐",
    "创意",
)


def is_umbrella(name: str) -> bool:
    core = display_name(name)
    if core in _UMBRELLA_EXACT or normalise_name(name) in _UMBRELLA_EXACT:
        return True
    # "三个特色产业", "四大产业": a counted group of industries.
    rest = re.sub(r"^[一二两三四五六七八九十0-9]+[个大项类]", "", core)
    # An umbrella is made only of grouping words: 战略性新兴产业 -> "", 传统优势产业 -> "".
    changed = True
    while changed and rest:
        changed = False
        for word in sorted(_UMBRELLA_WORDS, key=len, reverse=True):
            if rest.startswith(word):
                rest = rest[len(word) :]
                changed = True
                break
        rest = rest.lstrip("的和及、与")
    return rest in ("", "产业", "业", "行业", "服务业", "制造业", "工业", "经济", "领域")


def looks_like_industry(name: str, *, lenient: bool = False) -> bool:
    """Whether a list item reads as an industry: known to the scheme, or (not an umbrella, not an
    actor or a policy word) ending like an industry. ``lenient``: the list itself says its items are
    industries (…等产业), so the ending is not required."""
    text = normalise_name(name)
    if not 2 <= len(text) <= 16 or display_name(text) in _UMBRELLA_EXACT:
        return False
    if resolve_industry(text):
        return True
    if is_umbrella(text) or _NOT_INDUSTRY.search(text):
        return False
    if text.endswith("经济"):
        return False  # 夜经济, 共享经济, 村级集体经济: economies, not industries (林下经济 is curated)
    if lenient:
        return True
    if text.endswith("产品"):
        return False
    return text.endswith(_INDUSTRY_ENDINGS) and len(industry_core(text)) >= 2


# Trigger verbs that set a goal, longest first so "重点发展" wins over "发展".
_STRONG_TRIGGERS = (
    "大力发展",
    "重点发展",
    "加快发展",
    "积极发展",
    "培育发展",
    "培育壮大",
    "发展壮大",
    "做大做强",
    "做优做强",
    "做强做优",
    "做精做强",
    "着力发展",
    "优先发展",
    "提升发展",
    "大力培育",
    "积极培育",
    "重点培育",
    "加快培育",
    "着力培育",
    "重点打造",
    "引导发展",
    "鼓励发展",
    "延伸发展",
    "突出发展",
    "振兴发展",
    "集聚发展",
    "培育和发展",
    "发展",
    "壮大",
)
_WEAK_TRIGGERS = ("推动", "推进", "促进", "加快", "支持", "引进", "布局", "打造", "建设")
_TRIGGER = re.compile("|".join(sorted(_STRONG_TRIGGERS + _WEAK_TRIGGERS, key=len, reverse=True)))
_STRONG = set(_STRONG_TRIGGERS) - {"发展", "壮大"}

_CLAUSE_END = re.compile(r"[，。；：！？,;:!?（(]")
#: "以A、B为主的C" / "以A为重点的C".
_YI_WEI = re.compile(r"^以(.+?)为(?:主|主导|重点|核心|龙头|特色|主体|支撑)的(.+)$")
#: The word that closes a list and says what its items are.
_CLOSER = re.compile(r"(?:等)?(产业|行业|领域|产品|项目|技术|业态|企业|工程|服务|品种|基地|园区)$")
_LIST_SPLIT = re.compile(r"[、,，/]|以及|和|与|及")
_TAIL = re.compile(
    r"(?:等(?:产业|行业|领域|新兴产业|特色产业)?|产业集群|产业链|(?:加快|快速|协同|健康|升级|创新|融合|集聚|"
    r"高质量|持续|规模化|集群化)?发展)$"
)


@dataclass
class IndustryMention:
    """An industry wording found in a piece of text."""

    name: str  # as printed (cleaned), e.g. "镁质材料"
    start: int  # offsets into the text that was searched
    end: int
    how: str  # "list" | "lead" | "title"


def _items(segment: str, base: int) -> Iterator[tuple[str, int]]:
    """The list items of ``segment`` with their offsets (``base`` = offset of the segment)."""
    # A compound joined by 及 and ending with one 产业 ("芳烯烃及精细化工产业") is one industry
    # when no part but the last reads as an industry on its own.
    parts = [(m.start(), m.end()) for m in _LIST_SPLIT.finditer(segment)]
    pieces: list[tuple[str, int]] = []
    last = 0
    for start, end in [*parts, (len(segment), len(segment))]:
        pieces.append((segment[last:start], base + last))
        last = end
    joined_by_ji = all(segment[s:e] in ("及", "和", "与") for s, e in parts) and parts
    if joined_by_ji and resolve_industry(segment):
        yield segment, base
        return
    if (
        joined_by_ji
        and segment.endswith("产业")
        and not any(resolve_industry(p) or p.endswith(("产业", "业")) for p, _ in pieces[:-1] if p)
    ):
        yield segment, base
        return
    for piece, offset in pieces:
        stripped = piece.strip(" \u3000")
        if stripped:
            yield stripped, offset + piece.find(stripped)


def _strip_item(item: str, offset: int) -> tuple[str, int]:
    """Drop a leading quantity/adjective phrase and trailing list words from an item."""
    lead = re.match(r"^(?:一批|一些|以|加快|推进|推动|大力|积极|重点|着力|培育|建设|发展|壮大)+", item)
    if lead and len(item) - lead.end() >= 2:
        offset += lead.end()
        item = item[lead.end() :]
    item = _TAIL.sub("", item)
    return item, offset


def _closed_by(segment: str) -> str | None:
    m = _CLOSER.search(segment)
    return m.group(1) if m else None


def _list_mentions(clause: str, base: int, strong: bool) -> Iterator[IndustryMention]:
    """Industries in the list that follows a trigger verb."""
    if not clause.strip():
        return
    items_base = base
    head = clause
    extra: list[tuple[str, int, bool]] = []
    m = _YI_WEI.match(clause)
    if m:
        # "以A、B为主的C": A and B are sub-sectors of C; all are goals under a strong trigger.
        for item, offset in _items(m.group(1), base + m.start(1)):
            extra.append((item, offset, strong))
        head = m.group(2)
        items_base = base + m.start(2)
    closer = _closed_by(head.rstrip())
    head = _TAIL.sub("", head.rstrip())
    if closer in ("产品", "项目", "技术", "企业", "工程", "品种", "基地", "园区", "业态"):
        return
    lenient = strong and closer in ("产业", "行业")
    for item, offset in _items(head, items_base):
        extra.append((item, offset, lenient))
    for item, offset, item_lenient in extra:
        name, offset = _strip_item(item, offset)
        if looks_like_industry(name, lenient=item_lenient):
            yield IndustryMention(name, offset, offset + len(name), "list")


def find_goal_industries(text: str) -> list[IndustryMention]:
    """Industries a sentence or paragraph sets as goals (offsets into ``text``)."""
    found: list[IndustryMention] = []
    found.extend(_lead_mentions(text))
    for m in _TRIGGER.finditer(text):
        trigger = m.group(0)
        rest_start = m.end()
        end_match = _CLAUSE_END.search(text, rest_start)
        end = end_match.start() if end_match else len(text)
        clause = text[rest_start:end]
        strong = trigger in _STRONG
        for mention in _list_mentions(clause, rest_start, strong):
            if strong or resolve_industry(mention.name) or mention.name.endswith(("产业", "业")):
                found.append(mention)
    return _dedupe(found)


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
_LEAD = re.compile(r"^(?:——|—|-|\*\*)?([^，。；：:！？]{2,30}?)[。：:]")


def _lead_mentions(text: str) -> Iterator[IndustryMention]:
    m = _LEAD.match(text)
    if not m:
        return
    phrase = m.group(1)
    base = m.start(1)
    # Drop the leading verb ("壮大", "加快推进") and the trailing "发展" of the lead-in.
    verb = re.match(
        r"^(?:持续|加快|大力|积极|着力|培育|推动|推进|促进|壮大|发展|做大做强|做强|做优|提升|"
        r"优先|突出|建设|规范|支持|引导|鼓励|巩固|打造|振兴|加强|扶持|重点|规模化|培育和)+",
        phrase,
    )
    if verb:
        base += verb.end()
        phrase = phrase[verb.end() :]
    phrase = re.sub(r"(?:加快|快速|协同|健康|升级|创新|融合|高质量|持续)?发展$", "", phrase)
    if not phrase.endswith(("产业", "业", "经济")) and not resolve_industry(phrase):
        return
    for item, offset in _items(phrase, base):
        name, offset = _strip_item(item, offset)
        if name.endswith(("产业", "业")) and not resolve_industry(name):
            ok = looks_like_industry(name, lenient=True)
        else:
            ok = bool(resolve_industry(name))
        if ok:
            yield IndustryMention(name, offset, offset + len(name), "lead")


def industry_from_title(title: str) -> str | None:
    """The industry a box title or group label names ("芳烯烃及精细化工产业重点项目" ->
    "芳烯烃及精细化工产业", "新材料产业：" -> "新材料产业"), or None."""
    text = normalise_name(title)
    text = re.sub(r"[“”\"'‘’]", "", text)
    text = re.sub(
        r"(?:实施的|发展的)?(?:重大|重点|主要)?(?:建设)?(?:工程项目|项目及工程|项目和工程|工程和项目|"
        r"项目|工程|方向与布局|发展方向|布局)$",
        "",
        text,
    )
    text = re.sub(r"(?:重点|重大|主要|建设)+$", "", text)
    text = re.sub(r"[一二三四五六七八九十0-9]+项$", "", text)
    text = text.strip(" ：:")
    if not text or is_umbrella(text):
        return None
    if resolve_industry(text):
        return text
    if text.endswith(("产业", "行业", "业")) and looks_like_industry(text, lenient=True):
        return text
    return None


def span_of(span: Span, mention: IndustryMention) -> Span:
    return span.slice(mention.start, mention.end)
