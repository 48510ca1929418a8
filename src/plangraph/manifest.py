"""What the user says about documents whose text is silent: ``plangraph build --region``, and a
manifest ``plangraph.toml`` beside the files, one table per file name::

    ["shunping_county_2008_gov_work_report.txt"]
    region = "130636"                 # a GB/T 2260 code or a place name ("顺平县")
    type = "government-work-report"   # five-year-plan | government-work-report | other
    year = 2008                       # a plan's first year, or a work report's year of delivery
    title = "2008年顺平县政府工作报告"

Every key is optional. ``--region`` applies to every input and wins over a manifest's region (it is
the latest thing said); the other keys come from the manifest. The result, per input file, is one
:class:`~plangraph.model.UserMetadata` whose ``origin`` says where it was said. A file that holds
several documents gets the same metadata for each.

A mistake in a manifest is an :class:`InputError` naming the manifest, the table and the key; it
refuses the files it concerns (the whole folder when the manifest cannot be parsed), not the build.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .entities.regions import Gazetteer
from .model import InputError, UserMetadata

MANIFEST_NAME = "plangraph.toml"
DOC_TYPES = ("five-year-plan", "government-work-report", "other")
#: Years a plan may start in or a work report be delivered in.
YEARS = range(1949, 2101)
KEYS = {
    "region": "a GB/T 2260 code or a place name, as a string",
    "type": "one of " + ", ".join(DOC_TYPES),
    "year": f"a whole number from {YEARS.start} to {YEARS.stop - 1}",
    "title": "the document's title, a non-empty string",
}


class ManifestError(InputError):
    """A manifest, or one of its tables, says something plangraph cannot use."""


def region_problem(region: str, gazetteer: Gazetteer) -> str | None:
    """Why a region the user gave is not one plangraph knows (None when it is)."""
    if region.isdigit():
        return None if gazetteer.get(region) else f"{region!r} is not a GB/T 2260 code in the gazetteer"
    if gazetteer.candidates(region):
        return None
    return f"{region!r} is not a place name in the gazetteer (give its GB/T 2260 code)"


def _problem(key: str, value: object, gazetteer: Gazetteer) -> str | None:
    """What is wrong with one value of a manifest table (None: nothing)."""
    if key == "region":
        if not isinstance(value, str) or not value.strip():
            return f"expected {KEYS[key]}"
        return region_problem(value.strip(), gazetteer)
    if key == "type":
        return None if value in DOC_TYPES else f"{value!r}: expected {KEYS[key]}"
    if key == "year":
        ok = isinstance(value, int) and not isinstance(value, bool) and value in YEARS
        return None if ok else f"{value!r}: expected {KEYS[key]}"
    if key == "title":
        return None if isinstance(value, str) and value.strip() else f"expected {KEYS[key]}"
    return f"unknown key {key!r} (the keys are {', '.join(KEYS)})"


def _table(manifest: Path, name: str, table: object, gazetteer: Gazetteer) -> UserMetadata:
    if not isinstance(table, dict):
        raise ManifestError(manifest, f"{name!r} must be a table ([{name!r}] with keys under it)")
    if isinstance(table.get("region"), int) and not isinstance(table["region"], bool):
        table = {**table, "region": str(table["region"])}  # region = 130636, written without quotes
    for key, value in table.items():
        problem = _problem(key, value, gazetteer)
        if problem:
            where = f"table [{name!r}]" + (f", key {key!r}" if key in KEYS else "")
            raise ManifestError(manifest, f"{where}: {problem}")
    region, doc_type, year, title = (table.get(key) for key in KEYS)
    return UserMetadata(
        region=region.strip() if isinstance(region, str) else None,
        doc_type=doc_type if isinstance(doc_type, str) else None,
        year=year if isinstance(year, int) else None,
        title=title.strip() if isinstance(title, str) else None,
        origin=f"{manifest} [{name!r}]",
    )


@dataclass
class Manifest:
    path: Path
    tables: dict[str, UserMetadata | ManifestError] = field(default_factory=dict)
    error: ManifestError | None = None  # the whole file could not be read


def read_manifest(path: Path, gazetteer: Gazetteer) -> Manifest:
    """A manifest's tables, each read on its own: one table's mistake is that file's alone."""
    manifest = Manifest(Path(path))
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        manifest.error = ManifestError(path, f"cannot read the manifest: {err}")
        return manifest
    except tomllib.TOMLDecodeError as err:
        manifest.error = ManifestError(path, f"not valid TOML: {err}")
        return manifest
    for name, table in data.items():
        try:
            manifest.tables[name] = _table(Path(path), name, table, gazetteer)
        except ManifestError as err:
            manifest.tables[name] = err
    return manifest


def _merge(region: str | None, from_file: UserMetadata | None) -> UserMetadata | None:
    if region is None:
        return from_file
    if from_file is None:
        return UserMetadata(region=region, origin="--region")
    return UserMetadata(
        region=region,
        doc_type=from_file.doc_type,
        year=from_file.year,
        title=from_file.title,
        origin=f"--region; {from_file.origin}",
    )


@dataclass
class UserSays:
    """What the user said about each input file (None: nothing), and what could not be used."""

    metadata: dict[Path, UserMetadata | None] = field(default_factory=dict)
    errors: dict[Path, ManifestError] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def user_metadata(files: list[Path], region: str | None, gazetteer: Gazetteer) -> UserSays:
    """Each file's UserMetadata from ``--region`` and the ``plangraph.toml`` of its folder.

    ``region`` is checked by the caller (:func:`region_problem`): a bad flag stops the build before
    anything is read, a bad manifest table refuses its file only."""
    says = UserSays()
    manifests: dict[Path, Manifest | None] = {}
    for path in files:
        folder = Path(path).parent
        if folder not in manifests:
            candidate = folder / MANIFEST_NAME
            manifests[folder] = read_manifest(candidate, gazetteer) if candidate.is_file() else None
        manifest = manifests[folder]
        table: UserMetadata | ManifestError | None = None
        if manifest is not None:
            table = manifest.error or manifest.tables.get(Path(path).name)
        if isinstance(table, ManifestError):
            says.errors[path] = table
            continue
        says.metadata[path] = _merge(region, table)
    for folder, manifest in manifests.items():
        if manifest is None or manifest.error:
            continue
        for name in sorted(manifest.tables):
            if not (folder / name).exists():
                says.warnings.append(f"{manifest.path}: table [{name!r}] names no file in {folder}")
    return says
