"""The serve benchmark's code path (correctness only, never timing) and the server's caches.

* ``benchmarks/serve.py --quick`` builds a small store, runs ``hmic-graph
  serve`` and sends every kind of request; it must finish with no error and
  a row for every kind;
* the caches behind that speed must never serve a stale or different
  answer: cached answers equal uncached ones; a release loaded while
  serving shows at once, because the cache follows the store's
  ``generation``; identical concurrent queries share one run only when
  answers may be shared.
"""

from __future__ import annotations

import asyncio
import importlib.util
import re
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the serve extra (starlette, uvicorn, jinja2, httpx) is not installed")
pytest.importorskip("uvicorn", reason="the serve extra (starlette, uvicorn, jinja2, httpx) is not installed")
pytest.importorskip("pyoxigraph", reason="the Oxigraph store needs pyoxigraph")

from rdflib import URIRef

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from hmic_graph.ingest.releases import store_release
from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.model.resources import example_releases
from hmic_graph.serve import create_app
from hmic_graph.serve.backend import backend_for
from hmic_graph.serve.cache import NOT_CACHED, VersionedCache
from hmic_graph.serve.pages import EntityPages
from hmic_graph.serve.protocol import Outcome, QueryForm, SelectOutcome
from hmic_graph.serve.settings import Settings
from hmic_graph.sparql.query import list_queries
from hmic_graph.store import ReleaseStore, open_store

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "serve.py"
RELEASES = Path(__file__).parent / "releases"
JSON = "application/sparql-results+json"
COUNT_RELEASES = "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a hmic:PressRelease }"


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hmic_serve_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


# --- the benchmark, quick ------------------------------------------------------------------


@pytest.mark.slow
def test_quick_benchmark_serves_every_kind_without_error(tmp_path: Path) -> None:
    bench = load_benchmark()
    out = tmp_path / "serve.md"
    code = bench.main(["--quick", "--out", str(out), "--keep", str(tmp_path / "work")])
    text = out.read_text(encoding="utf-8")
    assert code == 0, text
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 8 and re.match(r"^(page|query) ", cells[0]):
            rows[cells[0]] = cells
    expected = {
        f"page {label} {fmt}" for label, _ in bench.ENTITY_CLASSES for fmt, _, _ in bench.ENTITY_FORMATS
    } | {f"query {named.name}" for named in list_queries()}
    assert set(rows) == expected, text
    for kind, cells in rows.items():
        count, errors = int(cells[1].replace(",", "")), int(cells[6])
        assert count > 0 and errors == 0, (kind, cells)
    for total in ("**all**", "**entity pages**", "**competency queries**"):
        assert re.search(rf"^\| {re.escape(total)} \| [\d,]+ \| .* \| 0 \|", text, re.M), total
    assert "load average at start" in text and "| cores |" in text


def test_benchmark_client_reads_content_length_and_chunked_bodies() -> None:
    import socket

    bench = load_benchmark()
    replies = [
        b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n\r\nhello",
        b"HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    ]
    listener = socket.create_server((bench.HOST, 0))
    port = listener.getsockname()[1]

    def serve_once() -> None:
        connection, _ = listener.accept()
        with connection:
            for reply in replies:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(4096)
                connection.sendall(reply)

    thread = threading.Thread(target=serve_once, daemon=True)
    thread.start()
    client = bench.Connection(port)
    try:
        assert client.get("/a", "text/plain") == (
            200,
            {"content-type": "text/plain", "content-length": "5"},
            b"hello",
        )
        status, _, body = client.get("/b", "text/plain")
        assert (status, body) == (404, b"abcde")
    finally:
        client.close()
        listener.close()
        thread.join(timeout=10)


# --- caches never change an answer ---------------------------------------------------------


@pytest.fixture(scope="module")
def seed_store() -> Iterator[ReleaseStore]:
    with open_store(kind="oxigraph") as store:
        store_release(store, example_releases()[0][1], validate=False)
        yield store


def entity_paths(store: ReleaseStore) -> list[str]:
    rows = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o }").rows
    return sorted(
        "/id/" + row[0][len(DEFAULT_BASE) :]
        for row in rows
        if row[0] is not None and row[0].startswith(DEFAULT_BASE)
    )


def test_cached_answers_equal_fresh_ones(seed_store: ReleaseStore) -> None:
    paths = entity_paths(seed_store)
    assert len(paths) > 20
    requests: list[tuple[str, Mapping[str, str], str]] = [
        (path, {}, accept) for path in paths for accept in ("text/html", "text/turtle")
    ]
    requests += [("/sparql", {"query": q.text}, JSON) for q in list_queries()]
    requests += [("/", {}, "text/html"), ("/id/force/no-such-force", {}, "text/html")]

    def answers(app: Any) -> list[tuple[int, str, bytes]]:
        with TestClient(app) as client:
            out = []
            for path, params, accept in requests:
                response = client.get(path, params=params, headers={"Accept": accept})
                out.append((response.status_code, response.headers["content-type"], response.content))
            return out

    fresh = answers(create_app(seed_store, settings=Settings(cache_bytes=0)))
    cached_app = create_app(seed_store)
    first = answers(cached_app)
    again = answers(cached_app)
    assert fresh == first == again
    responses = cached_app.state.hmic.responses
    assert responses.hits >= len(requests) and len(responses) > 0


