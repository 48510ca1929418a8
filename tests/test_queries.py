"""Every saved query answers its question on the bundled corpus."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph import store
from plangraph.query import format_results, read_query, run_query, saved_queries


@pytest.fixture(scope="module")
def corpus_store(corpus_build: Path) -> ox.Store:
    return store.open_store(corpus_build)


def rows(st: ox.Store, name: str) -> list[dict[str, str]]:
    results = run_query(st, read_query(name))
    assert isinstance(results, ox.QuerySolutions)
    names = [v.value for v in results.variables]
    return [{n: (sol[n].value if sol[n] is not None else "") for n in names} for sol in results]


def test_every_saved_query_is_described_and_returns_rows(corpus_store: ox.Store) -> None:
    queries = saved_queries()
    assert len(queries) >= 12
    for q in queries:
        assert q.title and q.description, q.path
        assert rows(corpus_store, q.name), f"{q.name} returned no rows"


def test_documents_by_region(corpus_store: ox.Store) -> None:
    documents = rows(corpus_store, "documents-by-region")
    assert len(documents) == 7
    found = {(r["code"], r["type"], r["file"]) for r in documents}
    assert ("210800", "FiveYearPlan", "000_eff48e12d0f87c70.txt") in found
    assert ("210802", "FiveYearPlan", "002_aeb35f2bbea0796b.txt") in found
    assert ("210881", "WorkReport", "003_c4b0b8e4100e97f5.txt") in found


def test_plan_outline(corpus_store: ox.Store) -> None:
    outline = rows(corpus_store, "plan-outline")
    assert len(outline) == 61
    assert (outline[0]["number"], outline[0]["title"]) == (
        "第一章",
        "巩固小康社会成果 推进辽阳振兴取得新突破",
    )


def test_projects_by_box_and_the_aluminium_box(corpus_store: ox.Store) -> None:
    by_box = rows(corpus_store, "projects-by-box")
    assert sum(1 for r in by_box if r["box"] == "专栏5") == 10
    aluminium = rows(corpus_store, "aluminium-box-projects")
    assert [int(r["n"]) for r in aluminium] == list(range(1, 11))
    assert {r["industry"] for r in aluminium} == {"铝合金精深加工"}
    assert aluminium[0]["project"] == "特大高精铝及铝合金加工材项目"


def test_targets_of_a_city_and_shared_indicators(corpus_store: ox.Store) -> None:
    targets = {r["indicator"]: r for r in rows(corpus_store, "city-targets-2025")}
    assert targets["一般公共预算收入"]["target"] == "125.3"
    assert targets["森林覆盖率"]["attribute"] == "约束性"
    shared = {r["indicator"]: (r["targetA"], r["targetB"]) for r in rows(corpus_store, "shared-indicators")}
    assert shared["一般公共预算收入"] == ("139", "125.3")


def test_binding_targets_are_binding(corpus_store: ox.Store) -> None:
    indicators = {r["indicator"] for r in rows(corpus_store, "binding-targets")}
    assert "森林覆盖率" in indicators and "地区生产总值" not in indicators


def test_boxes_per_document(corpus_store: ox.Store) -> None:
    boxes = {(r["file"], r["number"]): r for r in rows(corpus_store, "boxes-per-document")}
    assert boxes[("004_b18dca5de18b2533.txt", "专栏5")]["projects"] == "10"
    assert int(boxes[("000_eff48e12d0f87c70.txt", "表2")]["cells"]) > 50


def test_entity_queries(corpus_store: ox.Store) -> None:
    promoted = {(r["document"][:3], r["industry"]) for r in rows(corpus_store, "industries-per-plan")}
    assert ("辽阳市", "铝合金精深加工") in promoted and ("营口市", "镁质材料") in promoted
    parks = {r["park"] for r in rows(corpus_store, "parks-and-industries")}
    assert {"综合保税区", "辽阳高新技术产业开发区"} <= parks
    assert not {"禁止开发区", "限制开发区"} & parks  # planning categories, not parks
    per_industry = [
        r for r in rows(corpus_store, "projects-per-industry") if r["industry"] == "铝合金精深加工"
    ]
    assert len(per_industry) >= 10
    regions = {(r["place"], r["code"]) for r in rows(corpus_store, "regions-per-plan")}
    assert {("营口市", "210800"), ("辽阳市", "211000"), ("锦州市", "210700"), ("灯塔市", "211081")} <= regions


def test_relation_evidence_quotes_name_the_project(corpus_store: ox.Store) -> None:
    evidence = rows(corpus_store, "relation-evidence")
    assert len(evidence) > 50
    assert sum(1 for r in evidence if r["project"][:4] in r["quote"].replace(" ", "")) > 0.8 * len(evidence)


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv"])
def test_results_format(corpus_store: ox.Store, fmt: str) -> None:
    text = format_results(run_query(corpus_store, read_query("plan-outline")), fmt)
    assert "第一章" in text
