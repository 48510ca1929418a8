"""The web tests' hand-written graph keeps its promises: quotes match the source at their offsets,
lines are right, and its IRIs are those vocab.py mints."""

from __future__ import annotations

import pyoxigraph as ox

from plangraph import vocab
from web_support import FIXTURES, MINI_TRIG

PG = "https://w3id.org/plangraph/ontology#"


def test_every_quote_is_the_source_text_at_its_offsets() -> None:
    text = (FIXTURES / "sources" / "mini_plan.txt").read_text(encoding="utf-8")
    store = ox.Store()
    store.bulk_load(path=str(MINI_TRIG), format=ox.RdfFormat.TRIG)
    rows = list(
        store.query(
            f"""SELECT ?m ?s ?e ?l ?q WHERE {{ ?m <{PG}start> ?s ; <{PG}end> ?e ; <{PG}line> ?l ; <{PG}quote> ?q }}""",
            use_default_graph_as_union=True,
        )
    )
    assert len(rows) >= 15
    for row in rows:
        start, end, line = int(row["s"].value), int(row["e"].value), int(row["l"].value)
        assert text[start:end] == row["q"].value
        assert text.count("\n", 0, start) + 1 == line
        assert row["m"].value.endswith(f"/mention/{start}-{end}")


def test_iris_follow_vocab() -> None:
    trig = MINI_TRIG.read_text(encoding="utf-8")
    doc = vocab.document_iri("210800", "plan", "2016-2020")
    base = str(vocab.ID)
    for iri in (
        vocab.project_iri("210800", "鲅鱼圈钢铁精深加工项目"),
        vocab.project_iri("210800", "营口港智慧物流园区项目"),
        vocab.park_iri("210800", "营口经济技术开发区"),
        vocab.indicator_iri("地区生产总值"),
        vocab.organisation_iri("营口市人民政府"),
        vocab.box_iri(doc, 1),
        vocab.division_iri(doc, 3),
        vocab.document_graph(doc),
    ):
        assert f"<{str(iri).removeprefix(base)}>" in trig, iri
