"""The one registry of input formats: which reader reads a file, and how to get its text back.

A file's format is told by its content first (a PDF starts with ``%PDF-``, a Word file is a ZIP
holding ``word/document.xml``, an HTML page opens with ``<!DOCTYPE html>`` or ``<html>``), then
by its name; anything else is a text file, read exactly as before (``ingest.read_source``). A
page saved under a wrong name (an HTML page called ``….pdf``) is still read as what it is.

Each reader returns a :class:`~plangraph.readers.base.Extracted`: the text later stages read
(and mention offsets index into) and the map back to the original. A build keeps both beside
the copy of the original (``store.SourceCopies``), and :func:`stored_text` finds them again.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import InputError, SourceFile
from .base import Extracted, SourceMap


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str  # recorded as dcterms:format of a document read from this format
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]
    read: Callable[[bytes, str], Extracted]


def _is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _is_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    while head.startswith(b"<!--"):  # a comment before the doctype
        end = head.find(b"-->")
        if end < 0:
            return False
        head = head[end + 3 :].lstrip()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower()


def _read_html(data: bytes, name: str) -> Extracted:
    from .html import read_html

    return read_html(data, name)


def _read_pdf(data: bytes, name: str) -> Extracted:
    from .pdf import read_pdf

    return read_pdf(data, name)


def _read_docx(data: bytes, name: str) -> Extracted:
    from .docx import read_docx

    return read_docx(data, name)


FORMATS: tuple[Format, ...] = (
    Format("pdf", "application/pdf", (".pdf",), _is_pdf, _read_pdf),
    Format(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx", ".docm"),
        _is_docx,
        _read_docx,
    ),
    Format("html", "text/html", (".html", ".htm", ".shtml", ".xhtml"), _is_html, _read_html),
)

#: Formats plangraph recognises but cannot read, with what to do instead.
UNSUPPORTED = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "a Word 97-2003 (.doc) or WPS (.wps) binary file: save it as .docx or PDF and build again",
    ),
    (b"{\\rtf", "an RTF file: save it as .docx or PDF and build again"),
)


def format_named(name: str) -> Format | None:
    return next((f for f in FORMATS if f.name == name), None)


def format_of(path: Path, data: bytes) -> Format | None:
    """The format of a file's content (None: a text file); its name decides only when the
    content does not tell."""
    for fmt in FORMATS:
        if fmt.sniff(data):
            return fmt
    for magic, problem in UNSUPPORTED:
        if data.startswith(magic):
            raise InputError(path, problem)
    suffix = path.suffix.lower()
    named = next((f for f in FORMATS if suffix in f.suffixes), None)
    if named is not None and named.name == "html":
        return named  # a fragment of a page (no <html> element) is still HTML
    if named is not None:
        raise InputError(path, f"named like a {named.name.upper()} file but its content is not one")
    return None


def read_source_file(path: Path | str, data: bytes | None = None) -> SourceFile:
    """Read one input file of any supported format, or raise InputError naming it and the problem.
    ``data``: the file's bytes when the caller has read them already (:func:`ingest.read_bytes`,
    which refuses devices, FIFOs and oversized files before reading)."""
    from ..ingest import _check_is_text, read_bytes, read_source

    path = Path(path)
    data = read_bytes(path) if data is None else data
    fmt = format_of(path, data)
    if fmt is None:
        return read_source(path, data)  # a text file, exactly as before
    extracted = fmt.read(data, str(path))
    _check_is_text(extracted.text, str(path))
    return SourceFile(
        name=path.name, path=path, text=extracted.text, encoding=extracted.encoding, extraction=extracted
    )


# --- a build's stored copy -------------------------------------------------------------------


def stored_text(path: Path) -> str:
    """The text mention offsets index into, for a source file copied into a build: the stored
    extracted text beside a converted original, else the file read again as the build read it."""
    from .. import store

    text_path, _ = store.extracted_paths(path)
    if text_path.is_file():
        return text_path.read_text(encoding="utf-8")
    return read_source_file(path).text


def stored_map(path: Path) -> SourceMap | None:
    """The map from extracted text to the original of a stored source (None: a text file)."""
    from .. import store

    _, map_path = store.extracted_paths(path)
    if not map_path.is_file():
        return None
    return SourceMap.from_json(json.loads(map_path.read_text(encoding="utf-8")))


def page_texts(path: Path) -> list[str]:
    """The text of each page of a stored PDF source (what ``pg:pageStart`` offsets index into)."""
    from .. import store

    _, map_path = store.extracted_paths(path)
    if map_path.is_file():
        return list(json.loads(map_path.read_text(encoding="utf-8")).get("pages", []))
    from .pdf import page_texts_of

    return page_texts_of(path.read_bytes())


# --- the original, for the source view ---------------------------------------------------------


def part_text(path: Path, locator: str) -> str | None:
    """The text of one part of a stored original, the text ``pg:partStart``/``pg:partEnd`` index:
    an HTML element's textContent, a Word paragraph's text, a PDF page's characters (None: the
    part is not there)."""
    data = Path(path).read_bytes()
    fmt = format_of(Path(path), data)
    if fmt is None:
        return None
    if fmt.name == "pdf":
        number = _page_number(locator)
        pages = page_texts(Path(path))
        return pages[number - 1] if number is not None and 0 < number <= len(pages) else None
    if fmt.name == "html":
        from .html import element_text

        return element_text(data, str(path), locator)
    from .docx import paragraph_text

    return paragraph_text(data, locator)


def _page_number(locator: str) -> int | None:
    word, _, number = locator.partition(" ")
    return int(number) if word == "page" and number.isdigit() else None
