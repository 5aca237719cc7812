"""Shared fixtures, built once per session: the bundled example release and its graph, the
test corpus's graphs ready to store, and ``hmic-graph serve`` running over that corpus."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from hmic_graph.extract.sources import source_from_text
from hmic_graph.ingest.releases import load_release, load_source, release_name
from hmic_graph.model.errors import NotARelease
from hmic_graph.model.resources import example_releases
from hmic_graph.store import encode_graph, open_store

CORPUS = Path(__file__).resolve().parent / "releases"


@pytest.fixture(scope="session")
def seed_name_and_text() -> tuple[str, str]:
    name, text = example_releases()[0]
    return name, text


@pytest.fixture(scope="session")
def seed_text(seed_name_and_text: tuple[str, str]) -> str:
    return seed_name_and_text[1]


@pytest.fixture(scope="session")
def seed_graph(seed_name_and_text: tuple[str, str]) -> Graph:
    name, text = seed_name_and_text
    return load_source(source_from_text(text, path=name))


@pytest.fixture(scope="session")
def corpus_batch() -> list[tuple[str, bytes]]:
    """Every release of ``tests/releases`` as ``(graph name, encoded graph)``, without SHACL,
    for ``ReleaseStore.add_encoded``: extraction is most of a store's making, so the modules
    that serve the corpus share it. The recipe the corpus holds on purpose is left out."""
    batch = []
    for path in sorted(CORPUS.glob("*/*.txt")):
        try:
            graph = load_release(path)
        except NotARelease:
            continue
        name = release_name(graph)
        batch.append((name, encode_graph(name, graph)))
    return batch


@dataclass(frozen=True)
class LiveServer:
    """``hmic-graph serve`` running in a subprocess: its base URL, port, process and log."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path


#: Where the real server listens: this machine only.
LIVE_HOST = "127.0.0.1"
_LIVE_STARTUP_SECONDS = 60


@pytest.fixture(scope="session")
def corpus_server(
    tmp_path_factory: pytest.TempPathFactory, corpus_batch: list[tuple[str, bytes]]
) -> Iterator[LiveServer]:
    """``hmic-graph serve`` over an on-disk store of the corpus, on a free loopback port.

    One server for the session: the modules that test the real server (the
    load test, the browser tests) only read from it. Stopped, and checked to
    have stopped, at the end.
    """
    httpx = pytest.importorskip("httpx", reason="the tests need httpx")
    pytest.importorskip("uvicorn", reason="the serve extra (starlette, uvicorn, jinja2) is not installed")
    pytest.importorskip("pyoxigraph", reason="the Oxigraph store needs pyoxigraph")
    folder = tmp_path_factory.mktemp("live")
    store = folder / "store"
    with open_store(store) as made:
        made.add_encoded(corpus_batch, atomic=False)
    port = free_loopback_port()
    log = folder / "serve.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "hmic_graph", "serve", "--store", str(store),
             "--host", LIVE_HOST, "--port", str(port), "--log-level", "warning"],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    url = f"http://{LIVE_HOST}:{port}"
    try:
        deadline = time.monotonic() + _LIVE_STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server was not ready within {_LIVE_STARTUP_SECONDS} s:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield LiveServer(url, port, process, log)
    finally:
        stop_process(process)
    assert process.returncode is not None


def free_loopback_port() -> int:
    """A TCP port free on 127.0.0.1 now (for a server a test starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LIVE_HOST, 0))
        return int(probe.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes], *, timeout: float = 15) -> None:
    """Stop a process a test started: SIGTERM, then SIGKILL after ``timeout`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
