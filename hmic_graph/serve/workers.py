"""SPARQL queries run in worker processes that can be stopped: :class:`QueryPool`.

Oxigraph evaluates what it must before the first row (a sort, an aggregate)
inside one call that nothing in the calling process can interrupt, and it
would follow a ``SERVICE`` to any address. So queries never run in the web
process. The pool keeps :attr:`~hmic_graph.serve.settings.Settings.query_workers`
processes (:mod:`hmic_graph.serve.worker`), each with the store open
read-only, no network, a memory cap and a lower CPU priority, and gives each
query to an idle one:

* past its deadline the worker is killed (``SIGKILL``) and replaced, and
  the query is answered 503; a worker that dies (out of memory) is replaced
  the same way;
* when every worker is busy, a query waits for one until its deadline, and
  when :attr:`~hmic_graph.serve.settings.Settings.max_waiting` queries
  already wait, it is answered 503 at once;
* the pool serves one version of the store at a time: a worker opened on an
  older version is replaced before it takes another query, so a ``load``
  that commits while the server runs shows in the next answers.

:meth:`QueryPool.run` blocks; the web process calls it from threads.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

from hmic_graph.serve.protocol import ProtocolError
from hmic_graph.serve.settings import Settings
from hmic_graph.serve.worker import OUT_OF_MEMORY
from hmic_graph.store.folders import ANSWERS_FOLDER

__all__ = ["QueryPool", "Source"]

log = logging.getLogger("hmic_graph.serve")

Source = Callable[[], tuple[Path, Hashable]]
"""Gives the folder of the store to query now and its version (equal versions, equal data)."""


class _Gone(Exception):
    """The worker process ended (killed, out of memory, or its pipe closed)."""


class _Worker:
    """One worker process and the version of the store it opened."""

    def __init__(self, folder: Path, version: Hashable, settings: Settings) -> None:
        config = json.dumps(
            {
                "store": str(folder),
                # The kept answers of the bundled questions at this generation, if any.
                "answers": str(folder / ANSWERS_FOLDER),
                "generation": version if isinstance(version, int) else None,
                "memory_bytes": settings.worker_memory_bytes,
                "nice": settings.worker_nice,
            }
        )
        self.version = version
        # Its own session: a Ctrl-C at the terminal reaches the server, which
        # stops the workers itself. Standard error is dropped: an engine that
        # runs out of memory prints a Rust panic there, and the pool reports
        # the failure in words.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hmic_graph.serve.worker", config],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._buffer = b""
        self.ready = False
        self.sandbox: str | None = None
        self.failure: str | None = None

    def _line(self, deadline: float) -> dict[str, Any]:
        stdout = self.process.stdout
        assert stdout is not None
        fd = stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            try:
                readable, _, _ = select.select([fd], [], [], left)
                chunk = os.read(fd, 1 << 16) if readable else None
            except (OSError, ValueError):  # the pipe was closed: the pool is shutting down
                raise _Gone from None
            if chunk is None:
                raise TimeoutError
            if not chunk:
                raise _Gone
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def start(self, deadline: float) -> None:
        """Wait for the worker's hello (it has opened the store)."""
        if not self.ready:
            hello = self._line(deadline)
            if not hello.get("ready"):
                self.failure = str(hello.get("error", "it did not start"))
                raise _Gone
            self.ready = True
            self.sandbox = hello.get("sandbox")

    def ask(self, request: Mapping[str, Any], deadline: float) -> dict[str, Any]:
        """Send one request and wait for its answer until ``deadline``.

        :raises TimeoutError: no answer by ``deadline``.
        :raises _Gone: the worker ended.
        """
        self.start(deadline)
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(json.dumps(request).encode("utf-8") + b"\n")
            stdin.flush()
        except (OSError, ValueError):  # the worker is gone, or stop() closed the pipe
            raise _Gone from None
        return self._line(deadline)

    def stop(self) -> None:
        """Kill the process at once and reap it."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()

    def died_of(self) -> str:
        """Words for why the process ended, for the answer to the query it was running."""
        if self.failure is not None:
            return self.failure
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=1)
        code = self.process.returncode
        # The engine aborts when an allocation fails; the kernel may kill instead.
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, OUT_OF_MEMORY):
            return "ran out of memory"
        return f"stopped (exit status {code})"


class QueryPool:
    """Worker processes that run SPARQL queries; see the module docstring.

    :param source: the store's folder and version now (read before each query).
    :param settings: the limits (workers, memory, time, rows, waiting).
    """

    def __init__(self, source: Source, *, settings: Settings) -> None:
        self.source = source
        self.settings = settings
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self._waiting = 0
        self._closed = False
        self._warned = False
        self._unspawned = settings.query_workers

    def start(self) -> None:
        """Start the workers not started yet (else each starts with its first query)."""
        while (worker := self._new_slot()) is not None:
            self._idle.put(worker)

    def _new_slot(self) -> _Worker | None:
        with self._lock:
            if self._unspawned <= 0 or self._closed:
                return None
            self._unspawned -= 1
        folder, version = self.source()
        return self._spawn(folder, version)

    def _spawn(self, folder: Path, version: Hashable) -> _Worker:
        worker = _Worker(folder, version, self.settings)
        with self._lock:
            self._all.add(worker)
        return worker

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._all.discard(worker)

    @property
    def pids(self) -> list[int]:
        """The process ids of the workers (for tests and monitoring)."""
        with self._lock:
            return sorted(worker.process.pid for worker in self._all)

    def run(
        self,
        text: str,
        *,
        prefixes: Mapping[str, str],
        deadline: float,
        name: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> dict[str, Any]:
        """Run ``text`` on a worker and give its answer (see :mod:`hmic_graph.serve.worker`).

        :param name: the bundled question ``text`` is, which then runs in its
            Oxigraph form (:func:`hmic_graph.sparql.evaluation.solve`) and is
            read from its kept answer when the store has one.
        :param limit: the most rows of a SELECT answer to send.
        :param offset: the rows of a SELECT answer to skip first.

        :raises ProtocolError: 503 when the pool is closed, too many queries
            wait, no worker was free by ``deadline``, the query ran past
            ``deadline`` (its worker is killed) or its worker died (out of
            memory); 400/422 as the worker answers.
        """
        settings = self.settings
        with self._lock:
            if self._closed:
                raise _shutting_down()
            if self._waiting >= settings.max_waiting:
                raise ProtocolError(
                    f"the server is busy ({self._waiting} queries are waiting for a worker); "
                    "try again shortly",
                    status=503,
                    headers={"Retry-After": "2"},
                )
            self._waiting += 1
        try:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = self._new_slot() or self._idle.get(
                    timeout=max(deadline - time.monotonic(), 0.0)
                )
        except queue.Empty:
            raise ProtocolError(
                f"the server is busy: every worker was taken for the whole time limit of "
                f"{settings.query_timeout:g} s; try again shortly",
                status=503,
                headers={"Retry-After": "2"},
            ) from None
        finally:
            with self._lock:
                self._waiting -= 1
        replacement: _Worker | None = None
        try:
            folder, version = self.source()
            if worker.version != version:  # the store changed since the worker opened it
                self._retire(worker)
                worker = self._spawn(folder, version)
            request = {
                "query": text,
                "name": name,
                "limit": limit,
                "offset": offset,
                "max_rows": settings.max_results,
                "prefixes": dict(prefixes),
            }
            reply = self._ask(worker, request, deadline)
            if reply.get("error") == "memory":  # the worker said so and is exiting
                self._retire(worker)
                replacement = self._fresh()
                raise _out_of_memory(settings)
        except TimeoutError:
            self._retire(worker)
            replacement = self._fresh()
            raise ProtocolError(
                f"the query ran longer than the time limit of {settings.query_timeout:g} s "
                "and was stopped; narrow it or add LIMIT",
                status=503,
                headers={"Retry-After": "1"},
            ) from None
        except _Gone:
            why = worker.died_of()
            self._retire(worker)
            if self._closed:
                raise _shutting_down() from None
            replacement = self._fresh()
            if why == "ran out of memory":
                raise _out_of_memory(settings) from None
            raise ProtocolError(f"the query failed: its worker {why}", status=503) from None
        finally:
            self._give_back(replacement if replacement is not None else worker)
        return reply

    def _ask(self, worker: _Worker, request: Mapping[str, Any], deadline: float) -> dict[str, Any]:
        reply = worker.ask(request, deadline)
        if worker.sandbox is not None and not self._warned:
            self._warned = True
            log.warning(
                "SPARQL workers run WITH network access (%s): SERVICE is refused only by "
                "the query check",
                worker.sandbox,
            )
        return reply

    def _fresh(self) -> _Worker | None:
        """A worker to replace one that was stopped; none once the pool is closed."""
        if self._closed:
            return None
        folder, version = self.source()
        return self._spawn(folder, version)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            closed = self._closed
        if closed:
            self._retire(worker)
        elif worker.process.poll() is None and worker in self._all:
            self._idle.put(worker)
        else:
            self._retire(worker)
            fresh = self._fresh()
            if fresh is not None:
                self._idle.put(fresh)

    def close(self) -> None:
        """Kill every worker now; queries running or waiting are answered 503."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for worker in workers:
            self._retire(worker)
        while True:
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break


def _shutting_down() -> ProtocolError:
    return ProtocolError("the server is shutting down", status=503)


def _out_of_memory(settings: Settings) -> ProtocolError:
    return ProtocolError(
        f"the query needed more memory than the limit of {settings.worker_memory_mib} MiB "
        "and was stopped (sorting, grouping and DISTINCT hold every solution first); "
        "narrow it",
        status=503,
        headers={"Retry-After": "1"},
    )
