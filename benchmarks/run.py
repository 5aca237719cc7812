"""hmic-graph benchmarks: one command, one Markdown table.

    python benchmarks/run.py [--quick] [--out benchmarks/results.md]

Measures, on this machine, each against a baseline measured in the same run:

(a) ``hmic-graph build`` on the bundled seed, the whole process, against
    ``python -c "import rdflib, pyshacl"`` (median of several runs);
(b) loading N synthetic releases (``benchmarks/generate.py``) into an
    on-disk store with :func:`hmic_graph.ingest.corpus.load_releases` (extraction,
    graph, validation, storing), in releases per second and peak RSS,
    against a naive sequential pipeline (an rdflib graph per release, pySHACL
    per release, merged into one rdflib graph);
(c) the 11 competency queries on the largest store through
    ``ReleaseStore.query``, against the same query text on raw pyoxigraph and,
    on the 1,000-release corpus, rdflib's engine over the merged graph;
(d) ``hmic-graph serve`` under 8 concurrent clients (``benchmarks/serve.py``:
    entity pages and competency queries, p50/p95/p99; ``--no-serve`` skips it);
(e)-(g) and the summary table of issue 15's targets: ``benchmarks/scale.py``
    (CPU per stage, 1 worker and the Dask runner, first pages).

Every measurement runs in a fresh subprocess, so peak memory is per
measurement. Python bytecode is cached under a temporary
``PYTHONPYCACHEPREFIX`` and warmed first, as an installed wheel has it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

FULL_SIZES = (100, 1_000, 10_000)
QUICK_SIZES = (20, 100)
NAIVE_LIMIT = 1_000  # the naive pipeline is not run beyond this many releases
RDFLIB_QUERY_SIZE = 1_000  # rdflib's engine is measured on this corpus size
QUERY_TIMEOUT = 300.0  # seconds for one query's measurement (all engines, all repetitions)


# --- machine -------------------------------------------------------------------


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, Python and library versions."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    versions = {}
    for package in ("hmic-graph", "rdflib", "pyshacl", "pyoxigraph"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        **versions,
        "load average at start": f"{load:.2f}",
    }


# --- subprocess helpers ----------------------------------------------------------


def bench_env(cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    return env


def timed_run(command: Sequence[str], env: dict[str, str], cwd: Path) -> float:
    """Wall-clock seconds of ``command``."""
    return cpu_and_wall(command, env, cwd)[1]


def cpu_and_wall(command: Sequence[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(CPU seconds, user + system, and wall-clock seconds) of ``command``.

    CPU time hardly changes when other processes load the machine; wall time does.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def measure_child(
    args: Sequence[str],
    env: dict[str, str],
    *,
    cache: Path | None = None,
    timeout: float | None = None,
) -> dict[str, Any] | None:
    """Run ``run.py _measure ARGS`` in a fresh process and return its JSON report.

    With ``cache``, a report saved there by an earlier run is reused (so an
    interrupted ``--keep`` run resumes), and a new one is saved. ``None``
    when the measurement ran longer than ``timeout`` seconds (it is killed).
    """
    if cache is not None and cache.is_file():
        cached: dict[str, Any] = json.loads(cache.read_text())
        return cached
    try:
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "_measure", *args],
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(result))
    return result


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            for task in tasks:
                for child in (task / "children").read_text().split():
                    found.append(int(child))
                    queue.append(int(child))
        except OSError:
            continue
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler:
    """Samples the summed RSS of this process's descendants (workers) every ``interval`` s.

    Workers started through a fork server are not this process's children,
    so ``RUSAGE_CHILDREN`` does not see them; ``/proc`` does.
    """

    def __init__(self, interval: float = 0.1) -> None:
        import threading

        self.interval = interval
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = sum(_rss_kb(pid) for pid in _descendants(me))
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _peak_mb(sampler: TreeSampler | None = None) -> tuple[float, float]:
    """(this process's peak RSS, the sampled peak of its workers' summed RSS) in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if sampler is not None:
        children = max(children, sampler.peak_kb / 1024)
    return own, children


# --- (a) one release -------------------------------------------------------------


