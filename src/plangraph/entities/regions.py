"""The region gazetteer: GB/T 2260 codes, names, levels and hierarchy of China's administrative areas.

Read from ``reference/regions.csv`` (made by ``scripts/make_regions.py`` from the National
Bureau of Statistics' codes, see ``reference/REGIONS.md``): provinces to counties with their
6-digit codes, towns/townships/subdistricts with 9-digit codes, plus codes withdrawn since 2016
(``status=historical``) so older plans still resolve.

``Gazetteer.resolve`` turns a printed name into the most plausible region given the document's
context (its jurisdiction and the jurisdiction's ancestors): 站前区 in a Yingkou document is 210802,
辽阳 in a Liaoyang document is the city rather than 辽阳县, and a town is only ever resolved inside
the context.
"""

from __future__ import annotations

import csv
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SKOS

from plangraph.model import Region
from plangraph.settings import get_settings
from plangraph.vocab import PG, region_iri

from .lexicon import rules

#: pg:adminLevel local names, from the largest area to the smallest.
LEVELS = (
    "Country",
    "Province",
    "PrefectureCity",
    "CountyLevelCity",
    "District",
    "County",
    "Town",
    "Township",
    "Subdistrict",
    "Village",
)
COUNTY_LEVELS = frozenset({"District", "County", "CountyLevelCity"})
#: The code of the country itself (see ``scripts/make_regions.py``: GB/T 2260 gives it none).
NATION_CODE = "000000"
TOWN_LEVELS = frozenset({"Town", "Township", "Subdistrict", "Village"})
_RULES = rules("places")
#: Full names that are also ordinary words of plan text (中心城区, 矿区): never read as a region.
GENERIC_FULL_NAMES = frozenset(_RULES.words("generic_full_names"))
#: Districts named like a part of any city (老城区, 新城区 are also "the old/new town"): read only
#: inside their own city.
GENERIC_DISTRICT_STEMS = frozenset(_RULES.words("generic_district_stems"))
#: Endings of short names that also name a river, lake or mountain (太子河, 弓长岭, 千山); not
#: 海 (凌海, 临海 are cities).
NATURAL_FEATURE_ENDINGS = _RULES.words("natural_feature_endings")

#: How a name belongs to a region, best first. LIST: a town's short name that is also a word
#: (万福, 九寨), read only as an item of a list of places (双台、万福、九寨等).
FULL, FORMER, SHORT, LIST = 0, 1, 2, 3

FAR = 1_000  # context distance of a region unrelated to the context


class NameHit(NamedTuple):
    """One region a printed name can denote, and how (full, former or short name)."""

    code: str
    kind: int
    name: str


