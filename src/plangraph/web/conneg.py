"""Content negotiation for the SPARQL endpoint.

A SPARQL answer is either a result set (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE), and the two
families have different media types. Clients often send one Accept list for every query: rdflib's
SPARQLStore sends ``application/sparql-results+xml, application/rdf+xml`` for SELECT and CONSTRUCT
alike, a browser sends ``text/html,...,*/*;q=0.8``. So the format is always chosen *within the family
of the query form*: the result-set family for SELECT/ASK, the graph family for CONSTRUCT/DESCRIBE. A
generic type such as ``application/json`` or ``application/xml`` then means the JSON or XML member of
that family.

Choice order: an explicit ``format=`` / ``output=`` / ``results=`` parameter that names a member of the
family (a short name such as ``json`` or a media type) wins; otherwise the Accept header with
q-values (the most specific matching range sets a type's q; ties go to the type the client listed
first, then to the server's order); when nothing in the family is acceptable the family's default
(JSON results, Turtle) is sent rather than a 406, because every client we know of can read it and
the Content-Type header says what it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

RESULTS = "results"
GRAPH = "graph"


@dataclass(frozen=True)
class Format:
    """One serialisation the endpoint can produce."""

    key: str
    family: str
    media_type: str
    """The canonical media type, sent as Content-Type."""
    aliases: tuple[str, ...]
    """Other media types a client may ask for this format with."""
    names: tuple[str, ...]
    """Short names accepted by the ``format=`` / ``output=`` / ``results=`` parameters."""
    extension: str
    label: str

    @property
    def content_type(self) -> str:
        """Content-Type header value (text formats say their charset; all output is UTF-8)."""
        return f"{self.media_type}; charset=utf-8"

    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


RESULT_FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        RESULTS,
        "application/sparql-results+json",
        ("application/json", "text/javascript", "application/javascript"),
        ("json", "srj"),
        "srj",
        "SPARQL Results JSON",
    ),
    Format(
        "xml",
        RESULTS,
        "application/sparql-results+xml",
        ("application/xml", "text/xml"),
        ("xml", "srx"),
        "srx",
        "SPARQL Results XML",
    ),
    Format("csv", RESULTS, "text/csv", (), ("csv",), "csv", "CSV"),
    Format("tsv", RESULTS, "text/tab-separated-values", (), ("tsv",), "tsv", "TSV"),
)

GRAPH_FORMATS: tuple[Format, ...] = (
    Format(
        "turtle",
        GRAPH,
        "text/turtle",
        # Turtle is valid N3, so N3 requests (SPARQLWrapper's N3 format) get Turtle.
        ("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3", "application/n3"),
        ("turtle", "ttl", "n3"),
        "ttl",
        "Turtle",
    ),
    Format(
        "ntriples",
        GRAPH,
        "application/n-triples",
        ("text/plain",),
        ("ntriples", "n-triples", "nt"),
        "nt",
        "N-Triples",
    ),
    Format(
        "jsonld",
        GRAPH,
        "application/ld+json",
        ("application/json", "application/x-json+ld"),
        ("jsonld", "json-ld", "json"),
        "jsonld",
        "JSON-LD",
    ),
    Format(
        "rdfxml",
        GRAPH,
        "application/rdf+xml",
        ("application/xml", "text/xml"),
        ("rdfxml", "rdf+xml", "rdf", "xml", "owl"),
        "rdf",
        "RDF/XML",
    ),
    Format("trig", GRAPH, "application/trig", (), ("trig",), "trig", "TriG"),
    Format("nquads", GRAPH, "application/n-quads", (), ("nquads", "n-quads", "nq"), "nq", "N-Quads"),
)

#: Formats of the service description (a small graph); the first is the default.
DESCRIPTION_FORMATS: tuple[Format, ...] = tuple(
    f for key in ("turtle", "rdfxml", "jsonld", "ntriples") for f in GRAPH_FORMATS if f.key == key
)

FAMILIES: dict[str, tuple[Format, ...]] = {RESULTS: RESULT_FORMATS, GRAPH: GRAPH_FORMATS}


class Specificity(int, Enum):
    ANY = 0  # */*
    TYPE = 1  # text/*
    EXACT = 2  # text/csv


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    position: int

    def match(self, media_type: str) -> Specificity | None:
        kind, _, sub = media_type.partition("/")
        if self.type == "*":
            return Specificity.ANY
        if self.type != kind:
            return None
        if self.subtype == "*":
            return Specificity.TYPE
        return Specificity.EXACT if self.subtype == sub else None


def _parse_q(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 1.0  # a malformed weight is ignored, not fatal
            return min(max(q, 0.0), 1.0)
    return 1.0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped (never an error)."""
    ranges: list[MediaRange] = []
    for position, item in enumerate((header or "").split(",")):
        media, *params = item.split(";")
        media = media.strip().lower()
        kind, slash, sub = media.partition("/")
        if not slash or not kind or not sub:
            if media == "*":  # some old clients send a bare "*"
                kind, sub = "*", "*"
            else:
                continue
        ranges.append(MediaRange(kind, sub, _parse_q(params), position))
    return ranges