def bench_single(env: dict[str, str], reps: int, workdir: Path) -> dict[str, Any]:
    cli = Path(sys.executable).with_name("hmic-graph")
    build = (
        [str(cli), "build", "-o", str(workdir / "seed.ttl")]
        if cli.exists()
        else [sys.executable, "-m", "hmic_graph", "build", "-o", str(workdir / "seed.ttl")]
    )
    baseline = [sys.executable, "-c", "import rdflib, pyshacl"]
    commands = {"baseline": baseline, "build": build}
    for command in commands.values():  # warm the bytecode cache and the disk cache
        timed_run(command, env, workdir)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(reps):  # interleaved, so load on the machine hits all alike
        for name, command in commands.items():
            runs[name].append(cpu_and_wall(command, env, workdir))
    wall = {name: statistics.median(w for _, w in values) for name, values in runs.items()}
    cpu = {name: statistics.median(c for c, _ in values) for name, values in runs.items()}
    return {
        "build": wall["build"],
        "baseline": wall["baseline"],
        "ratio": wall["build"] / wall["baseline"],
        "build_cpu": cpu["build"],
        "baseline_cpu": cpu["baseline"],
        "cpu_ratio": cpu["build"] / cpu["baseline"],
        "reps": reps,
    }


# --- (b) corpus ------------------------------------------------------------------


def _measure_corpus(folder: Path, store_dir: Path, workers: int) -> dict[str, Any]:
    from hmic_graph.ingest.corpus import load_releases
    from hmic_graph.store import open_store

    start = time.perf_counter()
    with TreeSampler() as sampler, open_store(store_dir) as store:
        outcome = load_releases(store, [folder], workers=workers)
        triples = len(store)
    seconds = time.perf_counter() - start
    own, children = _peak_mb(sampler)
    return {
        "seconds": seconds,
        "releases": len(outcome.loaded),
        "failed": len(outcome.invalid) + len(outcome.errors),
        "triples": triples,
        "rss_parent_mb": own,
        "rss_worker_mb": children,
    }


def _measure_naive(folder: Path) -> dict[str, Any]:
    import pyshacl
    from rdflib import Graph

    from hmic_graph.ingest.releases import load_release
    from hmic_graph.rdf.ontology import shapes_graph

    start = time.perf_counter()
    shapes = shapes_graph()
    merged = Graph()
    loaded = failed = 0
    for path in sorted(folder.glob("*.txt")):
        graph = load_release(path)
        conforms, _report, _text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
        if conforms:
            merged += graph
            loaded += 1
        else:
            failed += 1
    seconds = time.perf_counter() - start
    own, children = _peak_mb()
    return {
        "seconds": seconds,
        "releases": loaded,
        "failed": failed,
        "triples": len(merged),
        "rss_parent_mb": own,
        "rss_worker_mb": children,
    }


@dataclass
class CorpusRow:
    size: int
    fast: dict[str, Any]
    naive: dict[str, Any] | None = None


def bench_corpus(
    env: dict[str, str], sizes: Sequence[int], workdir: Path, workers: int
) -> tuple[list[CorpusRow], dict[int, Path]]:
    from generate import write_releases

    rows, stores = [], {}
    for size in sizes:
        folder = workdir / f"releases-{size}"
        write_releases(folder, size, seed=size)
        store_dir = workdir / f"store-{size}"
        saved = workdir / "measurements" / f"corpus-{size}.json"
        if not saved.is_file():
            shutil.rmtree(store_dir, ignore_errors=True)  # measure a load into a new store
        fast = measure_child(
            ["corpus", str(folder), str(store_dir), str(workers)], env, cache=saved
        )
        assert fast is not None
        naive = (
            measure_child(
                ["naive", str(folder)], env, cache=workdir / "measurements" / f"naive-{size}.json"
            )
            if size <= NAIVE_LIMIT
            else None
        )
        rows.append(CorpusRow(size, fast, naive))
        stores[size] = store_dir
        shutil.rmtree(folder)
    return rows, stores


# --- (c) queries -----------------------------------------------------------------


