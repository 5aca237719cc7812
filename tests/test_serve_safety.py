"""`hmic-graph serve` under attack and under an operator (issue 10): it stays up, stops, shares the store.

A real server (a subprocess, as users run it) serves a store of synthetic
releases (``benchmarks/generate.py``, 200 releases: small enough for CI,
large enough for the bombs to be bombs). While it runs:

* the ORDER BY bomb, the COUNT(*) bomb and a catastrophic regex FILTER are
  each answered 503 (time or memory limit) while entity pages, the index and
  the ontology are answered meanwhile; workers never grow past their memory
  cap, and afterwards SPARQL answers again;
* Ctrl-C (SIGINT) and SIGTERM during a runaway query stop the server, its
  workers included, without a traceback;
* ``load`` and the read-only commands work next to it, and it shows the new
  release once ``load`` has committed.

Time bounds here are deliberately loose (5 s where the issue asks for 1 s or
2 s) because the CI machine is shared: they tell a stuck server from a slow
one, nothing finer.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
pytest.importorskip("uvicorn", reason="the serve extra is not installed")
pytest.importorskip("pyoxigraph", reason="the Oxigraph store needs pyoxigraph")

from hmic_graph.ingest.releases import load_release, release_name
from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.store import encode_graph, open_store

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
RELEASES = 200
WORKER_MEMORY_MIB = 512
QUERY_TIMEOUT = 4.0
#: How long an answer that should come at once may take on a busy shared machine.
PROMPT = 5.0

# Ordered by an expression, so the engine sorts every row before the first
# (a plain ``ORDER BY ?c`` is applied after the row limit, and refused at once).
ORDER_BY_BOMB = "SELECT ?c WHERE { ?a ?b ?c . ?d a hmic:PressRelease } ORDER BY STR(?c)"
COUNT_BOMB = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
REGEX_BOMB = 'SELECT ?t WHERE { ?q schema:text ?t FILTER(REGEX(?t, "(x{1000}){1000}")) }'
FORCES = "SELECT ?f WHERE { ?f a hmic:PoliceForce } LIMIT 5"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The releases of ``benchmarks/generate.py``, written to a folder."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generate import write_releases  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(BENCHMARKS))
    folder = tmp_path_factory.mktemp("generated")
    write_releases(folder, RELEASES + 1, seed=7)
    return folder


@pytest.fixture(scope="module")
def store_dir(generated: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the first 200 generated releases (the last one is kept back for `load`)."""
    path = tmp_path_factory.mktemp("served") / "store"
    batch = []
    for release in sorted(generated.glob("*.txt"))[:RELEASES]:
        graph = load_release(release)
        name = release_name(graph)
        batch.append((name, encode_graph(name, graph)))
    with open_store(path) as store:
        store.add_encoded(batch, atomic=False)
    return path


