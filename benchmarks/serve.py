"""Benchmark of ``hmic-graph serve``: latency of entity pages and competency queries under load.

    python benchmarks/serve.py [-n 1000] [--requests 2000] [--concurrency 8] [--out FILE]
    python benchmarks/serve.py --quick          # 20 releases, 240 requests: correctness only
    python benchmarks/serve.py --keep DIR       # keep (and next time reuse) the store in DIR

Builds an on-disk store of N synthetic releases (``benchmarks/generate.py``,
loaded with :func:`hmic_graph.ingest.corpus.load_releases`, without SHACL: the
generated releases conform), starts ``hmic-graph serve`` on it as a
subprocess (``python -m hmic_graph serve``, extra options with
``--server-arg``) on a free port of 127.0.0.1, warms it up with 300
requests (quick: 40) drawn with another seed, then sends a fixed, seeded mix of requests from
``--concurrency`` client threads, each with its own keep-alive connection
(a minimal HTTP/1.1 client on a socket, cheaper than :mod:`http.client`; the
client is this process, the server another). The mix, 60/40:

* entity pages of forces, releases, people and quotes (a class drawn
  uniformly, then an IRI of it from the store), 70% as HTML, 30% as Turtle
  (``Accept`` header);
* the bundled competency queries through ``GET /sparql`` (SPARQL JSON),
  one drawn uniformly.

Every kind comes at least once. A request counts as an error unless it
answers 200 with the expected media type and a body. The Markdown table
gives, per kind of request, the count, the latency percentiles (from
sending the request to reading the last byte of the body; nearest rank),
the errors and the requests per second, plus the machine (CPU, cores, load
average at the start) and the CPU time the server and the client used.
The exit code is 1 when any request failed, else 0; timings never fail it.

Targets (issue: serve performance): p50 under 20 ms and p99 under 100 ms for
entity pages and for competency queries at 8 concurrent clients.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

HOST = "127.0.0.1"
STARTUP_SECONDS = 120.0
REQUEST_TIMEOUT = 120.0

FULL = {"releases": 1_000, "requests": 2_000, "warmup": 300}
QUICK = {"releases": 20, "requests": 240, "warmup": 40}

#: Target latencies (ms) for entity pages and for competency queries.
TARGET_P50_MS = 20.0
TARGET_P99_MS = 100.0

#: Entity classes whose pages are requested: (label, class IRI).
ENTITY_CLASSES: tuple[tuple[str, str], ...] = (
    ("force", "https://w3id.org/hmic-graph/ontology#PoliceForce"),
    ("release", "https://w3id.org/hmic-graph/ontology#PressRelease"),
    ("person", "https://schema.org/Person"),
    ("quote", "https://w3id.org/hmic-graph/ontology#Quote"),
)
#: Representations of entity pages: (label, Accept header, expected media type).
ENTITY_FORMATS: tuple[tuple[str, str, str], ...] = (
    ("html", "text/html", "text/html"),
    ("turtle", "text/turtle", "text/turtle"),
)
SPARQL_JSON = "application/sparql-results+json"
#: Share of the mix that is entity pages (the rest: competency queries).
PAGE_SHARE = 0.6
#: Of the entity pages, the share asked for as HTML (the rest: Turtle).
HTML_SHARE = 0.7


# --- the store -----------------------------------------------------------------


def build_store(workdir: Path, releases: int, seed: int) -> Path:
    """An on-disk store of ``releases`` synthetic releases in ``workdir``, reused if already built.

    Releases are loaded without SHACL validation (the generated releases
    conform, see ``tests/test_benchmarks.py``; the graphs are the same).
    """
    from generate import write_releases

    from hmic_graph.ingest.corpus import load_releases
    from hmic_graph.store import open_store

    store_dir = workdir / f"store-{releases}-seed{seed}"
    marker = workdir / f"store-{releases}-seed{seed}.json"
    if store_dir.is_dir() and marker.is_file():
        return store_dir
    shutil.rmtree(store_dir, ignore_errors=True)
    folder = workdir / f"releases-{releases}-seed{seed}"
    write_releases(folder, releases, seed=seed)
    started = time.perf_counter()
    with open_store(store_dir) as store:
        outcome = load_releases(store, [folder], validate=False)
        triples = len(store)
    if not outcome.ok:
        raise SystemExit(f"could not load the synthetic releases: {outcome.errors}")
    marker.write_text(
        json.dumps(
            {
                "releases": len(outcome.loaded),
                "triples": triples,
                "seconds": time.perf_counter() - started,
            }
        )
    )
    shutil.rmtree(folder)
    return store_dir


def store_facts(store_dir: Path) -> tuple[dict[str, list[str]], int]:
    """(class label -> the local ``/id/...`` paths of its instances, sorted; triples in the store)."""
    from hmic_graph.model.namespaces import DEFAULT_BASE
    from hmic_graph.store import open_store

    found: dict[str, list[str]] = {}
    with open_store(store_dir, create=False) as store:
        for label, cls in ENTITY_CLASSES:
            rows = store.query(f"SELECT DISTINCT ?s WHERE {{ ?s a <{cls}> }} ORDER BY ?s").rows
            found[label] = [
                "/id/" + row[0][len(DEFAULT_BASE) :]
                for row in rows
                if row[0] is not None and row[0].startswith(DEFAULT_BASE)
            ]
        triples = len(store)
    return found, triples


# --- the plan ------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request of the plan."""

    kind: str
    path: str
    accept: str
    expect: str
    group: str  # "page" or "query"


