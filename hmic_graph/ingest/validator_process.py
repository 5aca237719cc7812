"""SHACL validation in a second process that starts before there is anything to validate.

For one release, ``hmic-graph build`` spends about as long importing pySHACL
and reading the shapes as it does reading and extracting the release, and
neither needs the other. :class:`ValidatorProcess` forks a child at the
start of the command; the child imports pySHACL and parses the shapes while
the parent extracts, then validates each graph the parent sends it. On a
machine with two cores the command then waits for the slower of the two
instead of their sum (``benchmarks/run.py`` measures it).

The child runs the very same :func:`hmic_graph.rdf.validation.validate`, so the
verdicts and results are pySHACL's. Wherever a child cannot be used (no
``fork``, a parent with other threads running, or the child dies), the graph
is validated in this process instead; callers see no difference but time.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph

    from hmic_graph.rdf.validation import ValidationReport

__all__ = ["ValidatorProcess", "spare_core"]

_LENGTH = struct.Struct("!Q")


class ValidatorProcess:
    """Validates graphs with pySHACL in a forked child process, or here if it cannot.

    Use it as a context manager, so the child is always reaped::

        with ValidatorProcess() as validator:
            graph = load_release(path)          # the child warms up meanwhile
            report = validator.validate(graph)

    :param background: ``False`` validates in this process from the start.

    >>> from hmic_graph import load_release
    >>> with ValidatorProcess() as validator:
    ...     report = validator.validate(load_release("Kent Police works well with councils."))
    >>> report.conforms
    True
    """

    def __init__(self, *, background: bool = True) -> None:
        self._pid: int | None = None
        self._to_child: int | None = None
        self._from_child: int | None = None
        self._pending: Graph | None = None
        self._sent = False
        if background and _can_fork():
            self._start()

    @property
    def in_background(self) -> bool:
        """Whether a child process is (still) doing the validation."""
        return self._pid is not None

    def validate(self, graph: Graph) -> ValidationReport:
        """``graph``'s SHACL report, as :func:`hmic_graph.rdf.validation.validate` gives it.

        :raises HmicGraphError: as :func:`hmic_graph.rdf.validation.validate`.
        """
        self.submit(graph)
        return self.result()

    def submit(self, graph: Graph) -> None:
        """Start validating ``graph``; :meth:`result` returns its report.

        One graph at a time: call :meth:`result` before the next ``submit``.
        Work done between the two overlaps the validation.

        :raises RuntimeError: a graph was submitted and its result not yet taken.
        """
        if self._pending is not None or self._sent:
            raise RuntimeError("result() of the previous graph was not taken")
        self._pending = graph
        if self._pid is not None and self._to_child is not None:
            try:
                _send(self._to_child, list(graph))
                self._sent = True
            except OSError:
                self.close()  # the child is gone; result() validates here

    def result(self) -> ValidationReport:
        """The report of the graph last submitted.

        :raises HmicGraphError: as :func:`hmic_graph.rdf.validation.validate`.
        :raises RuntimeError: nothing was submitted.
        """
        from hmic_graph.rdf.validation import validate

        graph, self._pending = self._pending, None
        if graph is None:
            raise RuntimeError("no graph was submitted")
        if self._sent:
            self._sent = False
            try:
                return self._child_report()
            except (OSError, EOFError, pickle.PickleError, struct.error):
                # The child is gone (killed, out of memory): validate here instead.
                self.close()
        return validate(graph)

    def close(self) -> None:
        """Stop the child, if there is one, and wait for it to exit."""
        for descriptor in (self._to_child, self._from_child):
            if descriptor is not None:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
        self._to_child = self._from_child = None
        self._sent = False
        if self._pid is not None:
            pid, self._pid = self._pid, None
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

    def __enter__(self) -> ValidatorProcess:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # --- parent side -------------------------------------------------------------

    def _start(self) -> None:
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            for descriptor in (parent_read, child_write, child_read, parent_write):
                os.close(descriptor)
            return
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            os.close(parent_read)
            os.close(parent_write)
            _child_main(child_read, child_write)
        os.close(child_read)
        os.close(child_write)
        self._pid = pid
        self._to_child = parent_write
        self._from_child = parent_read

    def _child_report(self) -> ValidationReport:
        from rdflib import Graph

        from hmic_graph.model.errors import HmicGraphError
        from hmic_graph.rdf.validation import ValidationReport

        assert self._from_child is not None
        kind, payload = _receive(self._from_child)
        if kind == "error":
            raise HmicGraphError(str(payload))
        conforms, results, triples = payload
        results_graph = Graph()
        for triple in triples:
            results_graph.add(triple)
        return ValidationReport(conforms, tuple(results), results_graph)


def spare_core() -> bool:
    """Whether this process may use a second CPU core now.

    A child helps only if it runs beside the parent: with one usable core,
    or a machine already busy (a one-minute load average above the usable
    cores less one, plus a half for the noise of short commands), the two
    would take turns and the command would be slower than in one process
    (measured: about 1.25x the one-process time with one core taken).
    """
    try:
        usable = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        usable = os.cpu_count() or 1
    if usable < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return True
    return load < usable - 0.5


def _can_fork() -> bool:
    # fork() copies only the calling thread; with others running, a lock they
    # hold could stay locked in the child forever. macOS and Windows have
    # no safe fork for a process like this one.
    return (
        sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
    )


def _send(descriptor: int, value: Any) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_LENGTH.pack(len(data)) + data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _read_exactly(descriptor: int, size: int) -> bytes:
    chunks = []
    while size:
        chunk = os.read(descriptor, min(size, 1 << 20))
        if not chunk:
            raise EOFError("the validator process closed its pipe")
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _receive(descriptor: int) -> Any:
    (size,) = _LENGTH.unpack(_read_exactly(descriptor, _LENGTH.size))
    return pickle.loads(_read_exactly(descriptor, size))


def _child_main(read_from: int, write_to: int) -> None:  # pragma: no cover - child process
    status = 0
    try:
        # The work that overlaps the parent's extraction.
        import pyshacl  # noqa: F401

        from hmic_graph.model.errors import HmicGraphError
        from hmic_graph.rdf import ontology
        from hmic_graph.rdf.validation import validate

        ontology.shapes_graph()
        while True:
            try:
                triples = _receive(read_from)
            except EOFError:
                break
            from rdflib import Graph

            graph = Graph()
            for triple in triples:
                graph.add(triple)
            try:
                report = validate(graph)
            except HmicGraphError as exc:
                _send(write_to, ("error", str(exc)))
                continue
            results_triples = list(report.results_graph) if report.results_graph is not None else []
            _send(write_to, ("report", (report.conforms, list(report.results), results_triples)))
    except BaseException:  # the parent sees the pipe close and validates by itself
        status = 1
    finally:
        os._exit(status)
