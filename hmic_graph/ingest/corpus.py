"""Load many releases into a store, on every core, in bounded memory.

:func:`load_releases` is the fast way to fill a
:class:`~hmic_graph.store.stores.ReleaseStore` with a corpus. Worker processes each
read, extract, build and validate releases (pySHACL, one release graph at a
time, the shapes parsed once per worker), and return each release's graph as
N-Quads bytes: its triples in the release's named graph and again in the
default graph, which holds the union (see :mod:`hmic_graph.store.stores`). The
parent bulk-loads those bytes into Oxigraph in batches, in input order, so
the store ends up with exactly what loading the releases one by one with
:meth:`~hmic_graph.store.stores.ReleaseStore.load_release` gives. Only a bounded
window of releases is in flight, so memory does not grow with the corpus.

Differences from one-by-one loading: a batch is written with Oxigraph's bulk
loader, which is not transactional (a crash mid-batch can leave part of a
batch; loading again repairs it, as loading is idempotent), and a release
that is already in the store, or comes twice in the input, is first removed
and then loaded, as two steps. With ``transactional=True`` neither holds:
each batch is written in one transaction and a release already in the store
is replaced in one transaction, so a crash leaves every graph whole, the old
one or the new one (what ``hmic-graph load`` uses). A store that is not
Oxigraph (the rdflib memory store) gets each graph through
:meth:`~hmic_graph.store.stores.ReleaseStore.add_graph`.
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
from typing import TYPE_CHECKING, Any

from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    from hmic_graph.rdf.validation import ValidationReport, ValidationResult
    from hmic_graph.store.stores import ReleaseStore

__all__ = ["CorpusLoad", "load_releases", "release_nquads"]

#: Releases one worker task handles; amortises inter-process overhead.
CHUNK_SIZE = 8
#: Releases bulk-loaded into Oxigraph at a time.
BATCH_SIZE = 256


@dataclass
class CorpusLoad:
    """What :func:`load_releases` did.

    :param loaded: the release IRIs loaded, in input order.
    :param invalid: path -> the validation report of a release that did not
        conform (it was skipped).
    :param errors: path -> the message of a release that could not be read
        or built (it was skipped).
    """

    loaded: list[str] = field(default_factory=list)
    invalid: dict[str, ValidationReport] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every release was loaded."""
        return not self.invalid and not self.errors


@dataclass(frozen=True)
class _Outcome:
    path: str
    name: str | None = None
    nquads: bytes = b""
    triples: int = 0
    results: tuple[ValidationResult, ...] | None = None
    error: str | None = None
    located: bool = False  # the error message names the file


def release_nquads(name: str, graph: Any) -> tuple[bytes, int]:
    """``graph`` as N-Quads: each triple in graph ``name`` and in the default graph.

    Terms are checked and converted as :meth:`ReleaseStore.add_graph` does,
    so a bulk load stores the same terms.

    :raises HmicGraphError: the graph has a blank node or an invalid IRI, or is empty.
    """
    import pyoxigraph as ox

    from hmic_graph.store.stores import _check_iri, _checked_triples, _to_ox

    _check_iri(name, what="graph name")
    triples = _checked_triples(graph, name)
    if not triples:
        raise HmicGraphError(f"the graph for <{name}> is empty")
    graph_name = ox.NamedNode(name)
    default = ox.DefaultGraph()
    cache: dict[Any, Any] = {}

    def term(value: Any) -> Any:
        found = cache.get(value)
        if found is None:
            found = cache[value] = _to_ox(ox, value)
        return found

    quads = []
    try:
        for s, p, o in triples:
            subject, predicate, obj = term(s), term(p), term(o)
            quads.append(ox.Quad(subject, predicate, obj, graph_name))
            quads.append(ox.Quad(subject, predicate, obj, default))
    except ValueError as exc:
        raise HmicGraphError(f"the graph <{name}> has an invalid term: {exc}") from exc
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert data is not None  # no output path: the bytes are returned
    return data, len(triples)


def _build_one(path: str, published: str | None, base: str, validate: bool) -> _Outcome:
    from rdflib.namespace import RDF

    from hmic_graph.ingest.releases import load_release
    from hmic_graph.model.namespaces import HMIC

    try:
        graph = load_release(Path(path), published=published, base=base)
        if validate:
            from hmic_graph.rdf.validation import validate as run_validation

            report = run_validation(graph)
            if not report.conforms:
                return _Outcome(path, results=report.results)
        names = sorted({str(s) for s in graph.subjects(RDF.type, HMIC.PressRelease)})
        if len(names) != 1:
            raise HmicGraphError(
                f"the graph of a release must have one hmic:PressRelease, not {len(names)}"
            )
        data, count = release_nquads(names[0], graph)
    except HmicGraphError as exc:
        return _Outcome(path, error=str(exc), located=exc.path is not None)
    return _Outcome(path, name=names[0], nquads=data, triples=count)