def _measure_queries(
    store_dir: Path, reps: int, with_rdflib: bool, only: str | None = None
) -> dict[str, Any]:
    from scale import median_ms

    from hmic_graph.model.namespaces import sparql_prefixes
    from hmic_graph.sparql.oxigraph import run as run_on_oxigraph
    from hmic_graph.sparql.query import list_queries
    from hmic_graph.sparql.query import query as rdflib_query
    from hmic_graph.store import open_store

    results: dict[str, Any] = {}
    with open_store(store_dir, create=False) as store:
        db = store.oxigraph  # type: ignore[attr-defined]
        prefixes = sparql_prefixes()
        merged = store.merged() if with_rdflib else None
        for named in list_queries():
            if only is not None and named.name != only:
                continue
            text = named.text

            def raw(text: str = text) -> int:
                solutions = db.query(text, prefixes=prefixes)
                width = range(len(solutions.variables))
                return sum(1 for s in solutions for _ in [[s[i] for i in width]])

            def ours(name: str = named.name) -> int:
                return len(store.query(name).rows)

            def evaluated(name: str = named.name) -> int:
                return len(run_on_oxigraph(db, name).rows)  # no kept answer read

            row = {
                "rows": len(store.query(named.name).rows),  # evaluates and keeps the answer
                "store_ms": median_ms(ours, reps),
                "evaluated_ms": median_ms(evaluated, reps),
                "raw_ms": median_ms(raw, reps),
            }
            if merged is not None:

                def engine(name: str = named.name, graph: Any = merged) -> int:
                    return len(rdflib_query(graph, name).rows)

                row["rdflib_ms"] = median_ms(engine, max(1, min(reps, 3)))
            results[named.name] = row
    return results


# --- the table -------------------------------------------------------------------


