"""Which region a document is about, read from the whole document (part of the metadata stage).

The evidence, best first, each kept with the span it was read from:

1. the title's leading place name ("2026年安徽省政府工作报告", "保定市清苑区2021年政府工作报告");
2. the session line of a work report or the approval line of a plan ("——2026年1月26日在广东省第十四届
   人民代表大会第五次会议上", "阜平县十七届人大五次会议文件");
3. the speaker line ("保定市人民政府市长 郭建英", "高唐县代县长 杨曙光");
4. the delegation phrase ("现在，我代表海南省人民政府，向大会报告工作");
5. an issuer or signature line ("杭州市人民政府", "某某区人民政府办公室");
6. the headings (a full place name a heading prints);
7. the file name ("2021年保定市政府工作报告.txt");
8. the body: the region of the document's own level (全县, 县委 → a county) it names most.

A national document (a title starting 中华人民共和国, a session of the 全国人民代表大会, a report the
State Council's premier delivers) is the country's. A name that several regions share (朝阳区) is
read as the one whose level fits what the text says of itself (区长, 全区) and whose enclosing
regions the text names most. Nothing here knows a particular document.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .entities.places import find_places
from .entities.regions import Gazetteer
from .model import Block, DocumentText, Region, Span
from .patterns import CN_DIGITS, heading_label
from .settings import PACKAGE_DIR

with (PACKAGE_DIR / "rules" / "metadata.toml").open("rb") as _f:
    RULES = tomllib.load(_f)

#: How many blocks at the top of a document are searched for its session and speaker lines.
HEAD_BLOCKS = 30
#: How many blocks the delegation phrase ("我代表…政府") and a signature may be found in.
DELEGATION_BLOCKS = 60
#: How many blocks are counted to tell a shared name apart by the enclosing regions named.
CONTEXT_BLOCKS = 200

_CJK = r"[\u4e00-\u9fff]"
#: A leading place name of a title: "营口市", "2026年安徽省", "保定市清苑区2021年…".
TITLE_PLACE = re.compile(
    rf"^(?:(?:19|20)\d\d年(?:度)?)?(?P<name>{_CJK}{{1,12}}?(?:自治区|自治州|自治县|特别行政区|省|市|区|县|旗|盟|州))"
    r"(?=(?:(?:19|20)\d\d年(?:度)?)?(?:国民经济|政府|人民政府|经济社会|[“\"(（]?十|第))"
)
#: "在广东省第十四届人民代表大会", "在甘肃省十四届人民代表大会", "阜平县十七届人大五次会议".
_SESSION = re.compile(
    rf"(?:在|^)(?P<name>{_CJK}{{0,20}}?)(?:第)?[{CN_DIGITS}]{{1,4}}届(?P<national>全国)?(?:人民代表大会|人大)"
)
_HEAD_TITLES = sorted(RULES["heads"], key=len, reverse=True)
#: "保定市人民政府市长 郭建英", "高唐县代县长 杨曙光", "省长　王予波", "自治区人民政府主席 张雨浦".
_SPEAKER = re.compile(
    rf"^(?P<name>{_CJK}{{0,20}}?)(?:人民政府)?代?(?P<head>{'|'.join(_HEAD_TITLES)})[\s?？]*"
    r"[\u4e00-\u9fff·][\u4e00-\u9fff·\s?？]{0,10}$"
)
#: "我代表海南省人民政府", "我代表市政府", "我代表国务院".
_DELEGATION = re.compile(rf"我代表(?P<name>{_CJK}{{0,20}}?)(?:人民政府|政府|(?P<national>国务院))")
#: An issuing government's line: "杭州市人民政府", "某某区人民政府办公室".
_ISSUER_LINE = re.compile(rf"^(?P<name>{_CJK}{{2,20}}?)人民政府(?:办公室|办公厅)?$")
#: How a text names its own government without its name: 全省, 我市, 本县, 县委, 区政府.
_SELF_LEVEL = re.compile(
    r"(?:全|我|本)(国|自治区|省|市|州|盟|区|县|旗)|(省|市|县|区|旗)(?:委|政府|人大|政协)"
)
#: How many times more often a text must say 全国/我国 than its next level word (全省, 全市) to be
#: read as a national document when nothing else tells (every plan speaks of the country too).
NATIONAL_BODY_RATIO = 3
_LEVELS: dict[str, list[str]] = RULES["levels"]
_HEADS: dict[str, list[str]] = RULES["heads"]
_NATIONAL = RULES["national"]


@dataclass(frozen=True)
class Jurisdiction:
    """The region a document is about, what told it and where."""

    region: Region
    source: str  # "title", "session line", "speaker line", "delegation", "issuer", "headings", ...
    span: Span | None  # the evidence in the text (None when it is the file name)


def _level(region: Region | None) -> str | None:
    return region.level if region is not None else None


def _joined(blocks: list[Block]) -> Span:
    return Span.join([b.span for b in blocks])


class _Reader:
    """Reads the evidence of one document, in the order of the module docstring."""

    def __init__(self, doc: DocumentText, gazetteer: Gazetteer):
        self.doc = doc
        self.gazetteer = gazetteer
        self.head = doc.blocks[:HEAD_BLOCKS]
        self._text: str | None = None
        self._levels: list[str] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "\n".join(b.text for b in self.doc.blocks[:CONTEXT_BLOCKS])
        return self._text

    def self_levels(self) -> list[str]:
        """The levels the text says its own government is at: the speaker's title (县长: a
        county), else the level word it uses most for itself (全县, 县委)."""
        if self._levels is None:
            self._levels = self.speaker_levels()
            if not self._levels:
                counts = self.self_level_words()
                top = counts.most_common(1)
                self._levels = list(_LEVELS.get(top[0][0], [])) if top else []
        return self._levels

    def self_level_words(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for m in _SELF_LEVEL.finditer(self.text):
            counts[m.group(1) or m.group(2)] += 1
        return counts

    # --- names to regions ----------------------------------------------------------------------

    def resolve(self, name: str, levels: list[str] | None = None) -> Region | None:
        """The region a printed name denotes, told apart by the levels given or the text's own."""
        name = re.sub(r"[\s?？]+", "", name)
        if not name:
            return None
        if name in _NATIONAL["title_names"] or name in _NATIONAL["government"]:
            return self.gazetteer.nation()
        wanted = levels or self.self_levels()
        region = self.gazetteer.resolve(name)
        if region is not None and (not wanted or region.level in wanted):
            return region
        hits = [h for h in self.gazetteer.candidates(name) if h.kind < 2]  # full or former names
        if not hits and region is not None:
            return region
        fitting = [h for h in hits if _level(self.gazetteer.get(h.code)) in wanted] if wanted else hits
        hits = fitting or hits
        codes = sorted({h.code for h in hits})
        if len(codes) == 1:
            return self.gazetteer.get(codes[0])
        return self._by_enclosing_names(codes) or region

    def _by_enclosing_names(self, codes: list[str]) -> Region | None:
        """Of regions sharing a name, the one whose enclosing regions the text names most."""
        scores = []
        for code in codes:
            score = sum(
                self.text.count(name)
                for r in self.gazetteer.ancestors(code)
                for name in self.gazetteer.all_names(r.code)
            )
            scores.append((score, code))
        scores.sort(reverse=True)
        if scores and scores[0][0] > 0 and (len(scores) == 1 or scores[0][0] > scores[1][0]):
            return self.gazetteer.get(scores[0][1])
        return None

    def _found(
        self, name: str, span: Span | None, source: str, levels: list[str] | None = None
    ) -> Jurisdiction | None:
        region = self.resolve(name, levels)
        if region is None:
            return None
        # the whole evidence (the session line, the delegation phrase), so its mention shows why
        return Jurisdiction(region, source, span)

    # --- the evidence ----------------------------------------------------------------------------

    def from_title(self, title: str, span: Span | None) -> Jurisdiction | None:
        compact = re.sub(r"\s+", "", title)
        nation = self.gazetteer.nation()
        for national in _NATIONAL["title_names"]:
            if compact.startswith(national) and nation is not None:
                return Jurisdiction(nation, "title", span.sub_span(national) if span else None)
        m = TITLE_PLACE.match(compact)
        return self._found(m.group("name"), span, "title") if m else None

    def from_session(self) -> Jurisdiction | None:
        joined = _joined(self.head)
        for m in _SESSION.finditer(joined.text):
            where = joined.slice(m.start(), m.end())
            if m.group("national"):
                nation = self.gazetteer.nation()
                return Jurisdiction(nation, "session line", where) if nation else None
            found = self._found(m.group("name"), where, "session line") if m.group("name") else None
            if found is not None:
                return found
        return None

    def from_speaker(self) -> Jurisdiction | None:
        for block in self.head:
            m = _SPEAKER.match(block.text)
            if not m or not m.group("name") or m.group("name") in _LEVELS:
                continue
            found = self._found(m.group("name"), block.span, "speaker line", _HEADS[m.group("head")])
            if found is not None:
                return found
        return None

    def speaker_levels(self) -> list[str]:
        for block in self.head:
            m = _SPEAKER.match(block.text)
            if m:
                return list(_HEADS[m.group("head")])
        return []

    def from_delegation(self) -> Jurisdiction | None:
        for block in self.doc.blocks[:DELEGATION_BLOCKS]:
            for m in _DELEGATION.finditer(block.text):
                where = block.span.slice(m.start(), m.end())
                if m.group("national"):
                    nation = self.gazetteer.nation()
                    return Jurisdiction(nation, "delegation", where) if nation else None
                name = m.group("name")
                if name and name not in _LEVELS and (found := self._found(name, where, "delegation")):
                    return found
        return None

    def from_issuer(self) -> Jurisdiction | None:
        blocks = self.doc.blocks
        for block in [*blocks[:HEAD_BLOCKS], *blocks[-HEAD_BLOCKS:]]:
            m = _ISSUER_LINE.match(block.text.strip())
            if m and (found := self._found(m.group("name"), block.span, "issuer")):
                return found
        return None

    def from_headings(self) -> Jurisdiction | None:
        """A full place name of the document's own level that its headings print."""
        counts: Counter[str] = Counter()
        spans: dict[str, Span] = {}
        for block in self.doc.blocks:
            if len(block.text) > 40 or not heading_label(block.text):
                continue
            for start, end, region in find_places(block.text, [], self.gazetteer):
                if block.text[start:end] == region.name and region.level in self.self_levels():
                    counts[region.code] += 1
                    spans.setdefault(region.code, block.span.slice(start, end))
        top = counts.most_common(2)
        if top and (len(top) == 1 or top[0][1] > top[1][1]):
            code = top[0][0]
            return Jurisdiction(self.gazetteer.get(code), "headings", spans[code])  # type: ignore[arg-type]
        return None

    def from_file_name(self) -> Jurisdiction | None:
        stem = Path(self.doc.source.name).stem
        if any(n in stem for n in _NATIONAL["title_names"]):
            nation = self.gazetteer.nation()
            return Jurisdiction(nation, "file name", None) if nation else None
        best: Region | None = None
        for start, end, region in find_places(stem, [], self.gazetteer):
            if stem[start:end] == region.name:
                best = region  # the last of a run of full names is the most specific
        return Jurisdiction(best, "file name", None) if best else None

    def from_body(self) -> Jurisdiction | None:
        """The region of the text's own level (全县, 县委) that it names most, clearly."""
        levels = self.self_levels()
        if not levels:
            return None
        words = self.self_level_words().most_common(2)
        if words and words[0][0] == "国":
            runner_up = words[1][1] if len(words) > 1 else 0
            nation = self.gazetteer.nation()
            if nation is None or words[0][1] < NATIONAL_BODY_RATIO * runner_up:
                return None
            first = next((b for b in self.doc.blocks if re.search("(?:全|我)国", b.text)), None)
            where = None
            if first is not None and (m := re.search("(?:全|我)国", first.text)):
                where = first.span.slice(m.start(), m.end())
            return Jurisdiction(nation, "body", where)
        spans: dict[str, Span] = {}
        for block in self.doc.blocks:
            for start, end, region in find_places(block.text, [], self.gazetteer):
                if region.level in levels:
                    spans.setdefault(region.code, block.span.slice(start, end))
        # a region found by its full name is counted by every name it is printed with (容城县 is
        # printed 容城 most of the time; 和县 is found inside 城乡和县城 but never printed 和)
        whole = "\n".join(b.text for b in self.doc.blocks)
        counts = Counter(
            {code: sum(whole.count(n) for n in self.gazetteer.all_names(code)) for code in spans}
        )
        top = counts.most_common(2)
        if top and top[0][1] >= 2 and (len(top) == 1 or top[0][1] > top[1][1]):
            code = top[0][0]
            return Jurisdiction(self.gazetteer.get(code), "body", spans[code])  # type: ignore[arg-type]
        return None


def find_jurisdiction(
    doc: DocumentText, title: str, title_span: Span | None, gazetteer: Gazetteer
) -> Jurisdiction | None:
    """The region ``doc`` is about, from the best evidence that names a known region (None if
    nothing in the text tells)."""
    reader = _Reader(doc, gazetteer)
    steps = (
        lambda: reader.from_title(title, title_span),
        reader.from_session,
        reader.from_speaker,
        reader.from_delegation,
        reader.from_issuer,
        reader.from_headings,
        reader.from_file_name,
        reader.from_body,
    )
    for step in steps:
        found = step()
        if found is not None:
            return found
    return None


def looked_for() -> str:
    """What ``find_jurisdiction`` looks at, for a refusal message."""
    return (
        "a place name in the title, the session line (…在XX市第N届人民代表大会…), the speaker line "
        "(XX区人民政府区长 …), '我代表XX人民政府', an issuer or signature line, the headings, the "
        "file name, and the place of the document's own level (全县, 区委) its text names most"
    )
