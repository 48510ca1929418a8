"""The text of source documents, for the source view and the sentences around mentions.

A build copies every source file to ``build/sources/`` (under its own name unless two inputs share
it; ``sources/.index.json`` says which copy is whose, :func:`plangraph.store.source_copy`); mention offsets are 0-based,
end-exclusive indexes into the *decoded* text, so files are decoded exactly as the build decoded
them (:func:`plangraph.ingest.read_source`), and for an HTML page, a PDF or a Word file into the
text the build extracted (``sources/extracted/``, :func:`plangraph.readers.stored_text`). File names come from the graph (``pg:sourceFile``), which
is data: only bare names inside the sources folder are ever opened.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from ..store import source_copy

log = logging.getLogger(__name__)

#: Characters that end a sentence (or a line) when cutting the context of a mention.
SENTENCE_END = "。！？；!?;\n"
#: Most characters of context kept on each side of a mention.
CONTEXT_CHARS = 80


def decode_source(path: Path) -> str:
    """The text mention offsets index into: a text file decoded as the build decoded it, or the
    text the build extracted from an HTML page, a PDF or a Word file (stored beside its copy)."""
    from ..readers import stored_text

    return stored_text(path)


def safe_name(name: str) -> bool:
    """A bare file name, no directories or tricks (``pg:sourceFile`` is untrusted data)."""
    return bool(name) and Path(name).name == name and name not in (".", "..") and "\\" not in name


class SourceTexts:
    """Decoded source files, looked up by name in the given folders (first match), cached."""

    def __init__(self, folders: list[Path], cache_size: int = 16):
        self.folders = [Path(f) for f in folders]
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[str, float], str] = OrderedDict()

    def path(self, name: str, document: str | None = None) -> Path | None:
        """The source file of ``document`` by the build's index of its copies (two inputs of one
        name have two copies), else the file called ``name``, in the first folder that has it."""
        if document is not None:
            for folder in self.folders:
                copy = source_copy(folder, document)
                if copy is not None:
                    return copy
        if not safe_name(name):
            return None
        for folder in self.folders:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        return None

    def text(self, name: str, document: str | None = None) -> str | None:
        path = self.path(name, document)
        if path is None:
            return None
        key = (str(path), path.stat().st_mtime)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        try:
            text = decode_source(path)
        except Exception as err:  # an unreadable source makes a page poorer, never an error page
            log.warning("cannot read source %s: %s", path, err)
            return None
        self._cache[key] = text
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return text


def context_of(text: str, start: int, end: int, limit: int = CONTEXT_CHARS) -> tuple[str, str, str]:
    """(before, quote, after): the sentence around ``text[start:end]``, at most ``limit`` chars a side."""
    left = start
    while left > 0 and start - left < limit and text[left - 1] not in SENTENCE_END:
        left -= 1
    right = end
    while right < len(text) and right - end < limit and text[right] != "\n":
        right += 1
        if text[right - 1] in SENTENCE_END:
            break
    before = text[left:start].lstrip()
    after = text[end:right].rstrip()
    if left > 0 and text[left - 1] not in SENTENCE_END:
        before = "…" + before
    if right < len(text) and text[right - 1] not in SENTENCE_END and text[right] != "\n":
        after += "…"
    return before, text[start:end], after


# --- where a mention is in the original (HTML, PDF, Word) -----------------------------------

#: Most characters of a part's text shown around the quote in the source view.
PART_CONTEXT_CHARS = 600
#: Rendered PDF pages kept in memory by the source view.
PAGE_CACHE_SIZE = 8


@dataclass
class Original:
    """A mention's place in a converted original, ready for the source view."""

    format: str  # "html" | "pdf" | "docx"
    part: str  # the element or paragraph XPath, or "page N"
    start: int
    end: int
    page: int | None = None
    end_part: str | None = None
    before: str = ""
    quote: str = ""
    after: str = ""
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return {"html": "HTML 元素 element", "docx": "Word 段落 paragraph", "pdf": "PDF 页 page"}[self.format]


_ORIGIN_FIELDS = ("sourcePart", "partStart", "partEnd", "page", "endPart")


def origin_query(mention: str) -> str:
    """SELECT of a mention's place in the original (pg:sourcePart …)."""
    from .sparql_text import iri_ref

    optional = " ".join(f"OPTIONAL {{ {iri_ref(mention)} pg:{f} ?{f} }}" for f in _ORIGIN_FIELDS)
    return f"SELECT * WHERE {{ {optional} }}"


def original_of(path: Path, row: dict) -> Original | None:
    """The source view's account of where a mention is in the stored original ``path``."""
    from ..readers import format_of, part_text

    def value(name: str) -> str | None:
        cell = row.get(name)
        return cell["value"] if cell else None

    part, start, end = value("sourcePart"), value("partStart"), value("partEnd")
    if not part or start is None or end is None or not start.isdigit() or not end.isdigit():
        return None
    try:
        data = path.read_bytes()
        fmt = format_of(path, data)
    except Exception as err:  # the original is unreadable: the page shows the extracted text only
        log.warning("cannot read source %s: %s", path, err)
        return None
    if fmt is None:
        return None
    page = value("page")
    found = Original(fmt.name, part, int(start), int(end), int(page) if page and page.isdigit() else None)
    found.end_part = value("endPart")
    text = part_text(path, part)
    if text is not None:
        stop = len(text) if found.end_part else min(found.end, len(text))
        found.before = text[max(0, found.start - PART_CONTEXT_CHARS) : found.start]
        found.quote = text[found.start : stop]
        found.after = "" if found.end_part else text[stop : stop + PART_CONTEXT_CHARS]
    if fmt.name == "pdf" and found.page is not None:
        from ..readers.pdf import char_boxes

        stop = found.end if not found.end_part else 10**9
        found.boxes = char_boxes(data, found.page, found.start, stop)
    return found


class PageImages:
    """Rendered PDF pages (PNG), cached by file, modification time and page."""

    def __init__(self, size: int = PAGE_CACHE_SIZE):
        self.size = size
        self._cache: OrderedDict[tuple[str, float, int], bytes] = OrderedDict()

    def png(self, path: Path, page: int) -> bytes | None:
        from ..readers import format_of
        from ..readers.pdf import render_page

        key = (str(path), path.stat().st_mtime, page)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        data = path.read_bytes()
        fmt = format_of(path, data)
        if fmt is None or fmt.name != "pdf":
            return None
        import pypdfium2 as pdfium

        with pdfium.PdfDocument(data) as document:
            pages = len(document)
        if not 1 <= page <= pages:
            return None
        png = render_page(data, page)
        self._cache[key] = png
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return png