def plan(
    entities: dict[str, list[str]], queries: Sequence[tuple[str, str]], count: int, seed: int
) -> list[Request]:
    """``count`` requests drawn with ``seed``; every kind comes at least once (first, shuffled in)."""
    rng = random.Random(seed)
    page_kinds = [
        (label, fmt, accept, expect)
        for label, _ in ENTITY_CLASSES
        if entities.get(label)
        for fmt, accept, expect in ENTITY_FORMATS
    ]

    def page(label: str, fmt: str, accept: str, expect: str) -> Request:
        return Request(
            f"page {label} {fmt}", rng.choice(entities[label]), accept, expect, "page"
        )

    def query(name: str, text: str) -> Request:
        return Request(
            f"query {name}", "/sparql?" + urlencode({"query": text}), SPARQL_JSON, SPARQL_JSON, "query"
        )

    requests = [page(*kind) for kind in page_kinds] + [query(*named) for named in queries]
    labels = sorted({label for label, _, _, _ in page_kinds})
    while len(requests) < count:
        if labels and (not queries or rng.random() < PAGE_SHARE):
            label = rng.choice(labels)
            fmt, accept, expect = ENTITY_FORMATS[0 if rng.random() < HTML_SHARE else 1]
            requests.append(page(label, fmt, accept, expect))
        else:
            requests.append(query(*rng.choice(queries)))
    rng.shuffle(requests)
    return requests


# --- the server ----------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path


