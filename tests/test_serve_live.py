"""The real server: ``hmic-graph serve`` under uvicorn in a subprocess, on 127.0.0.1 only.

* a bounded load test: 2,000 requests, 8 at a time, mixing entity pages (HTML
  and Turtle), the index and the bundled competency queries over ``/sparql``;
  it asserts that none fails and prints the latencies (no timing assertions);
* raw HTTP requests that no client library would normalise (``/id/../..``).

The browser tests are in ``tests/test_pages_browser.py``.
"""

from __future__ import annotations

import http.client
import random
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.sparql.query import list_queries
from hmic_graph.store import open_store

pytest.importorskip("uvicorn", reason="the serve extra (starlette, uvicorn, jinja2) is not installed")
pytest.importorskip("pyoxigraph", reason="the Oxigraph store needs pyoxigraph")
httpx = pytest.importorskip("httpx", reason="the tests need httpx")


pytestmark = pytest.mark.slow

HOST = "127.0.0.1"
STARTUP_SECONDS = 60
REQUESTS = 1_000
CONCURRENCY = 8

# Runs the CLI with the serve command registered, whether or not cli.py lists it yet.
LAUNCHER = (
    "import sys, hmic_graph.cli.main as cli\n"
    "if 'hmic_graph.cli.serve' not in cli.COMMAND_MODULES:\n"
    "    cli.COMMAND_MODULES = (*cli.COMMAND_MODULES, 'hmic_graph.cli.serve')\n"
    "sys.exit(cli.main(sys.argv[1:]))\n"
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


def _start(store: Path, log: Path) -> Server:
    port = free_port()
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, "serve", "--store", str(store), "--host", HOST,
         "--port", str(port), "--log-level", "warning"],
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    handle.close()
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return Server(url, port, process, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    _stop(process)
    raise RuntimeError(f"the server was not ready within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, corpus_batch: list[tuple[str, bytes]]
) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("live")
    store = folder / "store"
    with open_store(store) as made:
        made.add_encoded(corpus_batch, atomic=False)
    running = _start(store, folder / "server.log")
    try:
        yield running
    finally:
        _stop(running.process)
    assert running.process.returncode is not None


def _entity_paths(server: Server) -> list[str]:
    query = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{DEFAULT_BASE}")) }}'
    response = httpx.get(server.url + "/sparql", params={"query": query}, timeout=30)
    response.raise_for_status()
    iris = sorted(row["s"]["value"] for row in response.json()["results"]["bindings"])
    return ["/id/" + iri[len(DEFAULT_BASE) :] for iri in iris]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def test_load_mixed_pages_and_competency_queries(server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    entities = _entity_paths(server)
    assert len(entities) > 100
    queries = [named.text for named in list_queries()]
    rng = random.Random(4)
    plan: list[tuple[str, str, dict[str, str], dict[str, str]]] = []
    for _ in range(REQUESTS):
        roll = rng.random()
        if roll < 0.55:
            plan.append(("entity html", rng.choice(entities), {}, {"Accept": "text/html"}))
        elif roll < 0.65:
            plan.append(("entity turtle", rng.choice(entities), {}, {"Accept": "text/turtle"}))
        elif roll < 0.95:
            plan.append(("named query", "/sparql", {"query": rng.choice(queries)},
                         {"Accept": "application/sparql-results+json"}))
        else:
            plan.append(("index", "/", {}, {"Accept": "text/html"}))

    def run(chunk: list[tuple[str, str, dict[str, str], dict[str, str]]]) -> list[tuple[str, int | str, float]]:
        results = []
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for kind, path, params, headers in chunk:
                started = time.perf_counter()
                try:
                    status: int | str = client.get(path, params=params, headers=headers).status_code
                except httpx.HTTPError as exc:
                    status = type(exc).__name__
                results.append((kind, status, time.perf_counter() - started))
        return results

    chunks = [plan[i::CONCURRENCY] for i in range(CONCURRENCY)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        results = [item for part in pool.map(run, chunks) for item in part]
    elapsed = time.perf_counter() - started

    failures = Counter((kind, status) for kind, status, _ in results if status != 200)
    latencies = [seconds * 1000 for _, _, seconds in results]
    lines = [
        f"load test: {len(results)} requests, {CONCURRENCY} concurrent, {elapsed:.1f} s, "
        f"{len(results) / elapsed:.0f} requests/s",
        f"  all            p50 {_percentile(latencies, 0.50):7.1f} ms  p95 {_percentile(latencies, 0.95):7.1f} ms  "
        f"p99 {_percentile(latencies, 0.99):7.1f} ms  max {max(latencies):7.1f} ms",
    ]
    for kind in sorted({k for k, _, _ in results}):
        part = [s * 1000 for k, _, s in results if k == kind]
        lines.append(
            f"  {kind:<14} p50 {statistics.median(part):7.1f} ms  p95 {_percentile(part, 0.95):7.1f} ms  "
            f"p99 {_percentile(part, 0.99):7.1f} ms  n={len(part)}"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert len(results) == REQUESTS
    assert not failures, f"failed requests: {dict(failures)}\n{server.log.read_text(errors='replace')[-3000:]}"
    assert server.process.poll() is None, "the server died under load"


def _raw_status(server: Server, raw_path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        connection.putrequest("GET", raw_path, skip_accept_encoding=True)
        connection.putheader("Accept", "text/turtle")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    "raw_path",
    ["/id/../../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd", "/id/..%2F..%2Fetc%2Fpasswd", "/id/force/..%5c..%5c"],
)
def test_traversal_over_a_real_socket(server: Server, raw_path: str) -> None:
    status, body = _raw_status(server, raw_path)
    assert status in (400, 404), (raw_path, status)
    assert b"root:" not in body


def test_service_and_update_refused_by_the_real_server(server: Server) -> None:
    service = httpx.get(server.url + "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert service.status_code == 403
    update = httpx.post(server.url + "/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert update.status_code == 403
    assert httpx.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
