"""Comparing many documents on the corpus build: one indicator across places and years, which
places promote which industries, the two-plan comparison on the same data, and the CLI commands."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from plangraph.cli import main as cli_main
from plangraph.compare import compare_indicator, compare_plans, parse_years, priorities
from plangraph.observations import read_observations
from plangraph.reading.names import UnknownEntity
from plangraph.store import open_store


@pytest.fixture(scope="module")
def store(corpus_build: Path) -> ox.Store:
    return open_store(corpus_build)


def test_gdp_meets_across_plans_whatever_they_call_it(store: ox.Store) -> None:
    gdp = compare_indicator(store, "GDP")
    printed = {r.indicator.label for r in gdp.rows}
    assert {"国内生产总值", "地区生产总值"} <= printed  # 营口 prints one, the others the other
    assert gdp.concept.unit_label == "亿元"
    assert {r.document.source_file for r in gdp.rows} == {
        "000_eff48e12d0f87c70.txt",
        "001_cb27c06e08f47c2d.txt",
        "002_aeb35f2bbea0796b.txt",
        "004_b18dca5de18b2533.txt",
    }
    pivot = dict(gdp.pivot())
    assert [v.text for v in pivot["营口市"][2020]] == ["2100"]


def test_a_growth_concept_gathers_rows_growth_columns_and_sentences(store: ox.Store) -> None:
    growth = compare_indicator(store, "地区生产总值增长率")
    sources = {(r.document.source_file, r.source) for r in growth.rows}
    assert ("000_eff48e12d0f87c70.txt", "growth column") in sources  # 国内生产总值 … 年均增长 7%
    assert ("002_aeb35f2bbea0796b.txt", "table") in sources  # 地区生产总值年均增速
    assert ("003_c4b0b8e4100e97f5.txt", "sentence") in sources  # 地区生产总值增长7%
    yingkou_2017 = [r for r in growth.rows if r.document.title == "2017年营口市政府工作报告"]
    assert [(r.year, r.text, r.comparable) for r in yingkou_2017] == [(2017, "7%", Decimal("7"))]


def test_values_that_are_no_number_stay_in_the_table_with_their_form(store: ox.Store) -> None:
    income = compare_indicator(store, "居民人均可支配收入增长率")
    in_step = [r for r in income.rows if r.form == "InStepWith"]
    assert in_step and all(r.comparable is None for r in in_step)


def test_filters_by_place_year_and_document(store: ox.Store) -> None:
    yingkou = compare_indicator(store, "城镇化率", places=["营口市"], years=parse_years("2020-2025"))
    assert {r.place.label for r in yingkou.rows if r.place} <= {"营口市", "站前区", "盖州市"}
    assert all(2020 <= (r.year or 0) <= 2025 for r in yingkou.rows)
    one = compare_indicator(store, "城镇化率", documents=["004_b18dca5de18b2533.txt"])
    assert {r.document.source_file for r in one.rows} == {"004_b18dca5de18b2533.txt"}
    with pytest.raises(ValueError, match="not a year"):
        parse_years("2020-twenty")
    with pytest.raises(UnknownEntity, match="closest known"):
        compare_indicator(store, "人均收入")


def test_priorities_by_place_and_by_document(store: ox.Store) -> None:
    matrix = priorities(store, industries=["新能源汽车"])
    promoting = [r.label for r in matrix.rows if matrix.promoted(r.iri, matrix.industries[0].iri)]
    assert promoting == ["营口市"]
    [evidence] = [e for (row, _), found in matrix.cells.items() for e in found][:1]
    assert "新能源汽车" in evidence.quote and evidence.line
    top = priorities(store, by="document", top=5)
    assert len(top.industries) == 5 and len(top.rows) == 7
    assert top.to_csv().splitlines()[0].startswith("document,")


def test_two_plans_meet_on_the_concept_and_convert_units(store: ox.Store) -> None:
    comparison = compare_plans(store, "000_eff48e12d0f87c70", "004_b18dca5de18b2533")
    changes = {c.indicator.label: c for c in comparison.indicators}
    stock = changes["森林蓄积量"]  # 0.0296 亿立方米 then 554 万立方米
    assert stock.change == Decimal("258")
    assert "城镇居民人均可支配收入" in changes  # 城镇常住居民… in both, one concept


def test_cli_targets_priorities_and_search(corpus_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build = ["--build", str(corpus_build)]
    assert cli_main(["targets", "城镇居民人均可支配收入", *build]) == 0
    out = capsys.readouterr().out
    assert "城镇居民人均可支配收入 (元)" in out and "47000" in out
    assert cli_main(["targets", "GDP", "--format", "csv", *build]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["indicator"] for r in rows} >= {"国内生产总值", "地区生产总值"} and all(
        r["quote"] for r in rows
    )
    assert cli_main(["targets", "人均收入", *build]) == 1
    assert "closest known" in capsys.readouterr().err
    assert cli_main(["priorities", "--industries", "新材料", "--format", "json", *build]) == 0
    assert json.loads(capsys.readouterr().out)["industries"][0]["label"] == "新材料"
    assert cli_main(["search", "新能源", *build]) == 0
    assert "新能源汽车" in capsys.readouterr().out


def test_every_indicator_the_corpus_prints_compares_and_charts(store: ox.Store) -> None:
    """Any indicator: each concept a document links to gives rows, and a chart where a row is a number."""
    from plangraph.reading.sparql import select_rows
    from plangraph.web.network_pages import chart_data

    concepts = [c for (c,) in select_rows(store, "SELECT DISTINCT ?c WHERE { ?i pg:indicatorConcept ?c }")]
    assert len(concepts) > 80
    for concept in concepts:
        comparison = compare_indicator(store, concept)
        if not comparison.rows:  # only when no document gives it a value: a parent, a row of "—"
            assert not [o for o in read_observations(store, concepts=[concept]) if o.is_set], concept
        chart = chart_data(comparison.to_json())
        numeric = [
            r for r in comparison.rows if r.comparable is not None and r.year is not None and not r.cumulative
        ]
        assert sum(len(s["points"]) for s in chart["series"]) == len(numeric), concept