def normalise(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


class Gazetteer:
    """All regions, indexed by code, by parent and by every name they are printed with."""

    def __init__(
        self,
        regions: Iterable[Region],
        historical: Iterable[str] = (),
        former_names: dict[str, tuple[str, ...]] | None = None,
        boundary_words: Iterable[str] = (),
        list_names: dict[str, tuple[str, ...]] | None = None,
    ):
        self._regions: dict[str, Region] = {r.code: r for r in regions}
        self._historical = frozenset(historical)
        self._former = dict(former_names or {})
        self._list_names = dict(list_names or {})
        #: frequent two-character words that may straddle a short name's edge (出海|口)
        self.boundary_words = frozenset(boundary_words)
        self._children: dict[str, list[str]] = defaultdict(list)
        self._names: dict[str, dict[str, NameHit]] = defaultdict(dict)
        for region in self._regions.values():
            if region.parent:
                self._children[region.parent].append(region.code)
            if region.level == "Country":
                # the country is a document's jurisdiction (national plans, the State Council's
                # report), found by the metadata stage; in text, 中国 and 中华人民共和国 name no
                # place a plan locates things in, so its names are not looked up
                continue
            self._add_name(region.name, region.code, FULL)
            for name in self._former.get(region.code, ()):
                self._add_name(name, region.code, FORMER)
            for name in region.short_names:
                self._add_name(name, region.code, SHORT)
            for name in self._list_names.get(region.code, ()):
                self._add_name(name, region.code, LIST)
        self._chains: dict[str, tuple[str, ...]] = {}
        #: provinces without prefecture cities: 北京, 天津, 上海, 重庆
        self._municipalities = frozenset(
            r.code
            for r in self._regions.values()
            if r.level == "Province"
            and not any(self._regions[c].level == "PrefectureCity" for c in self._children.get(r.code, ()))
        )

    def _add_name(self, name: str, code: str, kind: int) -> None:
        hits = self._names[name]
        if code not in hits:  # a name that is both full and short for one region counts as full
            hits[code] = NameHit(code, kind, name)

    # --- loading ------------------------------------------------------------------------------

    _cache: dict[Path, Gazetteer] = {}  # noqa: RUF012 (a process-wide cache, not per instance)
    _lock = threading.Lock()

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """The gazetteer in ``path`` (default: ``reference_dir/regions.csv``), read once per process."""
        path = Path(path or get_settings().reference_dir / "regions.csv").resolve()
        with cls._lock:
            if path not in cls._cache:
                cls._cache[path] = cls.read(path)
            return cls._cache[path]

    @classmethod
    def read(cls, path: Path) -> Gazetteer:
        regions: list[Region] = []
        historical: list[str] = []
        former: dict[str, tuple[str, ...]] = {}
        in_lists: dict[str, tuple[str, ...]] = {}
        with path.open(encoding="utf-8", newline="") as f:
            rows = csv.reader(line for line in f if not line.startswith("#"))
            column = {name: i for i, name in enumerate(next(rows))}
            code_i, name_i, level_i = column["code"], column["name"], column["level"]
            parent_i, short_i = column["parent_code"], column["short_names"]
            status_i, former_i = column.get("status"), column.get("former_names")
            list_i = column.get("list_names")
            for row in rows:
                code = row[code_i]
                short = row[short_i]
                regions.append(
                    Region(
                        code,
                        row[name_i],
                        row[level_i],
                        row[parent_i] or None,
                        tuple(short.split("|")) if short else (),
                    )
                )
                if status_i is not None and row[status_i] == "historical":
                    historical.append(code)
                if former_i is not None and row[former_i]:
                    former[code] = tuple(row[former_i].split("|"))
                if list_i is not None and row[list_i]:
                    in_lists[code] = tuple(row[list_i].split("|"))
        words_file = path.with_suffix(".words.txt")
        words: list[str] = []
        if words_file.exists():
            text = words_file.read_text(encoding="utf-8")
            words = [w for w in text.split("\n") if w and not w.startswith("#")]
        return cls(regions, historical, former, words, in_lists)

    # --- hierarchy ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._regions)

    def __contains__(self, code: object) -> bool:
        return code in self._regions

    def get(self, code: str) -> Region | None:
        return self._regions.get(code)

    def nation(self) -> Region | None:
        """The country (000000), the jurisdiction of national documents."""
        return self._regions.get(NATION_CODE)

    def add_region(self, region: Region) -> None:
        """Add a region found outside the table (a village the place extractor resolved), so that
        its node and its chain of enclosing regions are published like the others."""
        if region.code in self._regions or (region.parent and region.parent not in self._regions):
            return
        with self._lock:
            self._regions[region.code] = region
            if region.parent:
                self._children[region.parent].append(region.code)

    def is_historical(self, code: str) -> bool:
        """True for a code withdrawn since the older edition (still used by plans of that time)."""
        return code in self._historical

    def former_names(self, code: str) -> tuple[str, ...]:
        return self._former.get(code, ())

    def chain(self, code: str) -> tuple[str, ...]:
        """The code and its ancestors' codes, nearest first (empty for an unknown code)."""
        if code not in self._chains:
            out: list[str] = []
            current: str | None = code
            while current and current in self._regions and current not in out:
                out.append(current)
                current = self._regions[current].parent
            self._chains[code] = tuple(out)
        return self._chains[code]

    def ancestors(self, code: str) -> list[Region]:
        """Enclosing regions, nearest first, up to the province."""
        return [self._regions[c] for c in self.chain(code)[1:]]

    def children(self, code: str) -> list[Region]:
        return [self._regions[c] for c in sorted(self._children.get(code, ()))]

    def context_for(self, code: str | None) -> list[str]:
        """A document's context: its jurisdiction then the jurisdiction's ancestors."""
        return list(self.chain(code)) if code else []

    # --- names --------------------------------------------------------------------------------

    def names(self) -> Iterable[str]:
        """Every printed form: full, former and safe short names."""
        return self._names.keys()

    def all_names(self, code: str) -> list[str]:
        """Full name first, then short names (also those read only in lists), then former names."""
        region = self._regions[code]
        names = [region.name, *region.short_names, *self._list_names.get(code, ()), *self.former_names(code)]
        return list(dict.fromkeys(names))

    def is_name_of(self, name: str, code: str) -> bool:
        """True when ``name`` is the region's full or former name (not merely a short name)."""
        hit = self._names.get(name, {}).get(code)
        return hit is not None and hit.kind < SHORT

    def candidates(self, name: str) -> list[NameHit]:
        return list(self._names.get(normalise(name), {}).values())

    def resolve(self, name: str, context: Sequence[str] = (), *, list_item: bool = False) -> Region | None:
        """The region a printed name (full or short) most plausibly denotes, or None.

        ``context`` holds region codes, most specific first (the document's jurisdiction and its
        ancestors; a caller may put a region printed just before the name in front). A candidate
        inside (or enclosing) an earlier context code wins; then a full name over a short one, a
        current code over a withdrawn one, a larger area over a smaller one. Towns resolve only
        inside the context (short town names only inside a prefecture or county of it), and a tie
        that these rules cannot break gives None. ``list_item``: the name is an item of a list of
        places, so a town's short name that is also a word (万福) may be read. A chain of names
        (辽宁省营口市站前区) gives its last region, each name read in the context of the previous.
        """
        name = normalise(name)
        if name not in self._names and len(name) > 3:
            return self._resolve_chain(name, context)
        ranked = []
        for hit in self.candidates(name):
            if hit.kind == LIST and not list_item:
                continue
            key = self._rank(hit, context)
            if key is not None:
                ranked.append((key, hit.code))
        if not ranked:
            return None
        ranked.sort()
        if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
            return None  # e.g. 铁西区 in a Liaoyang plan: Shenyang's or Anshan's?
        return self._regions[ranked[0][1]]

    def _resolve_chain(self, name: str, context: Sequence[str]) -> Region | None:
        region: Region | None = None
        i = 0
        while i < len(name):
            local = [region.code, *context] if region else list(context)
            for j in range(len(name), i + 1, -1):
                if name[i:j] in self._names and (found := self.resolve(name[i:j], local)) is not None:
                    region, i = found, j
                    break
            else:
                return None  # something in the chain is not a place name
        return region

    def _rank(self, hit: NameHit, context: Sequence[str]) -> tuple[int, int, int, int] | None:
        region = self._regions[hit.code]
        if region.name in GENERIC_FULL_NAMES:
            return None
        distance, anchor = self._context_distance(hit.code, context)
        if region.level in TOWN_LEVELS and (
            anchor is None or (hit.kind >= SHORT and not self._is_local(anchor))
        ):
            return None
        if region.level in COUNTY_LEVELS and not self._county_ok(hit, region, anchor):
            return None
        historical = 1 if hit.code in self._historical else 0
        return (distance, hit.kind, historical, LEVELS.index(region.level))

    def _is_local(self, anchor: Region) -> bool:
        """A city or county of the context (a municipality such as 北京市 counts as a city)."""
        return anchor.level != "Province" or anchor.code in self._municipalities

    def _county_ok(self, hit: NameHit, region: Region, anchor: Region | None) -> bool:
        """Whether a county-level name can be read outside the document's own city or county.

        Inside it, always. Outside, a full name only when its stem is a safe short name (老城区 and
        和平区 are ordinary words elsewhere), a short name only when longer than two characters
        (大东, 辽中, 上城 are too often pieces of other words; 鲅鱼圈, 瓦房店 are not) and not the
        name of a river or mountain (太子河, 弓长岭 are also the river and the ridge). Districts named
        like any city's part (老城区) need their own city.
        """
        if anchor is not None and self._is_local(anchor):
            return True
        if hit.kind >= SHORT:
            return len(hit.name) >= 3 and not hit.name.endswith(NATURAL_FEATURE_ENDINGS)
        stem = region.name[:-1]
        # 老城区, 滨海新区, 新市区, 古城区 are also ordinary phrases: a name whose stem was dropped as
        # unsafe (a one-character stem, as in 义县, is no word) needs its own city
        return len(stem) < 2 or (bool(region.short_names) and stem not in GENERIC_DISTRICT_STEMS)

    def _context_distance(self, code: str, context: Sequence[str]) -> tuple[int, Region | None]:
        """Index of the first context code related to ``code``, and the region that anchors it.

        The anchor is the context region when it encloses ``code`` (a town of the context city is
        anchored at the city, one that merely shares the province at the province), or ``code``
        itself when it encloses the context region.
        """
        chain = self.chain(code)
        for i, ctx in enumerate(context):
            if ctx in chain:
                return i, self._regions[ctx]
            if code in self.chain(ctx):
                return i, self._regions[code]
        return FAR, None

    # --- RDF ----------------------------------------------------------------------------------

    def regions_graph(self, codes: Iterable[str]) -> Graph:
        """pg:Region nodes for ``codes`` and all their ancestors (unknown codes are skipped)."""
        graph = Graph()
        graph.bind("pg", PG)
        graph.bind("skos", SKOS)
        wanted = {c for code in codes for c in self.chain(code)}
        for code in sorted(wanted):
            region = self._regions[code]
            node = region_iri(code)
            graph.add((node, RDF.type, PG.Region))
            graph.add((node, RDFS.label, Literal(region.name, lang="zh")))
            for alt in self.all_names(code)[1:]:
                graph.add((node, SKOS.altLabel, Literal(alt, lang="zh")))
            graph.add((node, PG.adminCode, Literal(code)))
            graph.add((node, PG.adminLevel, PG[region.level]))
            if region.parent and region.parent in self._regions:
                graph.add((node, PG.within, region_iri(region.parent)))
        return graph


def regions_graph(codes: Iterable[str], gazetteer: Gazetteer | None = None) -> Graph:
    """pg:Region nodes (label, short names, code, level, pg:within) for codes and their ancestors."""
    return (gazetteer or Gazetteer.load()).regions_graph(codes)
