"""The one graph-reading layer: the label rule, display width and text tables, names."""

from __future__ import annotations

from plangraph.reading.display import clip, display_width, text_table
from plangraph.reading.labels import best_label, labels_from_rows
from plangraph.reading.names import match_rank, name_variants, rank_hits
from plangraph.reading.terms import compact

PG = "https://w3id.org/plangraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"


def test_display_width_counts_wide_and_full_width_characters_twice() -> None:
    assert display_width("营口市") == 6
    assert display_width("7.5％") == 5  # full-width percent sign
    assert display_width("GDP 2020") == 8
    assert display_width("…") == 1  # ambiguous width: one column, as terminals draw it
    assert clip("营口市国民经济和社会发展", 9) == "营口市国…"
    lines = text_table([("地区", "value"), ("营口市", "2100"), ("Liaoyang", "7%")], rule=True)
    assert lines[1].startswith("--------")
    # the second column starts at the same display column after 营口市 (6 columns) and Liaoyang (8)
    starts = {display_width(line[: line.index(v)]) for line, v in zip(lines[2:], ("2100", "7%"), strict=True)}
    assert starts == {10}


def test_one_label_rule_for_every_kind_of_node() -> None:
    rows = [
        ("div", f"{PG}number", "第二章", ""),
        ("div", f"{DCT}title", "产业发展", "zh"),
        ("obs", f"{PG}indicator", "地区生产总值", "zh"),
        ("obs", f"{PG}year", "2020", ""),
        ("obs", f"{PG}valueText", "2100", ""),
        ("doc", f"{PG}sourceFile", "004.txt", ""),
        ("doc", f"{DCT}title", "辽阳市国民经济和社会发展第十四个五年规划", "zh"),
        ("ind", f"{SKOS}prefLabel", "New materials", "en"),
        ("ind", f"{SKOS}prefLabel", "新材料", "zh"),
        ("ind", f"{SKOS}altLabel", "新材料产业", "zh"),
        ("bare", f"{PG}sourceFile", "only-a-file.txt", ""),
    ]
    labels = labels_from_rows(rows)
    assert labels == {
        "div": "第二章 产业发展",
        "obs": "地区生产总值 2020 2100",
        "doc": "辽阳市国民经济和社会发展第十四个五年规划",
        "ind": "新材料",
        "bare": "only-a-file.txt",
    }
    # the answer does not depend on the order the store returns the rows in
    assert labels_from_rows(reversed(rows)) == labels
    assert best_label({}) is None


def test_compact_uses_the_longest_standard_namespace() -> None:
    assert compact(f"{PG}supportsIndustry") == "pg:supportsIndustry"
    assert compact("https://w3id.org/plangraph/id/region/210800") == "id:region/210800"
    assert compact("http://example.org/x") == "http://example.org/x"


def test_names_compare_with_and_without_industry_suffixes_and_rank_exact_first() -> None:
    assert name_variants("新材料产业") == {"新材料产业", "新材料"}
    assert name_variants("装备工业", strict=True) == {"装备工业"}
    assert (
        match_rank("新材料", "新材料")
        < match_rank("新材料产业", "新材料")
        < match_rank("先进新材料", "新材料")
    )
    hits = rank_hits(
        {"a": "先进新材料", "b": "新材料", "c": "新材料产业园"},
        {"a": [f"{PG}Industry"], "b": [f"{PG}Industry"], "c": [f"{PG}Park"]},
        "新材料",
    )
    assert [h.iri for h in hits] == ["b", "c", "a"]