@dataclass
class Results:
    machine: dict[str, str]
    single: dict[str, Any]
    corpus: list[CorpusRow]
    workers: int
    queries: dict[int, dict[str, Any]] = field(default_factory=dict)
    seconds: float = 0.0
    quick: bool = False
    serve: str | None = None  # the table of benchmarks/serve.py, without its title
    scale: dict[str, Any] | None = None  # benchmarks/scale.py: stages, workers, Dask, pages


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def table(results: Results) -> str:
    """The Markdown report."""
    lines = ["# hmic-graph benchmarks", ""]
    mode = "quick" if results.quick else "full"
    lines += [
        f"`python benchmarks/run.py{' --quick' if results.quick else ''}` ({mode} run, "
        f"{_fmt(results.seconds / 60)} min, {results.workers} worker processes).",
        "",
        "| machine | |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in results.machine.items()]
    if results.scale is not None:
        lines += ["", _summary(results)]
    single = results.single
    lines += [
        "",
        "## (a) One release: `hmic-graph build -o seed.ttl`, whole process",
        "",
        f"Median of {single['reps']} runs each, interleaved.",
        "",
        "| command | wall s | ratio | CPU s (user + sys) | CPU ratio | target |",
        "|---|---:|---:|---:|---:|---:|",
        f'| `python -c "import rdflib, pyshacl"` (baseline) | {single["baseline"]:.3f} | 1.00 | '
        f"{single['baseline_cpu']:.3f} | 1.00 | |",
        f"| `hmic-graph build -o seed.ttl` | {single['build']:.3f} | **{single['ratio']:.2f}** | "
        f"{single['build_cpu']:.3f} | **{single['cpu_ratio']:.2f}** | <= 1.3 |",
        "",
        "## (b) Corpus: extract, build, validate, store",
        "",
        "Fast: `hmic_graph.ingest.corpus.load_releases` into an on-disk Oxigraph store. "
        "Naive: one process, an rdflib graph and a pySHACL run per release (shapes "
        "parsed once), merged into one rdflib graph. Peak RSS: the measuring process's "
        "own peak + the peak of its workers' summed RSS (sampled every 0.1 s from /proc).",
        "",
        "| releases | triples | fast rel/s | naive rel/s | speed-up | fast peak RSS MiB "
        "(parent + workers) | naive peak RSS MiB |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results.corpus:
        fast, naive = row.fast, row.naive
        fast_rate = fast["releases"] / fast["seconds"]
        fast_rss = f"{_fmt(fast['rss_parent_mb'], 0)} + {_fmt(fast['rss_worker_mb'], 0)}"
        if naive is not None:
            naive_rate = naive["releases"] / naive["seconds"]
            ratio = f"**{fast_rate / naive_rate:.2f}x**"
            naive_cells = f"{_fmt(naive_rate)} | {ratio}"
            naive_rss = _fmt(naive["rss_parent_mb"], 0)
        else:
            naive_cells, naive_rss = "not run | ", "not run"
        failed = f" ({fast['failed']} failed)" if fast["failed"] else ""
        lines.append(
            f"| {row.size:,}{failed} | {fast['triples']:,} | {_fmt(fast_rate)} | {naive_cells} | "
            f"{fast_rss} | {naive_rss} |"
        )
    if len(results.corpus) >= 2:
        small, large = results.corpus[-2], results.corpus[-1]
        growth = (large.fast["rss_parent_mb"] + large.fast["rss_worker_mb"]) / (
            small.fast["rss_parent_mb"] + small.fast["rss_worker_mb"]
        )
        lines += [
            "",
            f"Peak RSS at {large.size:,} releases is **{growth:.2f}x** that at {small.size:,} "
            "(target: <= 2x).",
        ]
    for size, queries in sorted(results.queries.items()):
        has_rdflib = any(row is not None and "rdflib_ms" in row for row in queries.values())
        lines += [
            "",
            f"## (c) Competency queries on the {size:,}-release store (median ms)",
            "",
            "`ReleaseStore.query(name)` (rows as Python tuples; read from the question's "
            "kept answer, `hmic_graph.sparql.answers`), the same question evaluated "
            "without a kept answer (its Oxigraph form, ORDER BY in Python), and the "
            "packaged text on raw pyoxigraph (solutions iterated, terms read)"
            + (", and rdflib's engine over the merged graph." if has_rdflib else "."),
            "",
            "| query | rows | store ms | evaluated ms | raw pyoxigraph ms | store / raw "
            "| evaluated / raw |" + (" rdflib ms | rdflib / store |" if has_rdflib else ""),
            "|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if has_rdflib else ""),
        ]
        for name, row in queries.items():
            if row is None:
                lines.append(
                    f"| {name} | | > {QUERY_TIMEOUT:.0f} s for all runs (stopped) | | | | |"
                    + (" | |" if has_rdflib else "")
                )
                continue
            cells = (
                f"| {name} | {row['rows']:,} | {_fmt(row['store_ms'])} | "
                f"{_fmt(row['evaluated_ms'])} | {_fmt(row['raw_ms'])} | "
                f"**{row['store_ms'] / max(row['raw_ms'], 1e-6):.2f}** | "
                f"{row['evaluated_ms'] / max(row['raw_ms'], 1e-6):.2f} |"
            )
            if has_rdflib:
                cells += f" {_fmt(row['rdflib_ms'])} | {row['rdflib_ms'] / max(row['store_ms'], 1e-6):.1f}x |"
            lines.append(cells)
    if results.serve is not None:
        lines += ["", "## (d) Serving: `hmic-graph serve` under 8 concurrent clients", ""]
        lines.append(results.serve)
    if results.scale is not None:
        import scale

        lines += [
            "",
            scale.section(results.scale, largest=_largest(results), workers_rates=_rates(results)),
        ]
    lines.append("")
    return "\n".join(lines)


def _rates(results: Results) -> dict[int, float]:
    """Releases per second of (b)'s load with the configured workers, by corpus size."""
    return {row.size: row.fast["releases"] / row.fast["seconds"] for row in results.corpus}


def _largest(results: Results) -> int | None:
    return max((row.size for row in results.corpus), default=None)


def _summary(results: Results) -> str:
    """Issue 15's targets with this run's figures (``benchmarks/scale.py``)."""
    import scale

    assert results.scale is not None
    with_naive = [row for row in results.corpus if row.naive is not None]
    speedup = None
    if with_naive:
        row = with_naive[-1]
        naive = row.naive or {}
        speedup = (
            row.size,
            (row.fast["releases"] / row.fast["seconds"]) / (naive["releases"] / naive["seconds"]),
        )
    worst = None
    if results.queries:
        size = max(results.queries)
        ratios = [
            row["store_ms"] / max(row["raw_ms"], 1e-6)
            for row in results.queries[size].values()
            if row is not None
        ]
        worst = (size, max(ratios)) if ratios else None
    return scale.summary(
        results.scale,
        single_ratio=results.single.get("ratio"),
        single_cpu_ratio=results.single.get("cpu_ratio"),
        speedup=speedup,
        workers_rates=_rates(results),
        store_over_raw=worst,
    )


def run(
    *,
    sizes: Sequence[int],
    reps: int,
    query_reps: int,
    workers: int,
    quick: bool,
    workdir: Path,
    serve: bool = True,
) -> Results:
    """Run every benchmark in ``workdir`` and return the results."""
    started = time.perf_counter()
    env = bench_env(workdir / "pycache")
    info = machine()
    single = bench_single(env, reps, workdir)
    corpus, stores = bench_corpus(env, sizes, workdir, workers)
    results = Results(info, single, corpus, workers, quick=quick)
    largest = max(stores)
    rdflib_size = RDFLIB_QUERY_SIZE if RDFLIB_QUERY_SIZE in stores else min(stores)
    from hmic_graph.sparql.query import list_queries

    for size in sorted({rdflib_size, largest}):
        rows: dict[str, Any] = {}
        for named in list_queries():
            # One process per query, killed after QUERY_TIMEOUT s: one slow query
            # must not stop the run.
            report = measure_child(
                [
                    "queries",
                    str(stores[size]),
                    str(query_reps),
                    "1" if size == rdflib_size else "0",
                    named.name,
                ],
                env,
                cache=workdir / "measurements" / f"queries-{size}-{named.name}.json",
                timeout=QUERY_TIMEOUT,
            )
            rows[named.name] = report[named.name] if report is not None else None
        results.queries[size] = rows
    if serve:
        results.serve = bench_serve(env, workdir, quick=quick)
    import scale

    results.scale = scale.bench(
        env, workdir, sizes=sizes, largest_store=stores[largest], quick=quick, reps=query_reps
    )
    results.seconds = time.perf_counter() - started
    return results


def bench_serve(env: dict[str, str], workdir: Path, *, quick: bool) -> str:
    """(d) ``benchmarks/serve.py`` in its own process; its table, title dropped."""
    out = workdir / "serve.md"
    command = [sys.executable, str(HERE / "serve.py"), "--out", str(out)]
    if quick:
        command.append("--quick")
    done = subprocess.run(
        command, env=env, cwd=workdir, capture_output=True, text=True, check=False
    )
    if not out.is_file():
        raise SystemExit(f"benchmarks/serve.py failed:\n{done.stderr[-3000:]}")
    lines = out.read_text(encoding="utf-8").splitlines()
    body = "\n".join(line for line in lines if not line.startswith("# "))
    if done.returncode != 0:
        body += "\n\n**Some requests failed** (see the errors above)."
    return body.strip()


def _child(argv: list[str]) -> None:
    kind, *rest = argv
    if kind == "corpus":
        report = _measure_corpus(Path(rest[0]), Path(rest[1]), int(rest[2]))
    elif kind == "naive":
        report = _measure_naive(Path(rest[0]))
    elif kind == "queries":
        report = _measure_queries(
            Path(rest[0]), int(rest[1]), rest[2] == "1", rest[3] if len(rest) > 3 else None
        )
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    print(json.dumps(report))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_measure":
        _child(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description="hmic-graph benchmarks")
    parser.add_argument("--quick", action="store_true", help="small corpora, fewer repetitions")
    parser.add_argument("--out", type=Path, help="write the Markdown table here")
    parser.add_argument("--sizes", help="corpus sizes, comma-separated (overrides the defaults)")
    parser.add_argument("--reps", type=int, help="runs of the single-release benchmark")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--no-serve",
        action="store_true",
        help="skip (d), the serve benchmark (benchmarks/serve.py)",
    )
    args = parser.parse_args(argv)
    sizes = (
        tuple(int(s) for s in args.sizes.split(","))
        if args.sizes
        else (QUICK_SIZES if args.quick else FULL_SIZES)
    )
    reps = args.reps or (5 if args.quick else 15)
    query_reps = 3 if args.quick else 5
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            workdir = args.keep
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hmic-bench-")))
        results = run(
            sizes=sizes,
            reps=reps,
            query_reps=query_reps,
            workers=args.workers,
            quick=args.quick,
            workdir=workdir,
            serve=not args.no_serve,
        )
    text = table(results)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
