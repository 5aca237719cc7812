"""The real server: ``hmic-graph serve`` under uvicorn in a subprocess, on 127.0.0.1 only.

* a bounded load test: 1,000 requests, 8 at a time, mixing entity pages (HTML
  and Turtle), the index and the bundled competency queries over ``/sparql``;
  it asserts that none fails and prints the latencies (no timing assertions);
* raw HTTP requests that no client library would normalise (``/id/../..``).

The server is the session's ``corpus_server`` (``tests/conftest.py``), which
the browser tests (``tests/test_pages_browser.py``) share.
"""

from __future__ import annotations

import http.client
import random
import statistics
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.sparql.query import list_queries

pytest.importorskip("uvicorn", reason="the serve extra (starlette, uvicorn, jinja2) is not installed")
pytest.importorskip("pyoxigraph", reason="the Oxigraph store needs pyoxigraph")
httpx = pytest.importorskip("httpx", reason="the tests need httpx")


if TYPE_CHECKING:
    from conftest import LiveServer

pytestmark = pytest.mark.slow

HOST = "127.0.0.1"
REQUESTS = 1_000
CONCURRENCY = 8


def _entity_paths(corpus_server: LiveServer) -> list[str]:
    query = f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{DEFAULT_BASE}")) }}'
    response = httpx.get(corpus_server.url + "/sparql", params={"query": query}, timeout=30)
    response.raise_for_status()
    iris = sorted(row["s"]["value"] for row in response.json()["results"]["bindings"])
    return ["/id/" + iri[len(DEFAULT_BASE) :] for iri in iris]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def test_load_mixed_pages_and_competency_queries(corpus_server: LiveServer, capsys: pytest.CaptureFixture[str]) -> None:
    entities = _entity_paths(corpus_server)
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
        with httpx.Client(base_url=corpus_server.url, timeout=60) as client:
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
    assert not failures, f"failed requests: {dict(failures)}\n{corpus_server.log.read_text(errors='replace')[-3000:]}"
    assert corpus_server.process.poll() is None, "the corpus_server died under load"


def _raw_status(corpus_server: LiveServer, raw_path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, corpus_server.port, timeout=10)
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
def test_traversal_over_a_real_socket(corpus_server: LiveServer, raw_path: str) -> None:
    status, body = _raw_status(corpus_server, raw_path)
    assert status in (400, 404), (raw_path, status)
    assert b"root:" not in body


def test_service_and_update_refused_by_the_real_server(corpus_server: LiveServer) -> None:
    service = httpx.get(corpus_server.url + "/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert service.status_code == 403
    update = httpx.post(corpus_server.url + "/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert update.status_code == 403
    assert httpx.get(corpus_server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
