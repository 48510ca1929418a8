"""The region gazetteer: reference data, name resolution in context, and the regions graph."""

from __future__ import annotations

import csv
import json
import time

import pytest
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, SKOS

from plangraph.entities.regions import LEVELS, Gazetteer
from plangraph.settings import get_settings
from plangraph.vocab import PG, region_iri

REGIONS_CSV = get_settings().reference_dir / "regions.csv"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_csv_loads_fast_and_once() -> None:
    started = time.perf_counter()
    fresh = Gazetteer.read(REGIONS_CSV)
    seconds = time.perf_counter() - started
    assert len(fresh) > 45_000  # provinces to towns of all China
    assert seconds < 3.0, f"reading the gazetteer took {seconds:.2f}s"
    assert Gazetteer.load() is Gazetteer.load()


def test_csv_is_consistent() -> None:
    with REGIONS_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    codes = {r["code"] for r in rows}
    assert len(codes) == len(rows)
    for r in rows:
        assert r["level"] in LEVELS, r
        assert r["parent_code"] == "" or r["parent_code"] in codes, r
        if r["level"] in ("Town", "Township", "Subdistrict"):
            assert len(r["code"]) == 9 and r["code"].startswith(r["parent_code"][:4]), r
        else:
            assert len(r["code"]) == 6, r
        assert all(len(n) >= 2 for n in r["short_names"].split("|") if n), r
    provinces = [r for r in rows if r["level"] == "Province"]
    assert len(provinces) == 34  # 31 of the statistics codes + 台湾, 香港, 澳门


def test_sidecar_names_source_version_and_licence() -> None:
    meta = json.loads((REGIONS_CSV.with_suffix(".meta.json")).read_text(encoding="utf-8"))
    packages = {s["package"]: s for s in meta["sources"]}
    assert packages["npm:china-division"]["version"]
    assert "MIT" in packages["npm:china-division"]["licence"]
    assert meta["rows"] == len(Gazetteer.read(REGIONS_CSV))


@pytest.mark.parametrize(
    ("name", "code", "level"),
    [
        ("辽宁省", "210000", "Province"),
        ("营口市", "210800", "PrefectureCity"),
        ("锦州市", "210700", "PrefectureCity"),
        ("辽阳市", "211000", "PrefectureCity"),
        ("站前区", "210802", "District"),
        ("鲅鱼圈区", "210804", "District"),
        ("灯塔市", "211081", "CountyLevelCity"),
        ("盖州市", "210881", "CountyLevelCity"),
        ("辽阳县", "211021", "County"),
        ("北京市", "110000", "Province"),
        ("重庆市", "500000", "Province"),
    ],
)
def test_codes_and_levels(gazetteer: Gazetteer, name: str, code: str, level: str) -> None:
    region = gazetteer.resolve(name)
    assert region is not None and (region.code, region.level) == (code, level)
    assert gazetteer.get(code) == region


@pytest.mark.parametrize(
    ("code", "short"),
    [
        ("210000", "辽宁"),
        ("210800", "营口"),
        ("210804", "鲅鱼圈"),
        ("210882", "大石桥"),
        ("211081101", "佟二堡"),
        ("150000", "内蒙古"),
        ("450000", "广西"),
        ("222400", "延边"),
        ("210323", "岫岩县"),
    ],
)
def test_short_names_by_rule(gazetteer: Gazetteer, code: str, short: str) -> None:
    assert short in gazetteer.get(code).short_names


def test_unsafe_short_names_are_dropped(gazetteer: Gazetteer) -> None:
    hezuo = gazetteer.resolve("合作市", gazetteer.context_for("623000"))
    assert hezuo is not None and hezuo.code == "623001"
    assert "合作" not in hezuo.short_names
    assert gazetteer.resolve("合作") is None
    for word in ("开发", "新区", "城区", "东区", "建设", "和平"):
        assert gazetteer.resolve(word, gazetteer.context_for("210100")) is None, word


