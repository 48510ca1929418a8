"""What the user says about a document (model.UserMetadata: --region, a plangraph.toml table) wins
over the text and is recorded as theirs; where the text tells the region, its evidence is kept;
and a document nothing tells about is refused with a message that says how to say it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.namespace import PROV, RDF

from plangraph import rdf
from plangraph.entities.regions import Gazetteer
from plangraph.ingest import read_documents
from plangraph.model import InputError, UserMetadata
from plangraph.pipeline import parse_document
from plangraph.vocab import PG

SILENT = "各位代表：\n\n现在，我代表政府向大会报告工作，请予审议。\n\n一、过去一年工作回顾\n\n过去一年，经济平稳运行，民生持续改善。\n"
SESSION = (
    "政府工作报告\n——2026年1月26日在广东省第十四届\n人民代表大会第五次会议上\n广东省省长 孟凡利\n各位代表：\n"
    "现在，我代表省人民政府，向大会报告工作，请予审议。\n一、2025年工作回顾\n过去一年，全省经济稳中有进。\n"
)


def parsed(tmp_path: Path, text: str, user: UserMetadata | None = None, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_document(read_documents(path)[0], Gazetteer.load(), user)


def test_a_document_nothing_tells_about_is_refused_with_how_to_say_it(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        parsed(tmp_path, SILENT)
    message = str(err.value)
    assert message.startswith(f"{tmp_path / 'report.txt'}: cannot tell which region")
    assert "looked for" in message and "session line" in message and "file name" in message
    assert "plangraph build --region 150702 report.txt" in message
    assert '["report.txt"] region = "150702"' in message and "plangraph.toml" in message


@pytest.mark.parametrize("region", ["150702", "海拉尔区"])
def test_the_user_gives_the_region_by_code_or_name(tmp_path: Path, region: str) -> None:
    doc = parsed(tmp_path, SILENT, UserMetadata(region=region, year=2021, origin="--region"))
    meta = doc.metadata
    assert (meta.region_code, meta.region_source, meta.user_asserted) == (
        "150702",
        "user",
        {"region", "year"},
    )
    assert (meta.doc_type, meta.report_year, meta.title) == (
        "government-work-report",
        2020,
        "2021年海拉尔区政府工作报告",
    )
    graph = rdf.DocumentGraph(doc).build()
    d = rdf.document_iri(doc)
    assert set(graph.objects(d, PG.assertedByUser)) == {Literal("region"), Literal("year")}
    assert set(graph.objects(d, PG.derivedByRule)) == {Literal("title"), Literal("issuer")}
    assert graph.value(d, PG.userSource) == Literal("--region")
    assert graph.value(d, PG.jurisdictionSource) == Literal("user")


def test_a_region_the_user_names_that_does_not_exist_is_an_error_naming_where(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"plangraph\.toml gives region '999999'"):
        parsed(tmp_path, SILENT, UserMetadata(region="999999", origin="plangraph.toml"))


def test_the_user_wins_over_the_text(tmp_path: Path) -> None:
    doc = parsed(
        tmp_path, SESSION, UserMetadata(region="150702", title="我的标题", origin="in/plangraph.toml")
    )
    assert (doc.metadata.region_code, doc.metadata.title) == ("150702", "我的标题")
    assert doc.metadata.user_asserted == {"region", "title"}


def test_the_evidence_of_the_region_is_kept_as_a_mention(tmp_path: Path) -> None:
    doc = parsed(tmp_path, SESSION)
    assert (doc.metadata.region_code, doc.metadata.region_source) == ("440000", "session line")
    graph = rdf.DocumentGraph(doc).build()
    (statement,) = graph.subjects(RDF.predicate, PG.jurisdiction)
    mention = graph.value(statement, PROV.wasDerivedFrom)
    assert "在广东省第十四届" in str(graph.value(mention, PG.quote))
