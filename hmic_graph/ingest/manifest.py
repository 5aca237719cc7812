"""Corpus manifests: what the loader cannot read in a release's text.

A manifest is a CSV file (with a header row) or a JSON Lines file (one object
a line) giving, per release file:

===============  ============================================================
column / key     meaning
===============  ============================================================
``file``         the release file, relative to the manifest's folder (required)
``published``    its publication date, ``YYYY-MM-DD`` -> ``dcterms:issued``
``source``       the URL it was published at -> ``dcterms:source`` (an IRI)
``release_id``   the id its IRIs are minted from (lower-case letters, digits
                 and ``-``), instead of the checksum of its text
===============  ============================================================

Only ``file`` is required; an empty cell or a missing key says nothing. A
folder given to :func:`~hmic_graph.ingest.releases.load_corpus` (or to
``hmic-graph build``/``load``) is read with the ``manifest.csv`` or
``manifest.jsonl`` it holds; another manifest can be given explicitly. What
a manifest gives wins over what the text says.

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     folder = pathlib.Path(tmp)
...     _ = (folder / "kent.txt").write_text("Kent Police\\n\\nHMIC inspected Kent Police.")
...     _ = (folder / "manifest.csv").write_text(
...         "file,published,source\\nkent.txt,2014-03-27,https://example.org/kent\\n")
...     read_manifest(folder / "manifest.csv").entry_for(folder / "kent.txt").published
'2014-03-27'
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hmic_graph.model.errors import ManifestError
from hmic_graph.model.namespaces import is_absolute_iri

__all__ = [
    "MANIFEST_NAMES",
    "Manifest",
    "ManifestEntry",
    "corpus_entries",
    "find_manifest",
    "read_manifest",
]

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
"""The file names a folder's own manifest has."""

_KEYS = ("file", "published", "source", "release_id")
_RELEASE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What a manifest says about one release file (``None``: nothing)."""

    file: Path
    published: str | None = None
    source: str | None = None
    release_id: str | None = None


@dataclass(frozen=True, slots=True)
class Manifest:
    """The entries of one manifest file, keyed by each release file's resolved path."""

    path: Path
    entries: dict[Path, ManifestEntry]

    def entry_for(self, file: str | Path) -> ManifestEntry | None:
        """The entry for ``file``, if the manifest has one."""
        return self.entries.get(Path(file).resolve())

    def __iter__(self) -> Iterator[ManifestEntry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)


def find_manifest(folder: str | Path) -> Path | None:
    """The manifest a folder holds (``manifest.csv`` or ``manifest.jsonl``), if any.

    :raises ManifestError: the folder holds both.
    """
    found = [Path(folder) / name for name in MANIFEST_NAMES if (Path(folder) / name).is_file()]
    if len(found) > 1:
        raise ManifestError("a folder may hold one manifest, not both", path=found[1])
    return found[0] if found else None


def corpus_entries(
    paths: Sequence[str | Path], manifest: str | Path | None = None
) -> dict[Path, ManifestEntry]:
    """What the manifests of a corpus say, keyed by each release file's resolved path.

    The manifests read are ``manifest`` if given and the own manifest of each
    folder in ``paths``; for a file two of them list, ``manifest`` wins.

    :raises ManifestError: as :func:`read_manifest` and :func:`find_manifest`.
    """
    found = [Path(item) for item in paths if Path(item).is_dir()]
    files = [own for own in (find_manifest(folder) for folder in found) if own is not None]
    entries: dict[Path, ManifestEntry] = {}
    for file in [*files, *([Path(manifest)] if manifest is not None else [])]:
        entries.update(read_manifest(file).entries)
    return entries


def read_manifest(path: str | Path) -> Manifest:
    """Read a manifest (``.csv`` with a header row, or ``.jsonl``/``.ndjson``).

    :raises ManifestError: the file cannot be read, is in neither format, lacks
        the ``file`` column, has an unknown column, or a row (named by its
        line) gives a bad date, a URL that is no absolute IRI, a bad release
        id, a file that does not exist, or a file or release id twice.
    """
    manifest = Path(path)
    try:
        text = manifest.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ManifestError(f"cannot read the manifest: {reason}", path=manifest) from exc
    suffix = manifest.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(text, manifest)
    elif suffix in (".jsonl", ".ndjson"):
        rows = _json_rows(text, manifest)
    else:
        raise ManifestError("a manifest is a .csv or a .jsonl file", path=manifest)
    entries: dict[Path, ManifestEntry] = {}
    ids: dict[str, int] = {}
    for line, row in rows:
        entry = _entry(row, manifest, line)
        key = entry.file.resolve()
        if key in entries:
            raise ManifestError(f"{row['file']!r} is listed twice", path=manifest, line=line)
        if entry.release_id is not None:
            if entry.release_id in ids:
                raise ManifestError(
                    f"release id {entry.release_id!r} is also on line {ids[entry.release_id]}",
                    path=manifest,
                    line=line,
                )
            ids[entry.release_id] = line
        entries[key] = entry
    return Manifest(manifest, entries)


def _csv_rows(text: str, manifest: Path) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(text.splitlines())
    columns = [name.strip() for name in reader.fieldnames or ()]
    _check_keys(columns, manifest, 1)
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise ManifestError(
                "this row has more cells than the header", path=manifest, line=number
            )
        rows.append((number, {key.strip(): (value or "") for key, value in row.items()}))
    return rows


def _json_rows(text: str, manifest: Path) -> list[tuple[int, dict[str, str]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ManifestError(
                f"not JSON: {exc.msg}", path=manifest, line=number, column=exc.colno
            ) from None
        if not isinstance(value, dict):
            raise ManifestError("each line must be a JSON object", path=manifest, line=number)
        _check_keys(list(value), manifest, number)
        for key, item in value.items():
            if item is not None and not isinstance(item, str):
                raise ManifestError(f"{key!r} must be a string", path=manifest, line=number)
        rows.append((number, {key: item or "" for key, item in value.items()}))
    return rows


def _check_keys(keys: list[str], manifest: Path, line: int) -> None:
    unknown = [key for key in keys if key not in _KEYS]
    if unknown:
        raise ManifestError(
            f"unknown column {unknown[0]!r}; the columns are {', '.join(_KEYS)}",
            path=manifest,
            line=line,
        )
    if "file" not in keys:
        raise ManifestError("a manifest needs a 'file' column", path=manifest, line=line)


def _entry(row: dict[str, str], manifest: Path, line: int) -> ManifestEntry:
    def fail(message: str) -> ManifestError:
        return ManifestError(message, path=manifest, line=line)

    name = row.get("file", "").strip()
    if not name:
        raise fail("the 'file' cell is empty")
    file = manifest.parent / name
    if not file.is_file():
        raise fail(f"no such release file: {name!r}")
    published = row.get("published", "").strip() or None
    if published is not None:
        try:
            if len(published) != 10:
                raise ValueError(published)
            date.fromisoformat(published)
        except ValueError:
            raise fail(f"the date must be YYYY-MM-DD, not {published!r}") from None
    source = row.get("source", "").strip() or None
    if source is not None and not (
        is_absolute_iri(source) and source.startswith(("http:", "https:"))
    ):
        raise fail(f"the source must be an http(s) URL, not {source!r}")
    release_id = row.get("release_id", "").strip() or None
    if release_id is not None and not _RELEASE_ID.match(release_id):
        raise fail(f"a release id is lower-case letters, digits and single '-', not {release_id!r}")
    return ManifestEntry(file, published, source, release_id)
