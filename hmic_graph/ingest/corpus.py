"""Load many releases into a store, on every core, in bounded memory.

:func:`load_releases` is the fast way to fill a
:class:`~hmic_graph.store.ReleaseStore` with a corpus. Worker processes each
read, extract, build and validate releases (pySHACL, one release graph at a
time, the shapes parsed once per worker) and encode each release's graph for
the store (:func:`hmic_graph.store.encode_graph`). The parent hands those
bytes to :meth:`~hmic_graph.store.ReleaseStore.add_encoded` in batches, in
input order, so the store ends up with exactly what loading the releases one
by one with :func:`hmic_graph.ingest.releases.store_release` gives. Only a
bounded window of releases is in flight, so memory does not grow with the corpus.

A release already in the store is replaced in one transaction. New releases
go in with Oxigraph's bulk loader, which is not transactional (a crash
mid-batch can leave part of a batch; loading again repairs it, as loading is
idempotent); with ``transactional=True`` (what ``hmic-graph load`` uses) each
batch is one transaction instead, so a crash leaves every graph whole, the
old one or the new one.

Two different texts never share a release IRI by accident (it comes from a
checksum of the text), but a caller may give ids: when two different files
get one IRI, the second would replace the first, so it is skipped and
reported as an error naming both files instead.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from hmic_graph.model.errors import HmicGraphError, NotARelease
from hmic_graph.model.namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    from hmic_graph.rdf.validation import ValidationReport, ValidationResult
    from hmic_graph.store import ReleaseStore

__all__ = ["CorpusLoad", "load_releases"]

#: Releases one worker task handles; amortises inter-process overhead.
CHUNK_SIZE = 8
#: Releases written to the store at a time (one transaction).
BATCH_SIZE = 256


@dataclass
class CorpusLoad:
    """What :func:`load_releases` did.

    :param loaded: the release IRIs loaded, each once, in input order.
    :param invalid: path -> the validation report of a release that did not
        conform (it was skipped).
    :param errors: path -> the message of a release that could not be read
        or built, or that has the release IRI of another file in the load
        (it was skipped).
    :param unrelated: path -> the message of a text that is no inspection
        release (:mod:`hmic_graph.ingest.relevance`; it was skipped, which is
        no failure).
    """

    loaded: list[str] = field(default_factory=list)
    invalid: dict[str, ValidationReport] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    unrelated: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every release was loaded (texts that are no release aside)."""
        return not self.invalid and not self.errors


class _Task(NamedTuple):
    """One file to load, with what the manifest or the caller says of it."""

    path: str
    published: str | None
    url: str | None
    release_id: str | None


@dataclass(frozen=True)
class _Outcome:
    path: str
    name: str | None = None
    data: bytes = b""
    results: tuple[ValidationResult, ...] | None = None
    error: str | None = None
    located: bool = False  # the error message names the file
    unrelated: bool = False  # the text is no inspection release


def _build_one(task: _Task, base: str, validate: bool, allow_unrelated: bool) -> _Outcome:
    from dataclasses import replace

    from hmic_graph.extract.sources import read_source
    from hmic_graph.ingest.releases import load_source, release_name
    from hmic_graph.store import encode_graph

    path = task.path
    try:
        source = read_source(Path(path))
        if task.url is not None:
            source = replace(source, url=task.url)
        graph = load_source(
            source,
            published=task.published,
            base=base,
            release_id=task.release_id,
            allow_unrelated=allow_unrelated,
        )
        if validate:
            from hmic_graph.rdf.validation import validate as run_validation

            report = run_validation(graph)
            if not report.conforms:
                return _Outcome(path, results=report.results)
        name = release_name(graph)
        data = encode_graph(name, graph)
    except HmicGraphError as exc:
        unrelated = isinstance(exc, NotARelease)
        return _Outcome(path, error=str(exc), located=exc.path is not None, unrelated=unrelated)
    return _Outcome(path, name=name, data=data)


def _build_chunk(
    tasks: Sequence[_Task], base: str, validate: bool, allow_unrelated: bool
) -> list[_Outcome]:
    return [_build_one(task, base, validate, allow_unrelated) for task in tasks]


def _warm_up() -> None:
    """Parse the shapes and compile the extractor's patterns once per worker."""
    _exit_with_parent()
    from hmic_graph.extract.gazetteer import gazetteer
    from hmic_graph.rdf.ontology import shapes_graph

    shapes_graph()
    gazetteer()


def _exit_with_parent() -> None:
    """End this worker process when its parent ends, even if the parent was killed.

    A killed parent never stops its pool, and idle workers would wait for
    work forever. Ctrl-C is left to the parent, which stops the pool.
    """
    import signal
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sentinel = parent.sentinel  # readable once the parent has ended

    def watch() -> None:
        wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="hmic-graph-parent-watch", daemon=True).start()