class Server:
    """``python -m hmic_graph serve`` on a free port, with its stderr kept."""

    def __init__(self, store: Path, log: Path, *extra: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "hmic_graph", "serve", "--store", str(store),
                "--port", str(self.port), "--log-level", "warning",
                "--query-timeout", str(QUERY_TIMEOUT), "--worker-memory", str(WORKER_MEMORY_MIB),
                "--query-workers", "2", *extra,
            ],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                if self.get("/")[0] == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the server did not start:\n" + log.read_text())
            time.sleep(0.2)

    def get(self, path: str, *, timeout: float = 60, accept: str = "*/*") -> tuple[int, str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Accept": accept}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def sparql(self, query: str, *, timeout: float = 60) -> tuple[int, str]:
        return self.get(
            "/sparql?" + urllib.parse.urlencode({"query": query}),
            timeout=timeout,
            accept="application/sparql-results+json",
        )

    def workers(self) -> list[int]:
        """The pids of the server's child processes (its SPARQL workers)."""
        children = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    children.append(int(entry))
        return children

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def server(store_dir: Path, tmp_path: Path) -> Iterator[Server]:
    running = Server(store_dir, tmp_path / "server.log")
    yield running
    running.stop()


def _memory_kib(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _entity_path(server: Server) -> str:
    status, body = server.sparql(FORCES)
    assert status == 200, body
    import json

    iri = json.loads(body)["results"]["bindings"][0]["f"]["value"]
    return "/id/" + str(iri)[len(DEFAULT_BASE) :]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_bombs_are_stopped_and_pages_answered_meanwhile(server: Server) -> None:
    entity = _entity_path(server)
    answers: dict[str, tuple[int, str]] = {}
    peaks: dict[int, int] = {}

    took: dict[str, float] = {}

    def bomb(name: str, query: str) -> None:
        started = time.monotonic()
        answers[name] = server.sparql(query, timeout=120)
        took[name] = time.monotonic() - started

    bombs = [
        threading.Thread(target=bomb, args=(name, query))
        for name, query in (("order", ORDER_BY_BOMB), ("count", COUNT_BOMB), ("regex", REGEX_BOMB))
    ]
    for thread in bombs:
        thread.start()
    slowest = 0.0
    while any(thread.is_alive() for thread in bombs):
        for path in ("/", entity, "/ontology"):
            started = time.monotonic()
            status, _ = server.get(path, timeout=30)
            slowest = max(slowest, time.monotonic() - started)
            assert status == 200, path
        for pid in server.workers():
            peaks[pid] = max(peaks.get(pid, 0), _memory_kib(pid, "VmData"))
        time.sleep(0.05)
    for thread in bombs:
        thread.join()
    assert slowest < PROMPT, f"a page took {slowest:.1f} s while the bombs ran"
    assert answers["order"][0] == 503, answers["order"]
    assert answers["count"][0] == 503 and "time limit" in answers["count"][1], answers["count"]
    # Oxigraph's regex engine has no catastrophic backtracking; what a regex
    # costs (compiling it per row) is bounded by the time limit like the rest.
    assert answers["regex"][0] in (200, 400, 503), answers["regex"]
    assert max(took.values()) < QUERY_TIMEOUT + PROMPT, took
    assert peaks and max(peaks.values()) <= WORKER_MEMORY_MIB * 1024, peaks
    assert server.sparql(FORCES)[0] == 200  # the pool replaced what it killed
    assert server.process.poll() is None
    assert "Traceback" not in server.log.read_text()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_stops_the_server_during_a_runaway_query(server: Server, sig: signal.Signals) -> None:
    workers = server.workers()
    assert workers
    runaway = threading.Thread(target=server.sparql, args=(COUNT_BOMB,), kwargs={"timeout": 60})
    runaway.start()
    time.sleep(1.0)  # the count is running in a worker now
    started = time.monotonic()
    server.process.send_signal(sig)
    try:
        server.process.wait(timeout=PROMPT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the server was still running {PROMPT} s after {sig.name}")
    took = time.monotonic() - started
    runaway.join(timeout=30)
    log = server.log.read_text()
    assert "Traceback" not in log, log
    assert server.process.returncode in (0, 130, -sig), (server.process.returncode, log)
    time.sleep(0.5)
    alive = [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert not alive, f"workers outlived the server: {alive}"
    assert took < PROMPT


def test_load_and_read_only_commands_work_next_to_serve(
    server: Server, store_dir: Path, generated: Path
) -> None:
    held_back = sorted(generated.glob("*.txt"))[RELEASES]
    count = "SELECT (COUNT(?r) AS ?n) WHERE { ?r a hmic:PressRelease }"
    import json

    def releases_served() -> int:
        status, body = server.sparql(count)
        assert status == 200, body
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    assert releases_served() == RELEASES
    listed = subprocess.run(
        [sys.executable, "-m", "hmic_graph", "releases", "--store", str(store_dir)],
        capture_output=True, text=True, timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == RELEASES
    loaded = subprocess.run(
        [sys.executable, "-m", "hmic_graph", "load", str(held_back), "--store", str(store_dir),
         "--no-validate", "--workers", "1"],
        capture_output=True, text=True, timeout=300,
    )
    assert loaded.returncode == 0, loaded.stderr
    deadline = time.monotonic() + 30
    while releases_served() != RELEASES + 1:
        assert time.monotonic() < deadline, "the server never showed the loaded release"
        time.sleep(0.2)
    after = subprocess.run(
        [sys.executable, "-m", "hmic_graph", "releases", "--store", str(store_dir)],
        capture_output=True, text=True, timeout=120,
    )
    assert len(after.stdout.splitlines()) == RELEASES + 1


def test_settings_refuse_nonsense_and_the_flags_reach_them() -> None:
    from hmic_graph.model.errors import HmicGraphError
    from hmic_graph.serve.settings import Settings

    for bad in ({"query_timeout": 0}, {"query_workers": -1}, {"worker_memory_mib": 100}, {"cache_bytes": -1}):
        with pytest.raises(HmicGraphError):
            Settings(**bad)
    shown = subprocess.run(
        [sys.executable, "-m", "hmic_graph", "serve", "--help"], capture_output=True, text=True, timeout=60
    ).stdout
    for flag in ("--query-timeout", "--max-results", "--max-request-bytes", "--query-workers",
                 "--worker-memory", "--max-waiting", "--cache-mib"):
        assert flag in shown, flag


def test_a_full_waiting_line_is_answered_at_once() -> None:
    """Beyond the workers and the waiting line, a query is turned away without waiting for a thread."""
    import asyncio

    from hmic_graph.serve.cache import NOT_CACHED
    from hmic_graph.serve.protocol import ProtocolError
    from hmic_graph.serve.runner import QueryRunner
    from hmic_graph.serve.settings import Settings

    release = threading.Event()

    class BlockingPool:
        def run(
            self,
            text: str,
            *,
            prefixes: object,
            deadline: float,
            name: str | None = None,
            limit: int | None = None,
            offset: int = 0,
        ) -> dict[str, object]:
            release.wait(30)
            return {"form": "ASK", "value": True}

        def close(self) -> None:
            release.set()

    runner = QueryRunner(
        BlockingPool(),  # type: ignore[arg-type]
        base=DEFAULT_BASE,
        settings=Settings(query_workers=1, max_waiting=1),
        version=lambda: NOT_CACHED,
    )

    async def burst() -> list[object]:
        asyncio.get_running_loop().call_later(0.5, release.set)
        runs = [runner.run(f"ASK {{ ?s ?p {i} }}") for i in range(5)]
        return await asyncio.gather(*runs, return_exceptions=True)

    try:
        started = time.monotonic()
        results = asyncio.run(burst())
    finally:
        runner.close()
    refused = [r for r in results if isinstance(r, ProtocolError)]
    assert len(refused) == 3 and all(r.status == 503 and "busy" in r.message for r in refused)
    assert sum(1 for r in results if isinstance(r, tuple)) == 2
    assert time.monotonic() - started < 30
