"""Projects: the numbered items of project boxes, and named projects and facilities in prose.

Box items become projects listed in their box, with their number and group, supporting the
industry the group label or the box title names. In prose, a project is a concrete named thing
one could build or complete: a name ending like a work or a facility (…工程, …项目, …码头,
…泊位, …机场, …高速公路, …污水处理厂, …医院 …) in a clause about building it, or an item of a
list closed by 等项目 / 等工程 / 等…设施 (望海珍珠湾、北海浴场及海蚀地貌景观区等项目). Generic
phrases (城市垃圾处理厂, 医疗废弃物集中处置设施项目) are left out: a name must keep a proper element
once generic words are taken out, and a kind of base or platform (生产基地, 服务平台, 创新中心) needs a
place, a number or a Latin name. A list must be built (a building verb before it, or 建成/开工 after
it); its items name works unless it closes on a field (等领域重大项目). Names used as landmarks
(…两侧), roles (以X为核心), things in use (发挥X作用, 依托X), companies alone, state designations
and the parks the park extractor found are not projects. Status comes from the verbs of its
clause (建成/竣工/通车 -> completed; 续建/加快建设/推进 -> ongoing; 开工/谋划/建设 -> planned).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import Amount, Box, Evidence, Park, Project
from ..vocab import normalise_name
from . import industries as ind
from .amounts import investment_amount, investments, quantity_amount
from .common import sentence_around
from .lexicon import rules
from .segment import (
    PROPER_NOUN_TAGS,
    boundaries,
    has_proper_word,
    reads_as_proper,
    tokens,
    without_leading_verbs,
    word_at,
)

if TYPE_CHECKING:
    from .common import BlockContext, DocumentContext

_RULES = rules("projects")
#: Box titles that announce projects, and those that announce something else.
_PROJECT_TITLE = _RULES.regex("box_title")
_NOT_PROJECT_TITLE = _RULES.regex("not_project_box_title")


def is_project_box(box: Box) -> bool:
    """A box whose items are projects (the structure stage may leave a titled list as "other")."""
    if box.kind == "projects":
        return True
    if box.kind == "indicators" or not box.items:
        return False
    if _NOT_PROJECT_TITLE.search(box.title or ""):
        return False
    return bool(_PROJECT_TITLE.search(box.title or ""))


# --- box items -------------------------------------------------------------------------------


def box_projects(ctx: DocumentContext, parks: list[Park]) -> list[Project]:
    projects: list[Project] = []
    for box in ctx.doc.boxes:
        if not is_project_box(box):
            continue
        if box.kind == "other":
            box.kind = "projects"
        title_industry = ind.industry_from_title(box.title or "")
        for item in box.items:
            name = normalise_name(item.name)
            if not name:
                continue
            evidence = Evidence(item.span, item.line)
            group_industry = ind.industry_from_title(item.group) if item.group else None
            industry_name = group_industry or title_industry
            industry = None
            if industry_name:
                concept = ind.concept_for(industry_name)
                ctx.industry_labels.setdefault(concept, ind.display_name(industry_name))
                industry = (concept, evidence)
            else:
                industry = _industry_of_name(name, evidence, ctx) or _industry_of_heading(box.division, ctx)
            status = _status(item.description or item.span.text, default=None)
            capacity = capacity_of(name)
            projects.append(
                Project(
                    name=name,
                    spans=[evidence],
                    box=box.order,
                    item_number=item.number,
                    group=item.group,
                    industry=industry,
                    status=status,
                    location=_location(name, parks, ctx, evidence),
                    capacity=capacity,
                    status_evidence=evidence if status else None,
                    investment=_investment_in(item.span.text, evidence),
                    capacity_amount=quantity_amount(capacity, evidence) if capacity else None,
                )
            )
    return projects


# --- prose -----------------------------------------------------------------------------------

#: Endings of project and facility names (head nouns), longest first.
_ENDING_RE = _RULES.regex("head")
#: A work named by what it builds and how: "辽阳市北城墙遗址公园改造".
_ENDS_LIKE_WORK = _RULES.regex("ends_like_work")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9０-９#＃\-—－.．·“”\"（）() ]")
_MAX_NAME = 36

#: Words before a name that are not part of it.
_BOUNDARY = _RULES.regex("boundary")


@lru_cache(maxsize=1)
def _generic_words() -> tuple[str, ...]:
    words = set(_RULES.words("generic"))
    # A head inside a name is a kind (地下综合管廊项目, 景区公路, 新城枢纽), not a proper part, unless
    # it is a facility a city has one of, which names the thing by it (机场路, 博物馆新馆).
    landmarks = set(_RULES.words("landmark_heads"))
    words |= {w for w in _RULES.words("heads") if len(w) >= 2 and w not in landmarks}
    for concept in ind.scheme().values():
        for label in (concept.label, *concept.alt_labels):
            if len(label) >= 2:
                words.add(label)
    # Ties in a fixed order, so that builds are reproducible.
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


#: What a work (…工程, …项目) builds when it is a thing rather than a programme.
_CONCRETE = re.compile("|".join(re.escape(w) for w in _RULES.words("concrete_parts")))
_QUANTITY = _RULES.regex("quantity")


def has_proper_name(
    name: str,
    places: Sequence[tuple[int, int]] = (),
    own: tuple[str, ...] = (),
    home: Sequence[tuple[int, int]] = (),
) -> bool:
    """Whether a project name names one particular thing (a place, an owner, a number …). ``own``:
    the words (市, 县, 区) that name the document's own jurisdiction (see ``own_jurisdiction``);
    ``home``: the spans of ``places`` that name that jurisdiction or one above it."""
    name = _BRACKET_GLOSS.sub("", name)  # 农（渔）家乐 is 农家乐
    core = _without_last_ending(name)  # 过街天桥: the head is 桥; 街 inside is part of 过街
    built = _without_last_ending(name)  # 沈辽鞍城际铁路项目 builds a 城际铁路
    # A quoted slogan says nothing of what is built (“模塑申城”工程, “天府森林四库”项目), nor does
    # the document's own city right before the head (气化营口工程, “气化”锦州工程: a programme for
    # all of it; 辽宁圣源食品…项目 is named by its owner).
    unquoted = _QUOTED.sub("", built)
    elsewhere = [p for p in places if p not in home or p[1] != len(built)]
    if name.endswith(_PROGRAMME_HEADS) and not (
        _CONCRETE.search(unquoted) or elsewhere or _QUANTITY.search(built)
    ):
        return False  # a programme (种子工程, 文化惠民工程), not a thing one builds
    if _DESIGNATION.search(name):
        return False  # 国家新型工业化示范基地: a title the state awards, not a thing one builds
    if re.search(r"[0-9０-９]", core):
        return True
    words = tokens(name)
    if len(words) > 1 and words[0].word in own:
        return True  # 市美术馆, 市博物馆新馆: the city's own
    if name.endswith(_WEAK_ENDINGS) and not (places or re.search(r"[A-Za-z]", core)):
        return False  # 优质水稻生产基地, 外贸综合服务平台: a kind of base, not one named base
    left = _strip_generic(core, places)
    if name.endswith(_FUNCTION_HEADS) and not places and not re.search(r"[A-Za-z]", left):
        return reads_as_proper(core, left)
    return len(left) >= 2 or bool(re.search(r"[A-Za-z]", left))


#: Heads that name a kind of thing unless a place, a number or a Latin name says which one.
_WEAK_ENDINGS = _RULES.words("weak_heads")
_OWN_JURISDICTION = _RULES.words("own_jurisdiction")


def own_jurisdiction_words(region_code: str | None, gazetteer) -> tuple[str, ...]:
    """The word that names the document's own jurisdiction before a facility: the last character
    of its name (营口市 -> 市, 天津市 -> 市, 高唐县 -> 县; 辽宁省 -> none)."""
    region = gazetteer.get(region_code) if region_code else None
    if region is None or not region.name.endswith(_OWN_JURISDICTION):
        return ()
    return (region.name[-1],)


_FUNCTION_HEADS = _RULES.words("function_heads")
#: Heads of works that may be programmes rather than things (种子工程).
_PROGRAMME_HEADS = _RULES.words("not_a_project_key_nodes")
_BRACKET_GLOSS = re.compile(r"[（(][\u4e00-\u9fff]{1,2}[）)]")
_QUOTED = re.compile(r"“[^“”]*”")
_DESIGNATION = _RULES.regex("designation")


def _without_last_ending(name: str) -> str:
    endings = list(_ENDING_RE.finditer(name))
    if endings and endings[-1].end() == len(name):
        return name[: endings[-1].start()]
    return name


def _strip_generic(text: str, places: Sequence[tuple[int, int]]) -> str:
    if places:
        return "xx"  # a place name inside the name is a proper element
    chars = list(text)
    joined = text
    for word in _generic_words():
        if len(word) < 2:
            continue  # single characters are parts of proper names too (哈大高铁, 光大金融大厦)
        start = 0
        while (i := joined.find(word, start)) >= 0:
            for j in range(i, i + len(word)):
                chars[j] = "\0"
            start = i + len(word)
    return re.sub(r"[\0\s（）()“”\"#＃\-—－.．·]", "", "".join(chars))


_COMPLETED = _RULES.regex("status_done")
_ONGOING = _RULES.regex("status_ongoing")
_PLANNED = _RULES.regex("status_planned")
_DUE_SOON = _RULES.regex("due_soon")
_AIM = _RULES.regex("aim")


def _status(clause: str, default: str | None = "Planned") -> str | None:
    if _DUE_SOON.search(clause):
        return "Ongoing"
    if _COMPLETED.search(clause) and not _AIM.search(clause):
        return "Completed"
    if _ONGOING.search(clause):
        return "Ongoing"
    if _PLANNED.search(clause):
        return "Planned"
    return default


_CAPACITY = _RULES.regex("capacity")


def capacity_of(name: str) -> str | None:
    m = _CAPACITY.search(name)
    return m.group(0) if m else None


@dataclass
class _Found:
    name: str
    start: int
    end: int
    closer: str = ""  # for an item of a list closed by 等…: the closing word (项目, 设施 …)


def _name_start(text: str, end: int, floor: int, head_start: int | None = None) -> int:
    """Where the name that ends at ``end`` begins: after the last boundary word before it that
    is not part of the name (see ``_inside_the_name``). ``head_start``: where its head begins
    when that head is a work's (工程, 项目), which a verb before it may describe."""
    i = end
    while i > floor and end - i < _MAX_NAME and _NAME_CHARS.match(text[i - 1]):
        i -= 1
    window = text[i:end]
    found = [m for m in _BOUNDARY.finditer(window) if m.end() < len(window) - 1]
    start = i
    for k in range(len(found) - 1, -1, -1):
        after = found[k - 1].end() if k > 0 else 0
        if not _inside_the_name(text, i + after, i + found[k].start(), found[k].group(0), head_start):
            start = i + found[k].end()
            break
    while start < end and text[start] in ' ）)”"、':
        start += 1
    return start