def _build_chunk(
    paths: Sequence[str], published: str | None, base: str, validate: bool
) -> list[_Outcome]:
    return [_build_one(path, published, base, validate) for path in paths]


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


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _outcomes(
    paths: Sequence[str],
    *,
    published: str | None,
    base: str,
    validate: bool,
    workers: int,
    chunk_size: int,
) -> Generator[_Outcome, None, None]:
    """Each release's outcome, in input order; at most ``4 * workers`` chunks in flight.

    Closing the generator early (the caller failed or was interrupted) stops
    the workers rather than waiting for the chunks in flight.
    """
    if workers <= 1:
        for path in paths:
            yield _build_one(path, published, base, validate)
        return
    methods = multiprocessing.get_all_start_methods()
    # Not "fork": the parent may hold an open RocksDB store with its own threads.
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_up) as pool:
        pending: deque[Future[list[_Outcome]]] = deque()
        chunks = _chunks(paths, chunk_size)
        window = 4 * workers
        try:
            for chunk in chunks:
                pending.append(pool.submit(_build_chunk, chunk, published, base, validate))
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
) -> CorpusLoad:
    """Extract, build, validate and load every release file into ``store``.

    The store ends up as after ``store.load_release(path)`` for each path in
    order (a release that does not conform, or cannot be read, is skipped
    and reported instead of raised). Options other than ``store`` and
    ``releases`` are keyword-only.

    :param releases: release files or folders (expanded as
        :func:`hmic_graph.ingest.releases.release_files` does).
    :param workers: worker processes; default: the number of CPUs. ``1``
        builds in this process.
    :param chunk_size: releases per worker task.
    :param batch_size: releases per bulk load (per transaction with ``transactional``).
    :param progress: called as ``progress(done, total, path)`` after each release.
    :param skipped: called as ``skipped(path, reason)`` when a release is
        skipped, before ``progress``: ``reason`` is the
        :class:`~hmic_graph.rdf.validation.ValidationReport` of a release that
        does not conform, or the message (naming the file) of one that could
        not be read or built.
    :param transactional: write each batch, and each replacement of a release
        already in the store, in one transaction (see the module notes).
    :raises ReleaseReadError: a path does not exist, or a folder holds no releases.
    :raises HmicGraphError: the store is closed or read-only, or cannot be written.
    """
    from hmic_graph.ingest.releases import release_files
    from hmic_graph.rdf.validation import ValidationReport

    store._check_writable()
    files = [str(p) for p in release_files(list(releases))]
    count = workers if workers is not None else (os.cpu_count() or 1)
    count = max(1, min(count, len(files) // max(chunk_size, 1) + 1))
    writer = _Writer(store, batch_size, transactional=transactional)
    result = CorpusLoad()
    outcomes = _outcomes(
        files,
        published=published,
        base=base,
        validate=validate,
        workers=count,
        chunk_size=max(chunk_size, 1),
    )
    with contextlib.closing(outcomes):
        for done, outcome in enumerate(outcomes, start=1):
            if outcome.error is not None:
                result.errors[outcome.path] = outcome.error
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
                writer.add(outcome.name, outcome.nquads)
                result.loaded.append(outcome.name)
            if progress is not None:
                progress(done, len(files), Path(outcome.path))
    writer.flush()
    return result


class _Writer:
    """Batches N-Quads into the store, keeping replace semantics for repeated names.

    With ``transactional``, a batch is one transaction (Oxigraph's ``load``
    rather than its bulk loader) and a release already written is replaced
    in one transaction (:meth:`ReleaseStore.add_graph`), never removed first.
    """

    def __init__(self, store: ReleaseStore, batch_size: int, *, transactional: bool) -> None:
        self.store = store
        self.batch_size = max(batch_size, 1)
        self.oxigraph = store.kind == "oxigraph"
        self.transactional = transactional
        self.present = set(store.releases())
        self.batch: list[bytes] = []
        self.batch_names: set[str] = set()

    def add(self, name: str, nquads: bytes) -> None:
        if name in self.present or name in self.batch_names:
            # Loaded before (or earlier in this batch): the new graph replaces it.
            self.flush()
            if self.transactional:
                self.store.add_graph(name, _named_graph(name, nquads))
                return
            self.store.remove_release(name, missing_ok=True)
            self.present.discard(name)
        self.batch.append(nquads)
        self.batch_names.add(name)
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        data = b"".join(self.batch)
        names, self.batch, self.batch_names = self.batch_names, [], set()
        if self.oxigraph:
            import pyoxigraph as ox

            db = self.store.oxigraph  # type: ignore[attr-defined]
            write = db.load if self.transactional else db.bulk_load
            with self.store._write_lock:
                try:
                    write(data, format=ox.RdfFormat.N_QUADS)
                except (OSError, SyntaxError, ValueError) as exc:
                    raise HmicGraphError(f"cannot bulk-load releases: {exc}") from exc
        else:
            self._add_graphs(data)
        self.present |= names

    def _add_graphs(self, data: bytes) -> None:
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(data=data.decode("utf-8"), format="nquads")
        for graph in dataset.graphs():
            if graph.identifier != dataset.default_graph.identifier and len(graph):
                self.store.add_graph(str(graph.identifier), graph)


def _named_graph(name: str, nquads: bytes) -> Any:
    """The triples of graph ``name`` in ``nquads`` (as :func:`release_nquads` writes), in rdflib."""
    import pyoxigraph as ox
    from rdflib import Graph

    from hmic_graph.store.stores import from_oxigraph

    graph_name = ox.NamedNode(name)
    graph = Graph()
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        if quad.graph_name == graph_name:
            graph.add(
                (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                )
            )
    return graph
