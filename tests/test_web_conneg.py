"""Content negotiation: the Accept headers real clients send get the right format for each query form."""

from __future__ import annotations

import pytest

from plangraph.web.conneg import (
    DESCRIPTION_FORMATS,
    GRAPH,
    RESULTS,
    accepts_html_first,
    by_name,
    choose,
    negotiate,
    parse_accept,
)

# What the clients send (SPARQLWrapper 2, rdflib 7 SPARQLStore, YASGUI, a browser).
SPARQLWRAPPER = {
    "xml": "application/sparql-results+xml",
    "json": "application/sparql-results+json,application/json,text/javascript,application/javascript",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "application/turtle,text/turtle",
    "n3": "application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3",
    "rdfxml": "application/rdf+xml",
    "jsonld": "application/ld+json,application/x-json+ld",
    "default": "application/sparql-results+xml,application/rdf+xml,*/*",
}
RDFLIB_XML = "application/sparql-results+xml, application/rdf+xml"
YASGUI_SELECT = "application/sparql-results+json,*/*;q=0.9"
YASGUI_CONSTRUCT = "text/turtle,*/*;q=0.9"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "family", "expected"),
    [
        (SPARQLWRAPPER["xml"], RESULTS, "xml"),
        (SPARQLWRAPPER["json"], RESULTS, "json"),
        (SPARQLWRAPPER["csv"], RESULTS, "csv"),
        (SPARQLWRAPPER["tsv"], RESULTS, "tsv"),
        (SPARQLWRAPPER["default"], RESULTS, "xml"),
        (SPARQLWRAPPER["default"], GRAPH, "rdfxml"),
        (SPARQLWRAPPER["turtle"], GRAPH, "turtle"),
        (SPARQLWRAPPER["n3"], GRAPH, "turtle"),
        (SPARQLWRAPPER["rdfxml"], GRAPH, "rdfxml"),
        (SPARQLWRAPPER["jsonld"], GRAPH, "jsonld"),
        (RDFLIB_XML, RESULTS, "xml"),
        (RDFLIB_XML, GRAPH, "rdfxml"),
        (YASGUI_SELECT, RESULTS, "json"),
        (YASGUI_CONSTRUCT, GRAPH, "turtle"),
        (BROWSER, RESULTS, "xml"),
        (BROWSER, GRAPH, "rdfxml"),
        ("application/json", RESULTS, "json"),
        ("application/json", GRAPH, "jsonld"),
        ("text/plain", GRAPH, "ntriples"),
        ("application/n-quads", GRAPH, "nquads"),
        ("application/trig", GRAPH, "trig"),
        # q-values: the highest wins; the client's order breaks ties.
        ("text/csv;q=0.5, application/sparql-results+json;q=0.8", RESULTS, "json"),
        ("text/csv, application/sparql-results+json", RESULTS, "csv"),
        ("text/*;q=0.9, application/sparql-results+xml;q=0.2", RESULTS, "csv"),
        ("application/rdf+xml;q=0.3, text/turtle;q=0.7, application/ld+json;q=0.5", GRAPH, "turtle"),
        # q=0 rules a type out even under a wildcard.
        ("application/sparql-results+json;q=0, */*", RESULTS, "xml"),
        ("*/*", RESULTS, "json"),
        ("*/*", GRAPH, "turtle"),
        # Nothing of the family acceptable: the family's default, never a result-set type for a graph.
        ("application/sparql-results+json", GRAPH, "turtle"),
        ("text/turtle", RESULTS, "json"),
        ("image/png", RESULTS, "json"),
        (None, RESULTS, "json"),
        ("", GRAPH, "turtle"),
        ("garbage;;;, ,/,", RESULTS, "json"),
    ],
)
def test_choose(accept: str | None, family: str, expected: str) -> None:
    assert choose(family, accept).key == expected


@pytest.mark.parametrize(
    ("name", "family", "expected"),
    [
        ("json", RESULTS, "json"),
        ("xml", RESULTS, "xml"),
        ("csv", RESULTS, "csv"),
        ("tsv", RESULTS, "tsv"),
        ("json", GRAPH, "jsonld"),
        ("json-ld", GRAPH, "jsonld"),
        ("xml", GRAPH, "rdfxml"),
        ("rdf+xml", GRAPH, "rdfxml"),
        ("rdf", GRAPH, "rdfxml"),
        ("turtle", GRAPH, "turtle"),
        ("n3", GRAPH, "turtle"),
        ("nt", GRAPH, "ntriples"),
        ("text/csv", RESULTS, "csv"),
        ("application/sparql-results+json", RESULTS, "json"),
        ("TSV", RESULTS, "tsv"),
    ],
)
def test_format_parameter_names(name: str, family: str, expected: str) -> None:
    fmt = by_name(name, family)
    assert fmt is not None and fmt.key == expected
    # The parameter beats Accept.
    assert choose(family, "application/sparql-results+xml, application/rdf+xml", name).key == expected


def test_unknown_or_foreign_format_parameter_falls_back_to_accept() -> None:
    assert by_name("csv", GRAPH) is None and by_name("nonsense", RESULTS) is None
    assert choose(GRAPH, "application/rdf+xml", "csv").key == "rdfxml"
    assert choose(RESULTS, "text/tab-separated-values", "turtle").key == "tsv"


def test_parse_accept() -> None:
    ranges = parse_accept("text/html;level=1;q=0.7, */*; q=0.1, *, bad, text/csv;q=abc")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "html", 0.7),
        ("*", "*", 0.1),
        ("*", "*", 1.0),
        ("text", "csv", 1.0),
    ]


def test_negotiate_returns_none_when_nothing_fits() -> None:
    assert negotiate("image/png", DESCRIPTION_FORMATS) is None


def test_html_first() -> None:
    assert accepts_html_first(BROWSER, DESCRIPTION_FORMATS)
    assert not accepts_html_first("*/*", DESCRIPTION_FORMATS)
    assert not accepts_html_first("text/turtle, text/html", DESCRIPTION_FORMATS)
    assert not accepts_html_first(None, DESCRIPTION_FORMATS)
    assert accepts_html_first("text/html", DESCRIPTION_FORMATS)