def start_server(
    store_dir: Path, log: Path, extra: Sequence[str] = (), code: Path | None = None
) -> Server:
    """``hmic-graph serve`` on a free port, once it answers.

    :param code: serve the package in this folder (a checkout of another
        commit, put first on the server's ``PYTHONPATH``) instead of this one.
    """
    port = free_port()
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(code), *filter(None, [env.get("PYTHONPATH")])]
        )
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "hmic_graph",
                "serve",
                "--store",
                str(store_dir),
                "--host",
                HOST,
                "--port",
                str(port),
                "--log-level",
                "warning",
                *extra,
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
        )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}"
            )
        connection = http.client.HTTPConnection(HOST, port, timeout=5)
        try:
            connection.request("GET", "/id/")
            if connection.getresponse().status == 303:
                return Server(process, port, log)
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    stop_server(process)
    raise SystemExit(f"the server did not answer within {STARTUP_SECONDS:.0f} s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its threads (Linux ``/proc``; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return math.nan
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


# --- the client ----------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    group: str
    ms: float
    error: str | None


class Connection:
    """A minimal keep-alive HTTP/1.1 client over one socket: GET, ``Content-Length`` or chunked.

    Much cheaper per request than :mod:`http.client` (which parses headers
    with :mod:`email`), so the load client takes little of the CPU the server
    shares with it.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = bytearray()

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = bytearray()

    def get(self, path: str, accept: str) -> tuple[int, dict[str, str], bytes]:
        """(status, headers with lower-case names, body) of ``GET path``."""
        if self.sock is None:
            self.sock = socket.create_connection((HOST, self.port), timeout=REQUEST_TIMEOUT)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\nAccept: {accept}\r\n\r\n".encode(
                "ascii"
            )
        )
        end = self._fill_until(b"\r\n\r\n")
        head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
        del self.buffer[: end + 4]
        status = int(head[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                end = self._fill_until(b"\r\n")
                size = int(bytes(self.buffer[:end]).split(b";")[0], 16)
                del self.buffer[: end + 2]
                self._fill(size + 2)
                parts.append(bytes(self.buffer[:size]))
                del self.buffer[: size + 2]
                if size == 0:
                    break
            body = b"".join(parts)
        else:
            length = int(headers.get("content-length", "0"))
            body = self._read_exactly(length)
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def _read_exactly(self, size: int) -> bytes:
        """The next ``size`` bytes: what is buffered, then straight from the socket."""
        assert self.sock is not None
        if len(self.buffer) >= size:
            data = bytes(self.buffer[:size])
            del self.buffer[:size]
            return data
        out = bytearray(size)
        view = memoryview(out)
        got = len(self.buffer)
        view[:got] = self.buffer
        self.buffer = bytearray()
        while got < size:
            read = self.sock.recv_into(view[got:])
            if not read:
                raise ConnectionError("the server closed the connection")
            got += read
        return bytes(out)

    def _recv(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _fill(self, size: int) -> None:
        while len(self.buffer) < size:
            self._recv()

    def _fill_until(self, marker: bytes) -> int:
        while (found := self.buffer.find(marker)) < 0:
            self._recv()
        return found


def drive(port: int, requests: Sequence[Request], concurrency: int) -> tuple[list[Outcome], float]:
    """Send ``requests`` from ``concurrency`` threads (one keep-alive connection each), in plan order.

    :returns: the outcomes and the wall-clock seconds of the whole run.
    """
    lock = threading.Lock()
    position = 0
    outcomes: list[Outcome] = []

    def worker() -> None:
        nonlocal position
        connection = Connection(port)
        done: list[Outcome] = []
        try:
            while True:
                with lock:
                    if position >= len(requests):
                        break
                    request = requests[position]
                    position += 1
                error: str | None = None
                started = time.perf_counter()
                try:
                    status, headers, body = connection.get(request.path, request.accept)
                    elapsed = time.perf_counter() - started
                    media = headers.get("content-type", "").split(";")[0].strip()
                    if status != 200:
                        error = f"HTTP {status}: {body[:200]!r}"
                    elif media != request.expect:
                        error = f"media type {media!r}, expected {request.expect!r}"
                    elif not body:
                        error = "empty body"
                except (OSError, ValueError, IndexError) as exc:
                    elapsed = time.perf_counter() - started
                    error = f"{type(exc).__name__}: {exc}"
                    connection.close()
                done.append(Outcome(request.kind, request.group, elapsed * 1000, error))
        finally:
            connection.close()
            with lock:
                outcomes.extend(done)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - started


# --- the table -----------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` 0-1) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Report:
    machine: dict[str, str]
    settings: dict[str, Any]
    outcomes: list[Outcome]
    seconds: float
    server_cpu: float
    client_cpu: float
    errors: dict[str, list[str]] = field(default_factory=dict)


def _row(label: str, part: Sequence[Outcome], seconds: float, target: bool = False) -> str:
    if not part:
        return f"| {label} | 0 | | | | | 0 | 0.0 | |"
    times = [o.ms for o in part]
    errors = sum(1 for o in part if o.error is not None)
    p50, p95, p99 = (percentile(times, f) for f in (0.50, 0.95, 0.99))
    cells = (
        f"| {label} | {len(part):,} | {p50:,.1f} | {p95:,.1f} | {p99:,.1f} | {max(times):,.1f} "
        f"| {errors} | {len(part) / seconds:,.1f} |"
    )
    if target:
        met = p50 < TARGET_P50_MS and p99 < TARGET_P99_MS
        cells += f" {'met' if met else 'not met'} |"
    else:
        cells += " |"
    return cells


def table(report: Report) -> str:
    """The Markdown report."""
    settings = report.settings
    outcomes = report.outcomes
    seconds = report.seconds
    command = "python benchmarks/serve.py" + (" --quick" if settings["quick"] else "")
    lines = [
        "# hmic-graph serve benchmark",
        "",
        f"`{command}`: {settings['releases']:,} releases ({settings['triples']:,} triples) "
        f"in an on-disk store, `hmic-graph serve` {' '.join(settings['server_args'])}".rstrip()
        + (f" (the code in {settings['server_code']})" if settings.get("server_code") else "")
        + f"; {len(outcomes):,} requests after {settings['warmup']:,} warm-up requests, "
        f"{settings['concurrency']} concurrent keep-alive clients (threads of one process), "
        f"seed {settings['seed']}.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in report.machine.items()),
        "",
        f"Latency from sending a request to reading its last byte, in ms. Target for entity "
        f"pages and for competency queries: p50 < {TARGET_P50_MS:g} ms and p99 < "
        f"{TARGET_P99_MS:g} ms.",
        "",
        "| requests | count | p50 | p95 | p99 | max | errors | requests/s | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        _row("**all**", outcomes, seconds),
        _row("**entity pages**", [o for o in outcomes if o.group == "page"], seconds, True),
        _row("**competency queries**", [o for o in outcomes if o.group == "query"], seconds, True),
    ]
    for kind in sorted({o.kind for o in outcomes}):
        lines.append(_row(kind, [o for o in outcomes if o.kind == kind], seconds))
    per_request = report.server_cpu / max(len(outcomes), 1) * 1000
    lines += [
        "",
        f"{len(outcomes) / seconds:,.1f} requests/s over {seconds:,.2f} s; the server used "
        f"{report.server_cpu:,.2f} CPU s ({per_request:,.2f} ms per request), the client "
        f"{report.client_cpu:,.2f} CPU s.",
        "",
    ]
    if report.errors:
        lines += ["## Errors (first of each kind)", ""]
        lines += [f"- {kind}: {messages[0]}" for kind, messages in sorted(report.errors.items())]
        lines.append("")
    return "\n".join(lines)


# --- running -------------------------------------------------------------------


def run(
    *,
    releases: int,
    requests: int,
    warmup: int,
    concurrency: int,
    seed: int,
    workdir: Path,
    quick: bool,
    server_args: Sequence[str] = (),
    server_code: Path | None = None,
) -> Report:
    """Build the store, start the server, warm it up, measure; the server is stopped after."""
    from run import machine

    from hmic_graph.sparql.query import list_queries

    info = machine()  # load average before anything of ours runs
    store_dir = build_store(workdir, releases, seed)
    entities, triples = store_facts(store_dir)
    queries = [(named.name, named.text) for named in list_queries()]
    measured = plan(entities, queries, requests, seed)
    warm = plan(entities, queries, warmup, seed + 1_000_003)
    server = start_server(store_dir, workdir / "server.log", server_args, server_code)
    try:
        drive(server.port, warm, concurrency)
        cpu_before = process_cpu_seconds(server.process.pid)
        client_before = resource.getrusage(resource.RUSAGE_SELF)
        outcomes, seconds = drive(server.port, measured, concurrency)
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = process_cpu_seconds(server.process.pid) - cpu_before
        if server.process.poll() is not None:
            raise SystemExit(
                f"the server died under load:\n{server.log.read_text(errors='replace')[-3000:]}"
            )
    finally:
        stop_server(server.process)
    client_cpu = (client_after.ru_utime - client_before.ru_utime) + (
        client_after.ru_stime - client_before.ru_stime
    )
    errors: dict[str, list[str]] = {}
    for outcome in outcomes:
        if outcome.error is not None:
            errors.setdefault(outcome.kind, []).append(outcome.error)
    settings = {
        "releases": releases,
        "triples": triples,
        "warmup": len(warm),
        "concurrency": concurrency,
        "seed": seed,
        "quick": quick,
        "server_args": list(server_args),
        "server_code": str(server_code) if server_code is not None else None,
    }
    return Report(info, settings, outcomes, seconds, server_cpu, client_cpu, errors)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; 0 when every request succeeded, 1 otherwise (never for timings)."""
    parser = argparse.ArgumentParser(description="benchmark of hmic-graph serve")
    parser.add_argument("--quick", action="store_true", help="a small store and few requests")
    parser.add_argument("-n", "--releases", type=int, help="synthetic releases in the store")
    parser.add_argument("--requests", type=int, help="requests measured")
    parser.add_argument("--warmup", type=int, help="requests sent before measuring")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seed", type=int, default=1, help="seed of the releases and the mix")
    parser.add_argument("--out", type=Path, help="write the Markdown table here")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (the store is reused)"
    )
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for `hmic-graph serve` (repeatable)",
    )
    parser.add_argument(
        "--server-code",
        type=Path,
        metavar="DIR",
        help="serve the hmic_graph package in DIR (e.g. a git worktree of another commit), "
        "to compare code before and after on one store",
    )
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    defaults = QUICK if args.quick else FULL
    options = {
        "releases": args.releases or defaults["releases"],
        "requests": args.requests or defaults["requests"],
        "warmup": defaults["warmup"] if args.warmup is None else args.warmup,
        "concurrency": args.concurrency,
        "seed": args.seed,
        "quick": args.quick,
        "server_args": args.server_arg,
        "server_code": args.server_code,
    }
    with contextlib.ExitStack() as stack:
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            workdir = args.keep
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hmic-serve-")))
        report = run(workdir=workdir, **options)
    text = table(report)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
