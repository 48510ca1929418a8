"""The build cache: what the per-file stage made of a file, kept in the build folder for the next build.

A file is read, extracted, turned into triples and validated again only when something that decides
the result changed. The key of an entry is a SHA-256 over:

- the file's bytes, its path as given (messages and warnings name it) and what the user said about
  it (``--region``, ``plangraph.toml``);
- the IRIs the build gave its documents when two clashed, and whether they were validated;
- the **code fingerprint** (:func:`code_fingerprint`): plangraph's version, every file of the
  installed package (its code, its rule data in ``rules/`` and ``entities/rules/``, its reference
  tables and ontology), the ``reference_dir`` and ``ontology_dir`` settings' files when they lie
  outside the package, the versions of the libraries that read documents and write graphs, and the
  settings the stage reads. Changing any rule file or table therefore invalidates every entry.

An entry is ``cache/<key>.json`` (the file's outcome, each document's IRI, compact reference keys
and SHACL findings) with ``cache/<key>.trig`` (the TriG text of each document's named graph, as it
is written into ``plangraph.trig``) and, for a converted original, ``cache/<key>.txt`` (the text
its offsets index into). Entries are written once and never changed, so the next build takes
those it needs by hard link from the build it replaces; a build keeps only the entries it used.

``cache/index.json`` lists every named graph of the build with the digest of its TriG text: the
next build compares it with its own to replace only the graphs that changed in the store.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
from dataclasses import asdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__
from .settings import PACKAGE_DIR, Settings, get_settings
from .store import CACHE_NAME

CACHE_DIR = CACHE_NAME  # the folder of a build that holds the cache
INDEX_NAME = "index.json"

#: Libraries whose behaviour decides what a document becomes (reading, segmenting, triples,
#: validation): a new version of one invalidates the cache.
LIBRARIES = (
    "rdflib",
    "pyoxigraph",
    "pyshacl",
    "pyshacl-turbo",
    "rjieba",
    "lxml",
    "pypdfium2",
    "charset-normalizer",
)

#: Settings the per-file stage reads (the others concern reading files, serving or exporting).
STAGE_SETTINGS = ("max_undecodable_share", "validation_engine")


def _tree_digest(root: Path) -> str:
    """SHA-256 over the relative path and the bytes of every file under ``root`` (no caches)."""
    digest = hashlib.sha256()
    root = Path(root)
    if not root.exists():
        return "absent"
    paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    for path in paths:
        if "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        digest.update(str(path.relative_to(root) if path != root else path.name).encode())
        digest.update(b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@lru_cache(maxsize=8)
def _digest_of(root: str, stamp: tuple[int, int]) -> str:
    return _tree_digest(Path(root))


def _stamp(root: Path) -> tuple[int, int]:
    """Changes whenever a file under ``root`` is added, removed or rewritten (newest mtime, count)."""
    newest, count = 0, 0
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            try:
                info = os.stat(os.path.join(dirpath, name))
            except OSError:
                continue
            newest = max(newest, info.st_mtime_ns)
            count += 1
    return newest, count


def tree_digest(root: Path) -> str:
    """:func:`_tree_digest`, computed again only when a file under ``root`` changed."""
    return _digest_of(str(root), _stamp(Path(root)))


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def stage_settings(settings: Settings | None = None) -> dict[str, Any]:
    settings = settings or get_settings()
    return {name: getattr(settings, name) for name in STAGE_SETTINGS}


def code_fingerprint(package_dir: Path | None = None, settings: Settings | None = None) -> str:
    """What decides how a document is read, extracted, turned into triples and validated, as one
    digest (see the module's docstring)."""
    settings = settings or get_settings()
    package_dir = Path(package_dir or PACKAGE_DIR)
    parts: dict[str, Any] = {
        "plangraph": __version__,
        "package": tree_digest(package_dir),
        "libraries": _library_versions(),
        "settings": {k: str(v) for k, v in stage_settings(settings).items()},
    }
    for name in ("reference_dir", "ontology_dir"):
        folder = Path(getattr(settings, name)).resolve()
        if not folder.is_relative_to(package_dir.resolve()):
            parts[name] = tree_digest(folder)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def entry_key(fingerprint: str, **parts: Any) -> str:
    """The key of a cache entry: the fingerprint and everything else that decides the entry."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_jsonable)
    return hashlib.sha256(f"{fingerprint}\n{text}".encode()).hexdigest()


def _jsonable(value: object) -> object:
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)  # type: ignore[call-overload]
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot key {type(value).__name__}")


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError as err:
        if err.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(source, target)


class BuildCache:
    """The cache of one build: entries found in the build it replaces (``previous``), taken into
    this build's own ``folder`` when used."""

    SUFFIXES = (".json", ".trig", ".txt")

    def __init__(self, folder: Path, previous: Path | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.previous = Path(previous) if previous is not None and Path(previous).is_dir() else None
        self.hits = 0
        self.misses = 0

    def _entry(self, key: str, suffix: str) -> Path:
        return self.folder / f"{key}{suffix}"

    def take(self, key: str) -> dict | None:
        """The entry ``key`` (its JSON), linked into this build's cache; None when there is none."""
        own = self._entry(key, ".json")
        if not own.exists() and self.previous is not None:
            if not (self.previous / f"{key}.json").is_file():
                self.misses += 1
                return None
            for suffix in self.SUFFIXES:
                found = self.previous / f"{key}{suffix}"
                if found.is_file() and not self._entry(key, suffix).exists():
                    _link_or_copy(found, self._entry(key, suffix))
        if not own.exists():
            self.misses += 1
            return None
        try:
            entry = json.loads(own.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # a damaged entry is made again
            for suffix in self.SUFFIXES:
                self._entry(key, suffix).unlink(missing_ok=True)
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: dict, blocks: bytes | None = None, text: str | None = None) -> None:
        """Write an entry: its JSON, the TriG text of its graphs (UTF-8) and, for a converted
        original, its extracted text. The JSON is written last (under a temporary name), so an entry
        whose JSON exists is complete."""
        if blocks is not None:
            self._entry(key, ".trig").write_bytes(blocks)
        if text is not None:
            self._entry(key, ".txt").write_text(text, encoding="utf-8", newline="")
        temporary = self._entry(key, ".json.tmp")
        temporary.write_text(json.dumps(entry, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        temporary.replace(self._entry(key, ".json"))

    def blocks_path(self, key: str) -> Path:
        return self._entry(key, ".trig")

    def text_path(self, key: str) -> Path:
        return self._entry(key, ".txt")

    def keep_only(self, keys: set[str]) -> None:
        """Remove the entries this build did not use (and the index, written again after)."""
        for path in self.folder.iterdir():
            if path.name != INDEX_NAME and path.name.split(".", 1)[0] not in keys:
                path.unlink(missing_ok=True)

    def write_index(self, index: dict) -> None:
        (self.folder / INDEX_NAME).write_text(json.dumps(index, sort_keys=True, indent=0), encoding="utf-8")


def read_index(cache_folder: Path) -> dict:
    """The graph index of a build's cache (empty when the build has none)."""
    try:
        return json.loads((Path(cache_folder) / INDEX_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
