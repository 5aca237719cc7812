"""A corpus on a Dask cluster: extract and validate on the workers, load or push the shards.

Needs the ``dask`` extra (``pip install "hmic-graph[dask]"``). Three steps,
each usable alone (``docs/scaling.md`` shows them on an existing cluster):

1. :func:`run_dask` maps :func:`hmic_graph.ingest.pipeline.process_file`
   over the release files with :mod:`dask.bag`. Each partition becomes one
   *shard* in the ``shards`` folder: ``part-NNNNNNNN.nq`` (the N-Quads of
   its conforming releases, each in the release's named graph) and
   ``part-NNNNNNNN.json`` (one entry per file: the release IRI and the byte
   range of its quads, or its validation report, or its error). Workers
   write the shards themselves, so the folder must be one they all see (a
   shared file system); only the small manifests travel back.
2. :func:`load_shards` bulk-loads the shards into a
   :class:`~hmic_graph.store.ReleaseStore` (or a :class:`ShardLoader` given to
   ``run_dask`` as ``on_shard`` does it while the cluster makes the later
   shards), in input order and with the
   rules of :func:`hmic_graph.ingest.corpus.load_releases` (a release that
   does not conform or cannot be read is skipped and reported; a second
   file with the IRI of an earlier, different one is refused), so the store
   is the one ``hmic-graph load --workers N`` makes of the same files.
3. :func:`push_shards` sends the same graphs to a remote triple store with
   :func:`hmic_graph.ingest.push.push`, a shard at a time.

A task that Dask runs twice (a worker lost and the task retried) writes the
same bytes to the same file names, through a temporary file and a rename,
so a shard is either whole or absent.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hmic_graph.ingest.corpus import BATCH_SIZE, CorpusLoad
from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    from hmic_graph.ingest.push import PushReport
    from hmic_graph.rdf.validation import ValidationReport
    from hmic_graph.store import ReleaseStore

__all__ = [
    "PARTITION_SIZE",
    "Shard",
    "ShardLoader",
    "load_shards",
    "push_shards",
    "read_shards",
    "run_dask",
]

#: Release files per Dask partition (one task, one shard).
PARTITION_SIZE = 64
_MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Shard:
    """One partition's output: its N-Quads file and its manifest.

    :param index: the position of the partition's first file in the input.
    :param data: the N-Quads file.
    :param manifest: the JSON manifest, one entry per input file.
    """

    index: int
    data: Path
    manifest: Path


def run_dask(
    releases: Iterable[str | Path],
    shards: str | Path,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    manifest: str | Path | None = None,
    allow_unrelated: bool = False,
    partition_size: int = PARTITION_SIZE,
    scheduler: Any = None,
    on_shard: Callable[[Shard], None] | None = None,
) -> list[Shard]:
    """Extract, build, validate and encode every release file on Dask; write one shard per partition.

    :param releases: release files or folders (expanded as
        :func:`hmic_graph.ingest.releases.release_files` does, on this machine).
        Workers read the files by these paths, so they must see them too.
    :param shards: the folder the workers write the shards to (created if missing).
    :param manifest: a corpus manifest; each folder's own is read too, as
        :func:`hmic_graph.ingest.corpus.load_releases` reads them.
    :param partition_size: release files per partition.
    :param scheduler: what :meth:`dask.bag.Bag.compute` runs on: a
        :class:`distributed.Client`, a scheduler name (``"processes"``,
        ``"threads"``, ``"sync"``), or ``None`` for Dask's default (the
        client created last, if any).
    :param on_shard: called with each shard, in input order, as soon as it
        and every shard before it are written. With a
        :class:`distributed.Client` as ``scheduler`` that is while later
        shards are still being made, so a :class:`ShardLoader` can write the
        store meanwhile; with another scheduler, once all are written.
    :returns: the shards, in input order.
    :raises HmicGraphError: Dask is not installed, or ``partition_size`` is below 1.
    :raises ReleaseUnreadable: a path does not exist, or a folder holds no releases.
    :raises ManifestError: a manifest is unreadable or gives a bad value.
    """
    from hmic_graph.ingest.manifest import corpus_entries
    from hmic_graph.ingest.releases import release_files

    try:
        import dask.bag as db
    except ImportError as exc:
        raise HmicGraphError('the Dask runner needs Dask: pip install "hmic-graph[dask]"') from exc
    if partition_size < 1:
        raise HmicGraphError(f"partition_size must be at least 1, not {partition_size}")
    paths = list(releases)
    files = [str(p) for p in release_files(paths)]
    entries = corpus_entries(paths, manifest)
    items = []
    for index, file in enumerate(files):
        entry = entries.get(Path(file).resolve())
        told: dict[str, str | None] = {"published": published, "url": None, "release_id": None}
        if entry is not None:
            # What a manifest says of a file, as load_releases reads it.
            told = {
                "published": entry.published or published,
                "url": entry.source,
                "release_id": entry.release_id,
            }
        items.append((index, file, told))
    folder = Path(shards)
    folder.mkdir(parents=True, exist_ok=True)
    options = {"base": base, "validate": validate, "allow_unrelated": allow_unrelated}
    bag = db.from_sequence(items, partition_size=partition_size)  # type: ignore[no-untyped-call]
    mapped = bag.map_partitions(_run_partition, str(folder), options)
    found: list[Shard] = []
    if hasattr(scheduler, "compute") and hasattr(scheduler, "submit"):
        # A distributed client: one future per partition, taken in input order
        # while the cluster goes on with the later ones.
        for future in scheduler.compute(mapped.to_delayed()):
            for index in future.result():
                found.append(_shard(folder, int(index)))
                if on_shard is not None:
                    on_shard(found[-1])
        return found
    written = mapped.compute(scheduler=scheduler)
    found = sorted((_shard(folder, int(index)) for index in written), key=lambda s: s.index)
    if on_shard is not None:
        for shard in found:
            on_shard(shard)
    return found


def _run_partition(
    items: Sequence[tuple[int, str, dict[str, Any]]], folder: str, options: dict[str, Any]
) -> list[int]:
    """Process one partition's files and write its shard; returns the shard's index."""
    from hmic_graph.ingest.pipeline import process_file

    items = list(items)
    if not items:
        return []
    index = items[0][0]
    shard = _shard(Path(folder), index)
    data = bytearray()
    entries = []
    for _position, path, told in items:
        output = process_file(path, **told, **options)
        entry = output.to_dict()
        if output.loaded:
            entry["start"], entry["end"] = len(data), len(data) + len(output.data)
            data += output.data
        entries.append(entry)
    manifest = {"version": _MANIFEST_VERSION, "index": index, "releases": entries}
    _write_atomically(shard.data, bytes(data))
    _write_atomically(shard.manifest, json.dumps(manifest, ensure_ascii=False).encode("utf-8"))
    return [index]


def _shard(folder: Path, index: int) -> Shard:
    stem = f"part-{index:08d}"
    return Shard(index, folder / f"{stem}.nq", folder / f"{stem}.json")


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def read_shards(shards: str | Path | Sequence[Shard]) -> list[Shard]:
    """The shards in a folder (every ``part-*.json`` with its ``.nq``), in input order.

    :raises HmicGraphError: the folder holds no shards, or a manifest has no N-Quads file.
    """
    if not isinstance(shards, str | Path):
        return sorted(shards, key=lambda s: s.index)
    folder = Path(shards)
    found = []
    for manifest in sorted(folder.glob("part-*.json")):
        try:
            index = int(manifest.stem.removeprefix("part-"))
        except ValueError:
            continue
        shard = _shard(folder, index)
        if not shard.data.is_file():
            raise HmicGraphError("this shard's manifest has no N-Quads file", path=manifest)
        found.append(shard)
    if not found:
        raise HmicGraphError("this folder holds no shards (part-*.json)", path=folder)
    return found


def load_shards(
    store: ReleaseStore,
    shards: str | Path | Sequence[Shard],
    *,
    batch_size: int = BATCH_SIZE,
    transactional: bool = True,
    skipped: Callable[[Path, ValidationReport | str], None] | None = None,
) -> CorpusLoad:
    """Write the releases of the shards into ``store``, as ``load_releases`` would have.

    :param shards: the folder :func:`run_dask` wrote, or its list of shards.
    :param batch_size: releases per write to the store.
    :param transactional: write each batch in one transaction (as ``hmic-graph load``).
    :param skipped: called as ``skipped(path, reason)`` for each release not loaded.
    :raises HmicGraphError: a shard is missing or broken, or the store is
        closed, read-only or cannot be written.
    """
    loader = ShardLoader(store, batch_size=batch_size, transactional=transactional, skipped=skipped)
    for shard in read_shards(shards):
        loader.add(shard)
    return loader.finish()


class ShardLoader:
    """Writes shards into a store one at a time, in the order given: ``load_shards`` in steps.

    Pass :meth:`add` as :func:`run_dask`'s ``on_shard`` to write the store
    while the cluster makes the later shards; :meth:`finish` writes what is
    left and returns what was loaded and skipped.

    :param store: the store to write (writable).
    :raises HmicGraphError: the store is closed or read-only.
    """

    def __init__(
        self,
        store: ReleaseStore,
        *,
        batch_size: int = BATCH_SIZE,
        transactional: bool = True,
        skipped: Callable[[Path, ValidationReport | str], None] | None = None,
    ) -> None:
        store.ensure_writable()
        self.store = store
        self.batch_size = max(batch_size, 1)
        self.transactional = transactional
        self.accepted = _Accepted(skipped)
        self.batch: list[tuple[str, bytes]] = []

    def add(self, shard: Shard) -> None:
        """Write the releases of ``shard`` (in batches; some may wait for :meth:`finish`).

        :raises HmicGraphError: the shard is missing or broken, or the store cannot be written.
        """
        for name, data in self.accepted.of(shard):
            self.batch.append((name, data))
            if len(self.batch) >= self.batch_size:
                self.store.add_encoded(self.batch, atomic=self.transactional)
                self.batch = []

    def finish(self) -> CorpusLoad:
        """Write the last batch; what was loaded and skipped, over every shard added.

        :raises HmicGraphError: the store cannot be written.
        """
        if self.batch:
            self.store.add_encoded(self.batch, atomic=self.transactional)
            self.batch = []
        return self.accepted.result


def push_shards(
    shards: str | Path | Sequence[Shard],
    endpoint: str,
    *,
    skipped: Callable[[Path, ValidationReport | str], None] | None = None,
    **options: Any,
) -> tuple[CorpusLoad, list[PushReport]]:
    """Replace each release's named graph on the server at ``endpoint``, a shard at a time.

    :param options: passed to :func:`hmic_graph.ingest.push.push` (``protocol``,
        ``auth``, ``timeout``...).
    :returns: what was pushed and skipped (as :func:`load_shards` counts it),
        and one push report per shard that had releases to send.
    :raises HmicGraphError: a shard is missing or broken, or the server
        refused a graph (as :func:`~hmic_graph.ingest.push.push` raises).
    """
    from hmic_graph.ingest.push import push
    from hmic_graph.store import decode_graph

    accepted = _Accepted(skipped)
    reports = []
    for shard in read_shards(shards):
        graphs = {name: decode_graph(name, data) for name, data in accepted.of(shard)}
        if graphs:
            reports.append(push(graphs, endpoint, **options))
    return accepted.result, reports


class _Accepted:
    """Which releases of the shards to write, by the rules of ``load_releases``.

    An error, a text that is no release, or a non-conforming release is
    recorded and skipped; a release
    IRI given again by a file with other data is refused (it would replace
    another text), and given again with the same data is written again
    (the store keeps one copy).
    """

    def __init__(self, skipped: Callable[[Path, ValidationReport | str], None] | None) -> None:
        self.result = CorpusLoad()
        self.skipped = skipped
        self.first: dict[str, tuple[str, str]] = {}  # release IRI -> (first file, data digest)
        self.loaded: set[str] = set()

    def of(self, shard: Shard) -> Iterator[tuple[str, bytes]]:
        """``(release IRI, N-Quads)`` of each release of ``shard`` to write, in input order."""
        from hmic_graph.ingest.corpus import _collision
        from hmic_graph.rdf.validation import ValidationReport, ValidationResult

        manifest = _read_manifest(shard)
        data = shard.data.read_bytes()
        for entry in manifest["releases"]:
            path = str(entry["source"])
            if entry.get("error") is not None:
                error = str(entry["error"])
                found = self.result.unrelated if entry.get("unrelated") else self.result.errors
                found[path] = error
                self._skip(path, error if entry.get("located") else f"{path}: {error}")
                continue
            report = entry.get("report")
            if report is not None and not report["conforms"]:
                results = tuple(ValidationResult(**r) for r in report["results"])
                invalid = self.result.invalid[path] = ValidationReport(False, results)
                self._skip(path, invalid)
                continue
            name = str(entry["name"])
            quads = data[int(entry["start"]) : int(entry["end"])]
            digest = hashlib.sha256(quads).hexdigest()
            earlier = self.first.setdefault(name, (path, digest))
            if earlier[1] != digest:
                message = _collision(name, earlier[0], path)
                self.result.errors[path] = message
                self._skip(path, f"{path}: {message}")
                continue
            if name not in self.loaded:
                self.loaded.add(name)
                self.result.loaded.append(name)
            yield name, quads

    def _skip(self, path: str, reason: ValidationReport | str) -> None:
        if self.skipped is not None:
            self.skipped(Path(path), reason)


def _read_manifest(shard: Shard) -> dict[str, Any]:
    try:
        manifest = json.loads(shard.manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HmicGraphError(
            f"cannot read this shard's manifest: {exc}", path=shard.manifest
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("version") != _MANIFEST_VERSION:
        raise HmicGraphError("not a shard manifest of this version", path=shard.manifest)
    return manifest
