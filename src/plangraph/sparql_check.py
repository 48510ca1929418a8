"""Checks on a SPARQL text made before any engine parses it.

pyoxigraph parses queries with a recursive-descent parser on the calling thread's stack: a query
of a few thousand nested groups (``{{{{…}}}}``), parentheses or brackets overflows that stack and
kills the whole process (a segmentation fault, not an exception). So the nesting depth is counted
here first, outside strings, IRIs and comments, and a query deeper than ``max_query_nesting`` is
refused with a message, in the web app and in the CLI alike.
"""

from __future__ import annotations

import re

# Strings, IRIs and comments are skipped whole (a brace inside them is no nesting); the three kinds
# of bracket are what is counted. The IRI form is the one of the SPARQL grammar (no spaces), so
# ``?a < ?b`` is no IRI.
_NESTING_TOKEN = re.compile(
    r"""
    '''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
  | '(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"
  | <[^<>"{}|^`\\\x00-\x20]*>
  | \#[^\n\r]*
  | [{(\[]
  | [})\]]
    """,
    re.VERBOSE | re.DOTALL,
)
_OPENING = frozenset("{([")
_CLOSING = frozenset("})]")


class QueryTooComplex(ValueError):
    """The query is refused before it is run: it would overflow the parser or the server."""


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{}``, ``()`` and ``[]`` together, outside strings, IRIs and comments."""
    depth = deepest = 0
    for match in _NESTING_TOKEN.finditer(text):
        token = match.group()
        if token in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        elif token in _CLOSING:
            depth = max(depth - 1, 0)
    return deepest


def check_complexity(text: str, max_nesting: int) -> None:
    """Raise :class:`QueryTooComplex` for a query nested deeper than ``max_nesting``."""
    # Cheap bound first: a text with fewer brackets than the limit cannot be nested deeper.
    brackets = text.count("{") + text.count("(") + text.count("[")
    if brackets <= max_nesting:
        return
    depth = nesting_depth(text)
    if depth > max_nesting:
        raise QueryTooComplex(
            f"the query nests groups, parentheses or brackets {depth} deep; "
            f"the limit is {max_nesting} (max_query_nesting)"
        )