def _chunks(items: Sequence[_Task], size: int) -> Iterator[Sequence[_Task]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _outcomes(
    tasks: Sequence[_Task],
    *,
    base: str,
    validate: bool,
    allow_unrelated: bool,
    workers: int,
    chunk_size: int,
) -> Generator[_Outcome, None, None]:
    """Each release's outcome, in input order; at most ``4 * workers`` chunks in flight.

    Closing the generator early (the caller failed or was interrupted) stops
    the workers rather than waiting for the chunks in flight.
    """
    if workers <= 1:
        for task in tasks:
            yield _build_one(task, base, validate, allow_unrelated)
        return
    methods = multiprocessing.get_all_start_methods()
    # Not "fork": the parent may hold an open RocksDB store with its own threads.
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up) as pool:
        pending: deque[Future[list[_Outcome]]] = deque()
        chunks = _chunks(tasks, chunk_size)
        window = 4 * workers
        try:
            for chunk in chunks:
                pending.append(pool.submit(_build_chunk, chunk, base, validate, allow_unrelated))
                if len(pending) >= window:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        except BaseException:
            _stop(pool)
            raise


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool whose results are no longer wanted, without waiting for its chunks."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if callable(terminate):
        terminate()
        return
    # The workers only build graphs (the parent writes the store): ending
    # them mid-chunk loses nothing but the unwanted results.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def load_releases(
    store: ReleaseStore,
    releases: Iterable[str | Path],
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    workers: int | None = None,
    chunk_size: int = CHUNK_SIZE,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int, Path], None] | None = None,
    skipped: Callable[[Path, ValidationReport | str], None] | None = None,
    transactional: bool = False,
    manifest: str | Path | None = None,
    allow_unrelated: bool = False,
) -> CorpusLoad:
    """Extract, build, validate and load every release file into ``store``.

    The store ends up as after :func:`~hmic_graph.ingest.releases.store_release`
    of each path in order (a release that does not conform, cannot be read,
    or has the IRI of a different earlier file is skipped and reported
    instead of raised). Options other than ``store`` and
    ``releases`` are keyword-only.

    :param releases: release files or folders (expanded as
        :func:`hmic_graph.ingest.releases.release_files` does).
    :param workers: worker processes; default: the number of CPUs. ``1``
        builds in this process.
    :param chunk_size: releases per worker task.
    :param batch_size: releases per write to the store (per transaction with ``transactional``).
    :param progress: called as ``progress(done, total, path)`` after each release.
    :param skipped: called as ``skipped(path, reason)`` when a release is
        skipped, before ``progress``: ``reason`` is the
        :class:`~hmic_graph.rdf.validation.ValidationReport` of a release that
        does not conform, or the message (naming the file) of one that could
        not be read or built.
    :param transactional: write each batch in one transaction (see the module notes).
    :param manifest: a corpus manifest (:mod:`hmic_graph.ingest.manifest`);
        each folder's own manifest is read too, and what a manifest says of
        a file wins over ``published``.
    :param allow_unrelated: load texts that are no inspection release too;
        otherwise each is skipped, reported to ``skipped`` with its message
        and listed in :attr:`CorpusLoad.unrelated`.
    :raises ReleaseUnreadable: a path does not exist, or a folder holds no releases.
    :raises ManifestError: a manifest is unreadable or gives a bad value.
    :raises HmicGraphError: the store is closed or read-only, or cannot be written.
    """
    from hmic_graph.ingest.manifest import corpus_entries
    from hmic_graph.ingest.releases import release_files
    from hmic_graph.rdf.validation import ValidationReport

    store.ensure_writable()
    paths = list(releases)
    files = [str(p) for p in release_files(paths)]
    entries = corpus_entries(paths, manifest)
    tasks = []
    for file in files:
        entry = entries.get(Path(file).resolve())
        if entry is None:
            tasks.append(_Task(file, published, None, None))
        else:
            date = entry.published or published
            tasks.append(_Task(file, date, entry.source, entry.release_id))
    count = workers if workers is not None else (os.cpu_count() or 1)
    count = max(1, min(count, len(files) // max(chunk_size, 1) + 1))
    batch: list[tuple[str, bytes]] = []
    first: dict[str, tuple[str, bytes]] = {}  # release IRI -> (first file, its data)
    loaded: set[str] = set()
    result = CorpusLoad()
    outcomes = _outcomes(
        tasks,
        base=base,
        validate=validate,
        allow_unrelated=allow_unrelated,
        workers=count,
        chunk_size=max(chunk_size, 1),
    )
    with contextlib.closing(outcomes):
        for done, outcome in enumerate(outcomes, start=1):
            if outcome.error is not None:
                (result.unrelated if outcome.unrelated else result.errors)[outcome.path] = (
                    outcome.error
                )
                if skipped is not None:
                    located = (
                        outcome.error if outcome.located else f"{outcome.path}: {outcome.error}"
                    )
                    skipped(Path(outcome.path), located)
            elif outcome.results is not None:
                report = result.invalid[outcome.path] = ValidationReport(False, outcome.results)
                if skipped is not None:
                    skipped(Path(outcome.path), report)
            elif outcome.name is not None:
                earlier = first.setdefault(outcome.name, (outcome.path, outcome.data))
                if earlier[1] != outcome.data:
                    message = _collision(outcome.name, earlier[0], outcome.path)
                    result.errors[outcome.path] = message
                    if skipped is not None:
                        skipped(Path(outcome.path), f"{outcome.path}: {message}")
                else:
                    if outcome.name not in loaded:
                        loaded.add(outcome.name)
                        result.loaded.append(outcome.name)
                    batch.append((outcome.name, outcome.data))
                    if len(batch) >= max(batch_size, 1):
                        store.add_encoded(batch, atomic=transactional)
                        batch = []
            if progress is not None:
                progress(done, len(files), Path(outcome.path))
    if batch:
        store.add_encoded(batch, atomic=transactional)
    return result


def _collision(name: str, first: str, second: str) -> str:
    return (
        f"has the release IRI <{name}> of {first}, but another text; it would replace "
        "that release, so it is skipped (give each release its own id)"
    )