def _inside_the_name(text: str, after: int, at: int, word: str, head_start: int | None) -> bool:
    """Whether the boundary ``word`` at ``text[at:]`` (the previous one ends at ``after``) is part
    of the name after all: a one-character word with one noun or adjective character before it
    makes a word with it (推进大有国家一级渔港, 、金和机电: no name is one character long; not 走以…,
    八是…), and a verb right before a work's head with a name before it says what the work does
    (凌南—松山天然气利用工程, 省道242高唐段大修工程, 沿海产业基地基础设施整体运营项目)."""
    if len(word) == 1 and at - after == 1 and _CJK.match(text[after]):
        token = word_at(text, after)
        return token is not None and len(token.word) == 1 and token.pos.startswith(_NAME_PART_TAGS)
    return len(word) >= 2 and at + len(word) == head_start and at - after >= 2


#: Tags of a character that may begin a name: nouns (n, ns, nr, ng, nz …), adjectives, abbreviations.
_NAME_PART_TAGS = ("n", "a", "j", "b")


#: A list closed by "等…项目/工程/设施/平台": its items are projects — unless the words between
#: say they are fields ("参与基础设施、基础产业等领域重大项目").
_LIST_CLOSER = _RULES.regex("list_closer")
_FIELDS = _RULES.regex("fields")
_LIST_TRIGGER = _RULES.regex("list_trigger")
_WORK_CLOSERS = _RULES.words("work_closers")
_FACILITY_CLOSERS = _RULES.words("facility_closers")
_LIST_ITEM_CONJUNCTIONS = "".join(_RULES.words("list_item_conjunctions"))
_CLAUSE_BREAK = re.compile(r"[，。；：！？,;:!?]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_DIGIT_RUN = re.compile(r"[0-9０-９]+")


def _list_items(text: str) -> list[_Found]:
    found: list[_Found] = []
    for closer in _LIST_CLOSER.finditer(text):
        if _FIELDS.search(closer.group(1)):
            continue
        clause_start = 0
        for m in _CLAUSE_BREAK.finditer(text, 0, closer.start()):
            clause_start = m.end()
        triggers = list(_LIST_TRIGGER.finditer(text, clause_start, closer.start()))
        if triggers:
            segment_start = triggers[-1].end()
        elif _COUNTED_PROJECTS.search(closer.group(1)) or _BUILD_CONTEXT.search(
            _clause_after(text, closer.end())
        ):
            # "A、B等项目建成投产": the list is the subject; "A、B等一批重点项目": the list counts
            # its items as projects
            segment_start = clause_start
        else:
            continue  # "发挥A、B等平台作用": things that exist, not things to build
        for start, end in _split_list(text, segment_start, closer.start()):
            cut = _name_start(text, end, start)
            if (
                cut == start + 1
                and text[start] in _LIST_ITEM_CONJUNCTIONS
                and text[start - 1 : start] == "、"
            ):
                cut = start  # "中粮集团、和润集团粮油深加工": 和 right after 、 begins a name
            found.append(_Found(text[cut:end], cut, end, closer.group(2)))
    return found


def _clause_after(text: str, start: int) -> str:
    m = _CLAUSE_BREAK.search(text, start)
    return text[start : m.start() if m else len(text)]


def _split_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Items of a 、-list as (start, end); 及/和 split an item only when what follows is itself a
    facility name (北海浴场及海蚀地貌景观区), not inside one name (特大高精铝及铝合金加工材)."""
    items: list[tuple[int, int]] = []
    pos = start
    for piece in _outside_quotes_split(text[start:end]):
        a, b = pos, pos + len(piece)
        m = _CONJUNCTION.search(piece)
        if m and _ENDING_RE.search(piece[: m.start()]) and _ENDING_RE.search(piece[m.end() :]):
            items += [(a, a + m.start()), (a + m.end(), b)]
        else:
            items.append((a, b))
        pos = b + 1
    return [(a, b) for a, b in items if b > a]


def _outside_quotes_split(text: str) -> list[str]:
    """Split at 、 except inside quotes: “千村美丽、万村整洁”行动 is one item."""
    pieces, depth, last = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            pieces.append(text[last:i])
            last = i + 1
    pieces.append(text[last:])
    return pieces


#: Words that continue a name past an ending: "三级医院服务中心" is no 医院.
_NAME_GOES_ON = _RULES.regex("name_goes_on")
_CONJUNCTION = _RULES.regex("conjunction")
_QUANTITY_START = _RULES.regex("quantity_start")
_CLASS_BEFORE = _RULES.regex("class_before")
_NAME_TAIL = _RULES.regex("name_tail")
_COUNTED_PROJECTS = _RULES.regex("counted_projects")


def _shared_head_start(text: str, start: int, floor: int) -> int:
    """ "100 万亩优质玉米、60 万亩优质水稻生产基地": quantified items that share one head are one name."""
    while text[start - 1 : start] == "、" and _QUANTITY_START.match(text, start):
        before = _name_start(text, start - 1, floor)
        piece = text[before : start - 1]
        if not _QUANTITY_START.match(piece) or _ENDING_RE.search(piece):
            break
        start = before
    return start


def _ends_a_name(text: str, start: int, end: int) -> bool:
    """Whether a one-character head inside a word ends a name: the word is a proper noun (营口港)
    or has two or more characters before the head (学府|路), not one (思|路, 之|路)."""
    word = word_at(text, start)
    return word is not None and (word.pos in PROPER_NOUN_TAGS or start - word.start >= 2) and word.end == end


def _suffix_names(text: str) -> list[_Found]:
    found: list[_Found] = []
    edges = boundaries(text)
    for m in _ENDING_RE.finditer(text):
        if len(m.group(0)) == 1 and (
            m.end() not in edges or (m.start() not in edges and not _ends_a_name(text, m.start(), m.end()))
        ):
            continue  # a one-character head inside a word (路|径, 桥|梁) or ending a common one (思|路)
        tail = _NAME_TAIL.match(text, m.end())
        end = tail.end() if tail and tail.end() in edges else m.end()
        # "工程项目" ends at 项目: skip an ending immediately followed by another ending.
        if end == m.end() and (_ENDING_RE.match(text, end) or _NAME_GOES_ON.match(text, end)):
            continue
        clause_start = 0
        for b in _CLAUSE_BREAK.finditer(text, 0, m.start()):
            clause_start = b.end()
        # Only a work (…工程, …项目) is named by what it does (天然气利用工程); before any other
        # head a verb introduces the name (推进铁路, 打造高铁, 优化提升西站).
        work_head = m.start() if m.group(0).endswith(_PROGRAMME_HEADS) else None
        start = _name_start(text, m.end(), clause_start, work_head)
        start = _shared_head_start(text, start, clause_start)
        if _CLASS_BEFORE.search(text[max(0, start - 4) : start]):
            continue  # "…等港口基础设施项目": the class of a list's items, not one of them
        if m.end() - start > len(m.group(0)):
            found.append(_Found(text[start:end], start, end))
    return found


_BUILD_CONTEXT = _RULES.regex("build_context")
_NOT_A_PROJECT = _RULES.regex("not_a_project")
_LEADING_PARTICLE = _RULES.regex("leading_particle")


def _clean_name(name: str) -> str:
    printed = name
    name = name.strip(" “”\"'（）()、")
    if name.count("”") == name.count("“") + 1 and printed.lstrip(" （(、").startswith("“"):
        # “北三村”道路维修, “两河”湿地公园: a quoted part opens the name, so its quote is printed
        # with it (without it the name is not in the text: it was dropped).
        name = "“" + name
    if name.count("“") != name.count("”"):
        name = name.replace("“", "").replace("”", "")
    return _LEADING_PARTICLE.sub("", name)


def prose_projects(ctx: DocumentContext, parks: list[Park]) -> list[Project]:
    from .places import find_places
    from .regions import Gazetteer

    gazetteer = Gazetteer.load()
    context = gazetteer.context_for(ctx.region_code) if ctx.region_code else []
    own = own_jurisdiction_words(ctx.region_code, gazetteer)
    projects: dict[str, Project] = {}
    order: list[str] = []
    taken: list[tuple[int, int]] = []  # source offsets of the names read so far
    in_clause: dict[tuple[int, int], list[str]] = {}  # (block, clause start) -> projects named there
    amount_of: dict[tuple[int, int], Amount | None] = {}  # (block, clause start) -> its investment
    for bc in ctx.blocks:
        if bc.box is not None:
            continue  # box contents are box items, not prose
        text = bc.block.text
        candidates = _list_items(text) + _suffix_names(text)
        for found in sorted(candidates, key=lambda f: (f.start, -f.end)):
            name = _clean_name(found.name)
            shorter = without_leading_verbs(name)
            if shorter != name:
                name, found = shorter, _Found(shorter, found.end - len(shorter), found.end, found.closer)
            if not 3 <= len(name) <= _MAX_NAME or _NOT_A_PROJECT.search(name):
                continue
            if len(_DIGIT_RUN.findall(name)) >= 4 and 2 * len(_CJK.findall(name)) < len(name):
                continue  # "0 0孬0孬0…（360）铁路": an OCR's debris, not a name (410路 is one)
            if found.closer and found.closer not in _WORK_CLOSERS and not _ENDS_LIKE_WORK.search(name):
                continue  # "工业互联网、物联网等新一代信息技术基础设施": kinds, not works
            if _only_a_reference(text, found):
                continue
            printed, printed_found = name, found
            name, found = _without_park_prefix(name, found, parks)
            if _is_park(name, parks) or _NOT_A_PROJECT.search(name) or _COMPANY.search(name):
                continue
            if _COUNTED_FACILITIES.match(name):
                continue
            hits = find_places(name, context, gazetteer)
            places = [(s, e) for s, e, _ in hits]
            home = [(s, e) for s, e, region in hits if region.code in context]
            if any(e == len(name) and e - s > len(name) // 2 for s, e in places):
                continue  # 大石桥, 淮南谢桥: a place named like a work
            if (
                found.closer
                and found.closer not in _FACILITY_CLOSERS
                and not _ENDING_RE.search(name)
                and not (places or has_proper_word(name))
            ):
                continue  # "职业教育、水资源保障等项目": an item with no head must name someone or somewhere
            if not has_proper_name(name, places, own, home):
                if name == printed or not has_proper_name(name, [(0, 0)], own):
                    continue
                # 西海工业园区分布式光伏发电示范项目: without its park the name says nothing.
                name, found = printed, printed_found
            sentence = sentence_around(bc.block.span, found.start, found.end)
            if not _BUILD_CONTEXT.search(sentence.text) and not _LIST_CLOSER.search(sentence.text):
                continue
            key = normalise_name(name)
            start = bc.block.text.find(name, found.start)
            if start < 0:
                continue
            span = bc.block.span.slice(start, start + len(name))
            evidence = Evidence(span, bc.block.line)
            if any(s0 <= span.start and span.end <= e0 for s0, e0 in taken):
                continue  # a piece of a longer name read here (东部污水处理厂 of 东部污水处理厂深度处理工程)
            taken.append((span.start, span.end))
            if key in projects:
                projects[key].spans.append(evidence)
                continue
            clause_start, clause_end = _clause_bounds(text, found.start, found.end)
            clause = text[clause_start:clause_end]
            clause_evidence = Evidence(bc.block.span.slice(clause_start, clause_end).strip(), bc.block.line)
            status = _status(clause)
            capacity = capacity_of(name)
            project = Project(
                name=name,
                spans=[evidence],
                status=status,
                capacity=capacity,
                industry=_industry(bc, sentence, ctx, name),
                location=_location(name, parks, ctx, evidence)
                or _park_in_clause(clause, name, parks, clause_evidence),
                status_evidence=clause_evidence if status else None,
                capacity_amount=quantity_amount(capacity, evidence) if capacity else None,
            )
            projects[key] = project
            order.append(key)
            in_clause.setdefault((id(bc), clause_start), []).append(key)
            if (id(bc), clause_start) not in amount_of:
                amount_of[(id(bc), clause_start)] = _investment_in(clause, clause_evidence)
    # an investment printed in a clause is that project's when the clause names no other
    for where, keys in in_clause.items():
        if len(set(keys)) == 1 and amount_of.get(where) and projects[keys[0]].investment is None:
            projects[keys[0]].investment = amount_of[where]
    return [projects[k] for k in order]


#: After a name, words that use it as a landmark ("沈大高速公路、哈大铁路两侧骨干林带建设").
_LANDMARK = _RULES.regex("landmark")
#: A company is who builds, not what is built ("加快中粮集团、和润集团粮油深加工等项目").
_COMPANY = _RULES.regex("company")
#: "5座220千伏变电站": a number of facilities, not one.
_COUNTED_FACILITIES = _RULES.regex("counted_facilities")
_COUNTED_AFTER = _RULES.regex("counted_after")
_BESIDE = _RULES.regex("beside")
_IN_USE_BEFORE = _RULES.words("in_use_before")
_IN_USE_AFTER = _RULES.words("in_use_after")
_ROLE_BEFORE, _ROLE_AFTER = _RULES.words("role_frame")
_ROUTE_WORDS = _RULES.words("route_words")
#: "以A、B、C为代表": the rest of the list, then the frame.
_REPRESENTATIVE = _RULES.regex("representative")


def _only_a_reference(text: str, found: _Found) -> bool:
    """Whether the text names the thing only as a landmark or a role ("以500kV变电站为核心")."""
    before = text[max(0, found.start - 4) : found.start].rstrip()
    after = text[found.end : found.end + 40].lstrip()
    if _LANDMARK.match(after):
        return True
    if _COUNTED_AFTER.match(text, found.end):
        return True  # "新建改造110千伏变电站10座": a number of them, not one
    if before.endswith(_IN_USE_BEFORE) and after.startswith(_IN_USE_AFTER):
        return True  # "发挥X作用": something that works already
    if _BESIDE.search(before):
        return True  # "西侧邻大辽河营口老港区": where something else lies
    if (
        _REPRESENTATIVE.match(after)
        and _ROLE_BEFORE in text[_clause_bounds(text, found.start, found.end)[0] : found.start]
    ):
        return True  # "以长安街、人民街…为代表的…餐饮街": examples of what exists
    return before.endswith(_ROLE_BEFORE) and after.startswith(_ROLE_AFTER)


def _is_park(name: str, parks: list[Park]) -> bool:
    """A name the park extractor holds is a park (营口港口金融创新试验区), unless it is written as
    a project (中德（营口）医疗健康产业园项目)."""
    if name.endswith(_PROGRAMME_HEADS):
        return False
    return any(name == park.name or name in park.aliases for park in parks)


def _without_park_prefix(name: str, found: _Found, parks: list[Park]) -> tuple[str, _Found]:
    """中德园宝马新工厂 -> 宝马新工厂 (the park is where it is, not part of its name)."""
    for park in parks:
        for label in (park.name, *sorted(park.aliases)):
            if name.startswith(label) and len(name) - len(label) >= 4:
                rest = name[len(label) :]
                if rest.startswith(_ROUTE_WORDS):
                    continue  # "自贸区至营口港铁路专用线": the park is where the route starts
                return rest, _Found(rest, found.start + len(label), found.end)
    return name, found


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max((text.rfind(c, 0, start) for c in "，。；,;"), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in "，。；,;") if i >= 0]
    right = min(rights) if rights else len(text)
    return left, right


def _investment_in(text: str, evidence: Evidence) -> Amount | None:
    """The one investment a clause or box line prints (投资20亿元, 总投资约437亿元), if one."""
    found = investments(text)
    if len(found) != 1:
        return None
    start, end, _, _ = found[0]
    return investment_amount(text, start, end, evidence)


def _park_in_clause(clause: str, name: str, parks: list[Park], evidence: Evidence):
    """A park the clause names beside the project (在X开发区建设Y项目, X园区Y项目): where it is."""
    for park in parks:
        for label in sorted({park.name, *park.aliases}, key=lambda n: (-len(n), n)):
            if len(label) >= 4 and label in clause and label not in name and name not in label:
                return ("park", park.name, evidence)
    return None


def _industry(bc: BlockContext, sentence, ctx: DocumentContext, name: str) -> tuple[str, Evidence] | None:
    """The industry a prose project serves, where the text says: the one its paragraph leads with,
    else one its sentence sets as a goal, else one its name holds (光伏发电示范项目 -> 光伏), else
    one its heading or a heading above names (第三节 发展现代物流业)."""
    evidence = Evidence(sentence, bc.block.line)
    for mention in ind._lead_mentions(bc.block.text):
        return _concept(mention.name, evidence, ctx)
    mentions = ind.find_goal_industries(sentence.text)
    if mentions:
        return _concept(mentions[0].name, evidence, ctx)
    return _industry_of_name(name, evidence, ctx) or _industry_of_heading(bc.division, ctx)


def _concept(wording: str, evidence: Evidence, ctx: DocumentContext) -> tuple[str, Evidence]:
    concept = ind.concept_for(wording)
    ctx.industry_labels.setdefault(concept, ind.display_name(wording))
    return concept, evidence


def _industry_of_name(name: str, evidence: Evidence, ctx: DocumentContext) -> tuple[str, Evidence] | None:
    """An industry the name holds (光伏发电示范项目 -> 光伏), else the sector its head says it
    serves (沈白高铁 -> 交通运输, 市博物馆新馆 -> 文化产业)."""
    wording = ind.industry_named_in(name)
    if wording:
        return _concept(wording, evidence, ctx)
    heads = [m for m in _ENDING_RE.finditer(name) if m.group(0) in _HEAD_SECTOR]
    if heads:
        key = _HEAD_SECTOR[heads[-1].group(0)]
        if key in ind.scheme():
            ctx.industry_labels.setdefault(key, ind.scheme()[key].label)
            return key, evidence
    return None


_HEAD_SECTOR = _RULES.label_of("head_sectors")


def _industry_of_heading(division: int | None, ctx: DocumentContext) -> tuple[str, Evidence] | None:
    """An industry the division's heading names, or the nearest enclosing heading's."""
    by_order = {d.order: d for d in ctx.doc.divisions}
    seen: set[int] = set()
    while division is not None and division in by_order and division not in seen:
        seen.add(division)
        heading = by_order[division]
        wording = ind.industry_named_in(heading.title)
        if wording:
            return _concept(wording, Evidence(heading.span, heading.line), ctx)
        division = heading.parent
    return None


def _location(name: str, parks: list[Park], ctx: DocumentContext, evidence: Evidence):
    """A park whose name (or alias) the project's name holds, else a region it names."""
    for park in parks:
        for label in sorted({park.name, *park.aliases}, key=lambda n: (-len(n), n)):
            if len(label) >= 4 and label in name and label != name:
                return ("park", park.name, evidence)
    try:
        from .places import find_places
        from .regions import Gazetteer

        gazetteer = Gazetteer.load()
        context = gazetteer.context_for(ctx.region_code) if ctx.region_code else []
        hits = find_places(name, context, gazetteer)
    except Exception:
        return None
    if hits:
        _, _, region = max(hits, key=lambda h: len(h[2].code.rstrip("0")))
        return ("region", region.code, evidence)
    return None


def extract_projects(ctx: DocumentContext, parks: list[Park]) -> list[Project]:
    return box_projects(ctx, parks) + prose_projects(ctx, parks)
