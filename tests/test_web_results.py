"""The result writers (pyoxigraph's own, with the row limit kept in the bytes): what they write
reads back, by pyoxigraph and rdflib, as what went in."""

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


def fmt_of(key: str) -> conneg.Format:
    return next(f for f in conneg.RESULT_FORMATS if f.key == key)


def written(store: ox.Store, key: str, limit: int = 100) -> results.Written:
    """The query's answer as the endpoint writes it: capped at limit + 1, written, cut to limit."""
    text, _ = results.cap_select(QUERY, limit + 1)
    return results.write_solutions(store.query(text), fmt_of(key), limit)


def as_pairs(solutions) -> list[tuple]:
    return sorted((str(s["o"]), s["unbound"]) for s in solutions)


@pytest.mark.parametrize("key", ["json", "xml", "tsv"])
def test_round_trip_through_pyoxigraph(store: ox.Store, key: str) -> None:
    fmt = fmt_of(key)
    body = written(store, key).body
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
    parsed = Result.parse(io.BytesIO(written(store, key).body), content_type=mime)
    values = [str(row[0]) for row in parsed]
    assert "营口市" in values and "http://ex.org/b" in values and len(values) == 11


def test_csv_follows_the_w3c_rules(store: ox.Store) -> None:
    text = written(store, "csv").body.decode()
    lines = text.split("\r\n")
    assert lines[0] == "o,unbound" and text.endswith("\r\n")
    assert '"tab\tquote""comma,line\nend",' in text  # quoted, quotes doubled, newline kept
    assert "\r\n42,\r\n" in text or "42," in text
    assert any(line.startswith("_:") for line in lines)


def test_tsv_writes_terms_in_sparql_syntax(store: ox.Store) -> None:
    text = written(store, "tsv").body.decode()
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
    doc = json.loads(written(store, "json").body)
    assert doc["head"]["vars"] == ["o", "unbound"]
    bindings = [b["o"] for b in doc["results"]["bindings"]]
    assert {"type": "literal", "value": "营口市", "xml:lang": "zh"} in bindings
    assert {"type": "literal", "value": "42", "datatype": XSD + "integer"} in bindings
    assert {"type": "uri", "value": "http://ex.org/b"} in bindings
    assert all("unbound" not in b for b in doc["results"]["bindings"])
    plain = next(b for b in bindings if b["value"].startswith("<script>"))
    assert "datatype" not in plain  # xsd:string is implicit


def test_xml_escapes_markup(store: ox.Store) -> None:
    text = written(store, "xml").body.decode()
    assert "&lt;script&gt;&amp;amp;&lt;/script&gt;" in text
    assert "<script>" not in text


@pytest.mark.parametrize("key", ["json", "xml", "csv", "tsv"])
def test_limit_cuts_and_flags(store: ox.Store, key: str) -> None:
    fmt = fmt_of(key)
    media = ox.QueryResultsFormat.from_media_type(fmt.media_type)
    for limit in (0, 1, 4, 10):
        cut = written(store, key, limit=limit)
        assert cut.rows == limit and cut.truncated
        if key != "csv":  # pyoxigraph reads CSV results only without types
            assert len(list(ox.parse_query_results(cut.body, format=media))) == limit
    whole = written(store, key, limit=11)
    assert whole.rows == 11 and not whole.truncated
    # An uncapped answer (more than one row too many) is cut just as well.
    many = results.write_solutions(store.query(QUERY), fmt, 3)
    assert many.rows == 3 and many.truncated


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
    turtle, ntriples = conneg.GRAPH_FORMATS[0], conneg.GRAPH_FORMATS[1]
    for fmt in (turtle, ntriples):
        triples = store.query("CONSTRUCT { ?s ?p ?o . ?s ?p ?o } WHERE { ?s ?p ?o }")
        kept = results.write_triples(triples, fmt, 100)
        assert kept.rows == 11 and not kept.truncated
    for fmt in conneg.GRAPH_FORMATS:
        cut = results.write_triples(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), fmt, 5)
        assert cut.rows == 5 and cut.truncated
        back = list(ox.parse(cut.body, format=ox.RdfFormat.from_media_type(fmt.media_type)))
        assert len(back) == 5, fmt.key


@pytest.mark.parametrize(
    ("query", "bound"),
    [
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 100", 100),
        ("CONSTRUCT { ?s ?p ?o . ?o ?p ?s . } WHERE { ?s ?p ?o } LIMIT 10", 20),
        ("CONSTRUCT { ?s ?p ?o ; ?q ?r } WHERE { ?s ?p ?o } LIMIT 10", None),  # ';' not counted
        ("CONSTRUCT { ?s ?p [ ?q ?r ] } WHERE { ?s ?p ?o } LIMIT 10", None),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", None),  # the short form
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", None),  # no LIMIT
        ("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT * { ?s ?p ?o } LIMIT 3 } }", None),  # not top level
    ],
)
def test_graph_bound(query: str, bound: int | None) -> None:
    assert results.graph_bound(query) == bound


def test_a_graph_bounded_under_the_cap_is_written_straight(store: ox.Store) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5"
    turtle = conneg.GRAPH_FORMATS[0]
    direct = results.write_triples(store.query(query), turtle, 100, results.graph_bound(query))
    assert direct.rows == -1 and not direct.truncated  # not counted: nothing could be cut
    assert len(list(ox.parse(direct.body, format=ox.RdfFormat.TURTLE))) == 5
    counted = results.write_triples(store.query(query), turtle, 4, results.graph_bound(query))
    assert counted.rows == 4 and counted.truncated  # over the cap: counted and cut as before