#: Rank given to a type matched only by ``*/*``: after every type the client named.
WILDCARD_RANK = -10_000


def _media_type_quality(
    ranges: list[MediaRange], media_type: str, exact_only: bool = False
) -> tuple[float, int]:
    """(q, rank) of one media type: the most specific matching range sets q (RFC 9110 12.5.1);
    rank is minus the range's position, so types the client listed first win ties."""
    best: tuple[Specificity, float, int] | None = None
    for r in ranges:
        specificity = r.match(media_type)
        if specificity is None or (exact_only and specificity is not Specificity.EXACT):
            continue
        candidate = (specificity, r.q, -r.position)
        if best is None or candidate[0] > best[0] or (candidate[0] == best[0] and candidate[1] > best[1]):
            best = candidate
    if best is None:
        return (0.0, WILDCARD_RANK)
    return (best[1], best[2] if best[0] is not Specificity.ANY else WILDCARD_RANK)


def _quality(ranges: list[MediaRange], fmt: Format) -> tuple[float, int]:
    """(q, rank) of a format: its canonical type, or an alias the client names exactly.

    Wildcards match only the canonical type: ``text/*`` is not a request for ``text/javascript``
    JSON, and ``*/*`` must not bring back a format excluded with ``q=0``.
    """
    scores = [_media_type_quality(ranges, fmt.media_type)]
    scores += [_media_type_quality(ranges, alias, exact_only=True) for alias in fmt.aliases]
    return max(scores)


def negotiate(accept: str | None, offered: tuple[Format, ...]) -> Format | None:
    """The offered format the Accept header prefers, or None when it accepts none of them."""
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0] if offered else None
    scored = []
    for order, fmt in enumerate(offered):
        q, position = _quality(ranges, fmt)
        if q > 0:
            scored.append((q, position, -order, fmt))
    if not scored:
        return None
    scored.sort(key=lambda s: s[:3], reverse=True)
    return scored[0][3]


def accepts_html_first(accept: str | None, offered: tuple[Format, ...]) -> bool:
    """True when the client (a browser) prefers HTML to every offered format."""
    ranges = parse_accept(accept)
    html = Format("html", "page", "text/html", ("application/xhtml+xml",), (), "html", "HTML")
    html_q, html_pos = _quality(ranges, html)
    if html_q <= 0 or html_pos == WILDCARD_RANK:  # only */* matched: not a browser asking for a page
        return False
    return all(_quality(ranges, f) < (html_q, html_pos) for f in offered)


def by_name(name: str | None, family: str) -> Format | None:
    """The format of a family a ``format=`` value names (short name or media type), if any."""
    if not name:
        return None
    wanted = name.strip().lower()
    for fmt in FAMILIES[family]:
        if wanted in fmt.names or wanted in fmt.media_types():
            return fmt
    return None


def choose(family: str, accept: str | None, format_param: str | None = None) -> Format:
    """The format to answer with for a query of ``family``: parameter, then Accept, then default."""
    offered = FAMILIES[family]
    return by_name(format_param, family) or negotiate(accept, offered) or offered[0]


def all_formats() -> tuple[Format, ...]:
    return RESULT_FORMATS + GRAPH_FORMATS