def test_short_names_resolve_in_context(gazetteer: Gazetteer) -> None:
    yingkou, liaoyang = gazetteer.context_for("210800"), gazetteer.context_for("211000")
    assert gazetteer.resolve("站前", yingkou).code == "210802"
    assert gazetteer.resolve("辽阳", liaoyang).code == "211000"  # the city, not 辽阳县
    assert gazetteer.resolve("佟二堡", liaoyang).code == "211081101"
    # a town only inside the document's city: not from Yingkou, not without context
    assert gazetteer.resolve("佟二堡", yingkou) is None
    assert gazetteer.resolve("佟二堡") is None
    # 朝阳: Beijing's district in a Beijing document, Liaoning's city in a Liaoning one
    assert gazetteer.resolve("朝阳", gazetteer.context_for("110000")).code == "110105"
    assert gazetteer.resolve("朝阳", yingkou).code == "211300"


def test_chain_of_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("辽宁省营口市站前区").code == "210802"
    assert gazetteer.resolve("辽宁省鞍山市铁西区").code == "210303"
    assert gazetteer.resolve("辽宁省营口市规划") is None


def test_district_named_like_any_citys_part_needs_its_city(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("老城区", gazetteer.context_for("210800")) is None  # the old town
    assert gazetteer.resolve("老城区", gazetteer.context_for("410300")).code == "410302"  # Luoyang's


def test_ambiguous_names_need_context(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("铁西区", gazetteer.context_for("211000")) is None  # Shenyang's? Anshan's?
    assert gazetteer.resolve("铁西区", gazetteer.context_for("210100")).code == "210106"
    # a name printed just before puts its region first in the context
    assert gazetteer.resolve("铁西区", ["210300", *gazetteer.context_for("211000")]).code == "210303"


def test_withdrawn_and_former_names(gazetteer: Gazetteer) -> None:
    handan = gazetteer.context_for("130400")
    old = gazetteer.resolve("邯郸县", handan)
    assert old is not None and old.code == "130421" and gazetteer.is_historical("130421")
    assert gazetteer.resolve("邯郸", handan).code == "130400"  # the city, not the old county
    renamed = gazetteer.resolve("桥东区", gazetteer.context_for("130500"))
    assert renamed is not None and renamed.code == "130502" and renamed.name == "襄都区"


def test_hierarchy(gazetteer: Gazetteer) -> None:
    assert [r.code for r in gazetteer.ancestors("210802")] == ["210800", "210000"]
    assert [r.code for r in gazetteer.ancestors("211081101")] == ["211081", "211000", "210000"]
    assert gazetteer.ancestors("110105") == [gazetteer.get("110000")]  # municipality districts
    children = {r.code for r in gazetteer.children("211000")}
    assert {"211002", "211021", "211081"} <= children
    assert gazetteer.ancestors("999999") == []


def test_regions_graph_chain_to_province(gazetteer: Gazetteer) -> None:
    graph = gazetteer.regions_graph(["211081101", "210802"])
    town = region_iri("211081101")
    chain = []
    node = town
    while node is not None:
        chain.append(node)
        node = graph.value(node, PG.within)
    assert chain == [town, region_iri("211081"), region_iri("211000"), region_iri("210000")]
    assert (region_iri("210802"), PG.within, region_iri("210800")) in graph
    assert set(graph.subjects(RDF.type, PG.Region)) == {
        region_iri(c) for c in ("211081101", "211081", "211000", "210000", "210802", "210800")
    }
    assert graph.value(town, RDFS.label) == Literal("佟二堡镇", lang="zh")
    assert Literal("佟二堡", lang="zh") in set(graph.objects(town, SKOS.altLabel))
    assert graph.value(town, PG.adminCode) == Literal("211081101")
    assert graph.value(town, PG.adminLevel) == PG.Town
    assert graph.value(region_iri("210000"), PG.adminLevel) == PG.Province
    assert graph.value(region_iri("210000"), PG.within) is None


def test_regions_graph_skips_unknown_codes(gazetteer: Gazetteer) -> None:
    # 999999: no region has it (000000, which this test used, is now the country)
    assert len(gazetteer.regions_graph(["999999"])) == 0
