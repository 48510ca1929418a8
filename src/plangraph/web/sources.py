"""The text of source documents, for the source view and the sentences around mentions.

A build copies every source file to ``build/sources/`` (under its own name unless two inputs share
it; ``sources/.index.json`` says which copy is whose, :func:`plangraph.store.source_copy`); mention offsets are 0-based,
end-exclusive indexes into the *decoded* text, so files are decoded exactly as the build decoded
them (:func:`plangraph.ingest.read_source`). File names come from the graph (``pg:sourceFile``), which
is data: only bare names inside the sources folder are ever opened.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from pathlib import Path

from ..store import source_copy

log = logging.getLogger(__name__)

#: Characters that end a sentence (or a line) when cutting the context of a mention.
SENTENCE_END = "。！？；!?;\n"
#: Most characters of context kept on each side of a mention.
CONTEXT_CHARS = 80


def decode_source(path: Path) -> str:
    """The text of a source file as the build decoded it."""
    from ..ingest import read_source

    return read_source(path).text


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
