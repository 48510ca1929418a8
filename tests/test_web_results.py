"""The result-set writers: what they write reads back, by pyoxigraph and rdflib, as what went in."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib.query import Result

from plangraph.web import conneg, results

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.update(
        """INSERT DATA {
          <http://ex.org/a> <http://ex.org/p>
              "营口市"@zh, "tab\\tquote\\"comma,line\\nend", 42, 2.5, 1.0e3, true,
              "2016"^^<http://www.w3.org/2001/XMLSchema#gYear>, _:b1, <http://ex.org/b> ,
              "<script>&amp;</script>", "bell\\u0007char" .
        }"""
    )
    return s


QUERY = "SELECT ?o ?unbound WHERE { <http://ex.org/a> <http://ex.org/p> ?o } ORDER BY STR(?o)"


def rows(store: ox.Store, limit: int = 100) -> results.Rows:
    return results.collect_solutions(store.query(QUERY), limit)


def as_pairs(solutions) -> list[tuple]:
    return sorted((str(s["o"]), s["unbound"]) for s in solutions)


@pytest.mark.parametrize("key", ["json", "xml", "tsv"])
def test_round_trip_through_pyoxigraph(store: ox.Store, key: str) -> None:
    fmt = next(f for f in conneg.RESULT_FORMATS if f.key == key)
    body = results.write_rows(rows(store), fmt)
    parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.from_media_type(fmt.media_type))
    expected = as_pairs(store.query(QUERY))
    got = as_pairs(parsed)
    if key == "xml":  # XML 1.0 cannot carry U+0007: it is written as U+FFFD
        assert '"bell\ufffdchar"' in [o for o, _ in got]
        got = [p for p in got if "bell" not in p[0]]
        expected = [p for p in expected if "bell" not in p[0]]
    assert [o for o, _ in got if not o.startswith("_:")] == [o for o, _ in expected if not o.startswith("_:")]
    assert sum(o.startswith("_:") for o, _ in got) == 1


@pytest.mark.parametrize(
    ("key", "mime"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
    ],
)
def test_rdflib_reads_it(store: ox.Store, key: str, mime: str) -> None:
    fmt = next(f for f in conneg.RESULT_FORMATS if f.key == key)
    parsed = Result.parse(io.BytesIO(results.write_rows(rows(store), fmt)), content_type=mime)
    values = [str(row[0]) for row in parsed]
    assert "营口市" in values and "http://ex.org/b" in values and len(values) == 11


def test_csv_follows_the_w3c_rules(store: ox.Store) -> None:
    text = results.write_csv(rows(store)).decode()
    lines = text.split("\r\n")
    assert lines[0] == "o,unbound" and text.endswith("\r\n")
    assert '"tab\tquote""comma,line\nend",' in text  # quoted, quotes doubled, newline kept
    assert "\r\n42,\r\n" in text or "42," in text
    assert any(line.startswith("_:") for line in lines)


def test_tsv_writes_terms_in_sparql_syntax(store: ox.Store) -> None:
    text = results.write_tsv(rows(store)).decode()
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "?o\t?unbound"
    cells = {line.split("\t")[0] for line in lines[1:]}
    assert '"营口市"@zh' in cells
    assert "42" in cells and "2.5" in cells and "true" in cells
    assert f'"1000"^^<{XSD}double>' in cells  # a double without exponent stays typed
    assert f'"2016"^^<{XSD}gYear>' in cells
    assert '"tab\\tquote\\"comma,line\\nend"' in cells
    assert "<http://ex.org/b>" in cells


def test_json_shape(store: ox.Store) -> None:
    doc = json.loads(results.write_json(rows(store)))
    assert doc["head"]["vars"] == ["o", "unbound"]
    bindings = [b["o"] for b in doc["results"]["bindings"]]
    assert {"type": "literal", "value": "营口市", "xml:lang": "zh"} in bindings
    assert {"type": "literal", "value": "42", "datatype": XSD + "integer"} in bindings
    assert {"type": "uri", "value": "http://ex.org/b"} in bindings
    assert all("unbound" not in b for b in doc["results"]["bindings"])
    plain = next(b for b in bindings if b["value"].startswith("<script>"))
    assert "datatype" not in plain  # xsd:string is implicit


def test_xml_escapes_markup(store: ox.Store) -> None:
    text = results.write_xml(rows(store)).decode()
    assert "&lt;script&gt;&amp;amp;&lt;/script&gt;" in text
    assert "<script>" not in text


def test_limit_cuts_and_flags(store: ox.Store) -> None:
    cut = rows(store, limit=4)
    assert len(cut.rows) == 4 and cut.truncated
    whole = rows(store, limit=11)
    assert len(whole.rows) == 11 and not whole.truncated


def test_booleans() -> None:
    for fmt in conneg.RESULT_FORMATS[:2]:
        for value in (True, False):
            body = results.write_boolean(value, fmt)
            parsed = ox.parse_query_results(
                body, format=ox.QueryResultsFormat.from_media_type(fmt.media_type)
            )
            assert bool(parsed) is value
    csv = next(f for f in conneg.RESULT_FORMATS if f.key == "csv")
    assert results.write_boolean(True, csv) == b"_askResult\r\ntrue\r\n"


def test_graph_triples_are_distinct_and_limited(store: ox.Store) -> None:
    triples = store.query("CONSTRUCT { ?s ?p ?o . ?s ?p ?o } WHERE { ?s ?p ?o }")
    kept, cut = results.collect_triples(triples, 100)
    assert len(kept) == 11 and not cut
    kept, cut = results.collect_triples(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), 5)
    assert len(kept) == 5 and cut
    for fmt in conneg.GRAPH_FORMATS:
        body = results.write_graph(kept, fmt)
        back = list(ox.parse(body, format=ox.RdfFormat.from_media_type(fmt.media_type)))
        assert len(back) == 5, fmt.key
