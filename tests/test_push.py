"""Pushing release graphs to a real Oxigraph server (loopback), and HTTP failures."""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import free_loopback_port, stop_process
from rdflib import Graph, Literal, URIRef

from hmic_graph.cli import main as cli
from hmic_graph.ingest.push import PushReport, push, update_request
from hmic_graph.ingest.releases import store_release
from hmic_graph.model.errors import HmicGraphError
from hmic_graph.store import ReleaseStore, open_store

DEV = Path(__file__).parent / "releases" / "dev"
RELEASES = [DEV / "002_norfolk-suffolk-effectiveness.txt", DEV / "005_kent-crime-data.txt"]
TRICKY = [
    'x\\u0022 } } ; DROP ALL ; INSERT DATA { <a:b> <a:c> "d" }',
    "line\u2028separator\u0085and\x0cfeed",
    '"quoted" \\ back\\slash é 😀 """',
]


def oxigraph_executable() -> str | None:
    found = shutil.which("oxigraph")
    if found:
        return found
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.is_file() else None


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib would send loopback requests through a configured proxy.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server on a free loopback port; its base URL."""
    executable = oxigraph_executable()
    if executable is None:
        pytest.skip("the `oxigraph` server executable is not installed (pip install oxigraph)")
    port = free_loopback_port()
    location = tmp_path_factory.mktemp("oxigraph-server")
    process = subprocess.Popen(
        [executable, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                assert process.stderr is not None
                pytest.fail(f"oxigraph serve exited: {process.stderr.read().decode()[-500:]}")
            try:
                ask = urllib.parse.quote("ASK { }")
                with urllib.request.urlopen(f"{base}/query?query={ask}", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("oxigraph serve did not answer within 30 s")
                time.sleep(0.1)
        yield base
    finally:
        stop_process(process, timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def sparql(base: str, text: str) -> list[dict[str, str]]:
    request = urllib.request.Request(
        f"{base}/query",
        data=text.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.load(response)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def server_sizes(base: str) -> dict[str, int]:
    rows = sparql(base, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"]: int(row["n"]) for row in rows}


def clear(base: str) -> None:
    request = urllib.request.Request(
        f"{base}/update",
        data=b"CLEAR ALL",
        headers={"Content-Type": "application/sparql-update"},
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


@pytest.fixture(scope="module")
def store() -> Iterator[ReleaseStore]:
    with open_store(kind="memory") as opened:
        for path in RELEASES:
            store_release(opened, path)
        yield opened


@pytest.mark.parametrize(
    ("protocol", "path", "media"),
    [
        ("gsp", "/store", "application/n-triples"),
        ("gsp", "/store", "text/turtle"),
        ("update", "/update", "application/n-triples"),
    ],
)
def test_push_replaces_each_graph_and_is_idempotent(
    server: str, store: ReleaseStore, protocol: str, path: str, media: str
) -> None:
    clear(server)
    expected = {name: len(store.graph(name)) for name in store.releases()}
    report = push(store, server + path, protocol=protocol, content_type=media)  # type: ignore[arg-type]
    assert isinstance(report, PushReport)
    assert [g.name for g in report.graphs] == sorted(expected)
    assert report.triples == sum(expected.values())
    assert all(g.status in (200, 201, 204) for g in report.graphs)
    assert server_sizes(server) == expected
    push(store, server + path, protocol=protocol)  # type: ignore[arg-type]
    assert server_sizes(server) == expected  # no duplicates
    # the server holds the very triples, not only as many
    first = sorted(expected)[0]
    rows = sparql(
        server,
        f"SELECT ?h WHERE {{ GRAPH <{first}> {{ <{first}> <https://schema.org/headline> ?h }} }}",
    )
    assert [row["h"] for row in rows] == [
        str(o)
        for o in store.graph(first).objects(URIRef(first), URIRef("https://schema.org/headline"))
    ]


def test_push_replaces_a_changed_graph_and_leaves_others(server: str) -> None:
    clear(server)
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    one, two = Graph(), Graph()
    for i in range(5):
        one.add((s, p, Literal(i)))
    two.add((s, p, Literal("two")))
    graphs = {"https://example.org/g1": one, "https://example.org/g2": two}
    push(graphs, server + "/store")
    smaller = Graph()
    smaller.add((s, p, Literal("only")))
    push({"https://example.org/g1": smaller}, server + "/store")
    assert server_sizes(server) == {"https://example.org/g1": 1, "https://example.org/g2": 1}
    push({"https://example.org/g1": one}, server + "/update", protocol="update")
    assert server_sizes(server) == {"https://example.org/g1": 5, "https://example.org/g2": 1}


@pytest.mark.parametrize(("protocol", "path"), [("gsp", "/store"), ("update", "/update")])
def test_tricky_literals_arrive_exactly(server: str, protocol: str, path: str) -> None:
    clear(server)
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    graph = Graph()
    for text in TRICKY:
        graph.add((s, p, Literal(text)))
    push({"https://example.org/tricky": graph}, server + path, protocol=protocol)  # type: ignore[arg-type]
    rows = sparql(server, "SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert sorted(row["o"] for row in rows) == sorted(TRICKY)
    assert server_sizes(server) == {"https://example.org/tricky": len(TRICKY)}


def test_http_errors_carry_status_and_message(server: str, store: ReleaseStore) -> None:
    with pytest.raises(HmicGraphError, match=r"answered HTTP 404") as caught:
        push(store, server + "/no-such-endpoint")
    assert "is the endpoint URL right?" in str(caught.value)
    with pytest.raises(HmicGraphError, match=r"answered HTTP 4\d\d .*upload of <https://w3id"):
        push(store, server + "/query", protocol="update")


def test_closed_port_is_a_clear_error(store: ReleaseStore) -> None:
    endpoint = f"http://127.0.0.1:{free_loopback_port()}/store"
    with pytest.raises(HmicGraphError, match=r"cannot connect to .*connection refused") as caught:
        push(store, endpoint)
    assert endpoint in str(caught.value)


def test_silent_server_times_out(store: ReleaseStore) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts connections in the kernel, never answers
        endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}/store"
        started = time.monotonic()
        with pytest.raises(HmicGraphError, match=r"did not answer within 0\.5 s"):
            push(store, endpoint, timeout=0.5)
        assert time.monotonic() - started < 10


def test_basic_authentication() -> None:
    received: list[tuple[str, str]] = []
    expected = "Basic " + base64.b64encode(b"alice:secret").decode()

    class Handler(BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="triples"')
                self.send_header("Content-Length", "13")
                self.end_headers()
                self.wfile.write(b"who are you?\n")
                return
            received.append((self.path, body.decode()))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        endpoint = f"http://127.0.0.1:{httpd.server_address[1]}/rdf-graphs/service"
        graph = Graph()
        graph.add((URIRef("https://example.org/s"), URIRef("https://example.org/p"), Literal("o")))
        with pytest.raises(HmicGraphError, match=r"HTTP 401.*credentials.*who are you"):
            push({"https://example.org/g": graph}, endpoint)
        report = push({"https://example.org/g": graph}, endpoint, auth=("alice", "secret"))
        assert [g.status for g in report.graphs] == [204]
        assert received == [
            (
                "/rdf-graphs/service?graph=https%3A%2F%2Fexample.org%2Fg",
                '<https://example.org/s> <https://example.org/p> "o" .\n',
            )
        ]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_bad_arguments(store: ReleaseStore) -> None:
    with pytest.raises(HmicGraphError, match="http:// or https:// URL"):
        push(store, "localhost:7878/store")
    with pytest.raises(HmicGraphError, match="unknown protocol 'ftp'"):
        push(store, "http://127.0.0.1:1/store", protocol="ftp")  # type: ignore[arg-type]
    with pytest.raises(HmicGraphError, match=r"has no release <https://example\.org/x>"):
        push(store, "http://127.0.0.1:1/store", releases=["https://example.org/x"])
    with pytest.raises(HmicGraphError, match="absolute IRI"):
        update_request("https://example.org/g> } ; DROP ALL ; #", "")


def test_cli_push(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("hmic_graph.cli.store",))
    clear(server)
    db = tmp_path / "db"
    assert cli.main(["load", str(RELEASES[0]), "--store", str(db)]) == 0
    assert cli.main(["push", "--store", str(db), "--endpoint", server + "/store"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("pushed 1 graph (")
    with open_store(db) as opened:
        assert server_sizes(server) == {name: len(opened.graph(name)) for name in opened.releases()}
    endpoint = f"http://127.0.0.1:{free_loopback_port()}/store"
    assert cli.main(["push", "--store", str(db), "--endpoint", endpoint]) == 2
    assert "connection refused" in capsys.readouterr().err