def test_a_store_changed_while_served_shows_the_change_at_once() -> None:
    releases = sorted(RELEASES.glob("*/*.txt"))
    with open_store() as scratch:
        added = store_release(scratch, releases[1], validate=False)
    added_path = "/id/" + added[len(DEFAULT_BASE) :]
    with open_store(kind="oxigraph") as store:
        store_release(store, releases[0], validate=False)
        app = create_app(store)
        responses = app.state.hmic.responses
        with TestClient(app) as client:

            def count() -> int:
                response = client.get("/sparql", params={"query": COUNT_RELEASES})
                return int(response.json()["results"]["bindings"][0]["n"]["value"])

            index = client.get("/").text
            assert count() == count() == 1
            assert client.get("/").text == index
            assert responses.hits == 2  # the repeated query and the index
            assert client.get(added_path).status_code == 404
            store_release(store, releases[1], validate=False)  # the generation moves on
            assert count() == 2
            assert client.get(added_path).status_code == 200
            assert client.get("/").text != index


def test_a_result_computed_across_a_change_is_not_kept() -> None:
    version = {"now": 1}
    cache: VersionedCache[str] = VersionedCache(lambda: version["now"], max_bytes=1000, max_entries=10)
    before = cache.version()
    version["now"] = 2  # the store changed while the answer was being computed
    cache.put("k", "old answer", size=10, version=before)
    assert cache.get("k") is None
    cache.put("k", "new answer", size=10, version=cache.version())
    assert cache.get("k") == "new answer"
    version["now"] = 3
    assert cache.get("k") is None and len(cache) == 0
    unseen: VersionedCache[str] = VersionedCache(lambda: NOT_CACHED, max_bytes=1000, max_entries=10)
    unseen.put("k", "v", size=1, version=unseen.version())
    assert unseen.get("k") is None and not unseen.enabled


def test_cache_bounds_hold() -> None:
    cache: VersionedCache[str] = VersionedCache(lambda: 1, max_bytes=100, max_entries=3)
    for key in "abcd":
        cache.put(key, key, size=10, version=1)
    assert len(cache) == 3 and cache.get("a") is None and cache.get("d") == "d"
    cache.put("big", "x", size=26, version=1)  # more than a quarter of the bytes: never kept
    assert cache.get("big") is None
    for key in "efghij":
        cache.put(key, key, size=20, version=1)
    assert cache._bytes <= 100


# --- batched lookups give what the single ones give ----------------------------------------


def test_batched_labels_equal_single_lookups(seed_store: ReleaseStore) -> None:
    from hmic_graph.rdf.ontology import ontology_graph

    backend = backend_for(seed_store)
    pages = EntityPages(backend, base=DEFAULT_BASE, vocabulary=ontology_graph())
    iris = [URIRef(DEFAULT_BASE + path[len("/id/") :]) for path in entity_paths(seed_store)]
    batched = pages.labels_of(iris)
    assert batched == {str(iri): pages.label(iri) for iri in iris}
    from hmic_graph.serve.pages import _LABEL_SOURCES

    many = backend.objects_of_many(iris, _LABEL_SOURCES)
    for iri in iris:
        one = backend.objects_of(iri, _LABEL_SOURCES)
        by_triples = {
            p: [o for _, _, o in backend.triples((iri, p, None))] for p in _LABEL_SOURCES
        }
        for p in _LABEL_SOURCES:
            assert sorted(many[iri][p], key=str) == sorted(one[p], key=str) == sorted(by_triples[p], key=str)


def test_incoming_links_are_those_the_triple_lookup_gives(seed_store: ReleaseStore) -> None:
    backend = backend_for(seed_store)
    counts = seed_store.query(
        "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?o)) } GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 3"
    ).rows
    for iri, n in counts:
        assert iri is not None and n is not None and int(n) > 3
        target = URIRef(iri)
        every = [(s, p) for s, p, _ in backend.triples((None, None, target))]
        assert sorted(backend.incoming(target, limit=10_000)) == sorted(every)
        # More links than the limit: exactly the ones the triple lookup reads first.
        first = [(s, p) for s, p, _ in backend.triples((None, None, target), limit=2)]
        assert backend.incoming(target, limit=2) == first


# --- identical concurrent queries share one run --------------------------------------------


class SlowPool:
    """Stands for the worker pool: counts runs; each takes a little while, so concurrent ones overlap."""

    def __init__(self) -> None:
        self.runs = 0
        self.lock = threading.Lock()

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
        with self.lock:
            self.runs += 1
        time.sleep(0.2)
        return {"form": "SELECT", "variables": ["s"], "rows": []}

    def close(self) -> None:
        pass


@pytest.mark.parametrize("shared", [True, False])
def test_identical_concurrent_queries_share_a_run_only_when_answers_may_be_shared(shared: bool) -> None:
    from hmic_graph.serve.runner import QueryRunner

    pool = SlowPool()
    runner = QueryRunner(
        pool,  # type: ignore[arg-type]
        base=DEFAULT_BASE,
        settings=Settings(),
        version=(lambda: ("generation", 1)) if shared else (lambda: NOT_CACHED),
    )

    async def burst() -> list[tuple[QueryForm, Outcome]]:
        return await asyncio.gather(*(runner.run("SELECT ?s WHERE { ?s ?p ?o }") for _ in range(8)))

    try:
        results = asyncio.run(burst())
    finally:
        runner.close()
    assert len(results) == 8 and all(isinstance(outcome, SelectOutcome) for _, outcome in results)
    assert pool.runs == (1 if shared else 8)
    assert not runner._running
