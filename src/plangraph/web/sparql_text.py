"""Just enough lexing of SPARQL text to inspect and amend it safely.

The endpoint needs three things pyoxigraph does not offer: to refuse federated ``SERVICE`` calls
(they would make the server fetch any URL a client names), to add the protocol's
``using-graph-uri`` / ``using-named-graph-uri`` parameters to an update as ``USING`` clauses (and to
refuse them when the update has its own ``USING``/``WITH``), and to write values into the queries
of the web pages without injection. Keywords are recognised only outside strings, IRIs and comments
and never as part of a prefixed name, so ``"SERVICE"`` or ``ex:service`` do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d][\w\-.]*)?:(?:[\w\-:%]|\\.|\.(?=[\w\-:%]))*)
  | (?P<word>[^\W\d]\w*)
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    depth: int
    """Brace depth before the token (0: top level of the query or update operation)."""

    def is_keyword(self, *names: str) -> bool:
        return self.kind == "word" and self.text.upper() in names


def tokens(text: str) -> list[Token]:
    """The significant tokens of a SPARQL text (no white space or comments)."""
    out: list[Token] = []
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        value = match.group()
        if kind in ("ws", "comment"):
            continue
        if value == "}":
            depth = max(depth - 1, 0)
        out.append(Token(kind, value, match.start(), depth))
        if value == "{":
            depth += 1
    return out


@dataclass(frozen=True)
class Shape:
    """What the endpoint needs to know of a query's text, read in one pass."""

    form: str
    """``SELECT``, ``ASK``, ``CONSTRUCT``, ``DESCRIBE`` (the first at the top level), or ``""``."""
    remote: str | None
    """``SERVICE`` or ``LOAD`` when the text would make the server fetch a URL."""
    limit: tuple[int, str] | None
    """Offset and text of the number after a top-level ``LIMIT``."""
    values_at: int | None
    """Offset of a top-level ``VALUES`` (a trailing values clause)."""
    end: int
    """Offset just after the last significant token."""


_FORMS = frozenset(("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"))


def shape(text: str) -> Shape:
    """The :class:`Shape` of a query (one scan; words inside strings, IRIs and comments are skipped)."""
    form, remote, limit, values_at, end = "", None, None, None, 0
    depth, after_limit = 0, False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        value = match.group()
        end = match.end()
        if after_limit:
            after_limit = False
            if kind == "number":
                limit = (match.start(), value)
        if kind == "word":
            word = value.upper()
            if word in ("SERVICE", "LOAD"):
                remote = remote or word
            elif depth == 0:
                if word in _FORMS and not form:
                    form = word
                elif word == "LIMIT":
                    after_limit = True
                elif word == "VALUES" and values_at is None:
                    values_at = match.start()
        elif value == "{":
            depth += 1
        elif value == "}":
            depth = max(depth - 1, 0)
    return Shape(form, remote, limit, values_at, end)


def uses_service(text: str) -> bool:
    """Whether a query or update calls a remote endpoint with ``SERVICE``."""
    return any(t.is_keyword("SERVICE") for t in tokens(text))


def fetches_remote(text: str) -> str | None:
    """``SERVICE`` or ``LOAD`` if a query or update would make the server fetch a URL, else None."""
    return shape(text).remote


class DatasetConflict(ValueError):
    """The protocol named a dataset for an update that declares its own (USING / WITH)."""


def add_using_clauses(update: str, using: list[str], using_named: list[str]) -> str:
    """The update with ``USING <g>`` / ``USING NAMED <g>`` before the WHERE of each DELETE/INSERT.

    SPARQL 1.1 Protocol 2.2.3: the ``using-graph-uri`` / ``using-named-graph-uri`` parameters act as
    USING / USING NAMED clauses; an update with its own USING or WITH together with them is an error.
    ``DELETE WHERE`` and the data-only operations take no USING and are left as they are.
    """
    if not using and not using_named:
        return update
    toks = tokens(update)
    if any(t.depth == 0 and t.is_keyword("USING", "WITH") for t in toks):
        raise DatasetConflict(
            "the update declares its dataset with USING or WITH; "
            "it cannot be combined with using-graph-uri / using-named-graph-uri"
        )
    clauses = " ".join(
        [f"USING {iri_ref(g)}" for g in using] + [f"USING NAMED {iri_ref(g)}" for g in using_named]
    )
    pieces: list[str] = []
    last = 0
    for i, tok in enumerate(toks):
        if tok.depth != 0 or not tok.is_keyword("WHERE"):
            continue
        if i > 0 and toks[i - 1].is_keyword("DELETE"):
            continue  # DELETE WHERE { ... }
        pieces += [update[last : tok.start], clauses, " "]
        last = tok.start
    pieces.append(update[last:])
    return "".join(pieces)


# --- writing values into queries -------------------------------------------------------------

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def is_iri(text: str) -> bool:
    """An absolute IRI that can be written as ``<...>`` in SPARQL without escaping."""
    return bool(text) and bool(_IRI_SCHEME.match(text)) and not _IRI_FORBIDDEN.search(text)


def iri_ref(iri: str) -> str:
    if not is_iri(iri):
        raise ValueError(f"not an absolute IRI: {iri!r}")
    return f"<{iri}>"


_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def string_literal(text: str) -> str:
    """A SPARQL string literal with the exact value of ``text``."""
    return '"' + text.translate(_STRING_ESCAPES) + '"'
