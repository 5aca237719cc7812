"""Issue 15's measurements for ``benchmarks/run.py``: stages, workers, Dask, first pages, summary.

    python benchmarks/scale.py [--sizes 100,1000] [--stages 200] [--first-page STORE]

What ``run.py`` adds to its report through :func:`bench` and :func:`section`:

* CPU per release of each stage of loading (``benchmarks/stages.py``), with
  validation as it was before (full pySHACL) measured on the same graphs;
* loading each corpus with one worker (``load_releases(workers=1)``) and with
  the Dask runner on a local cluster of 2 single-threaded worker processes
  (``run_dask`` writing shards, then ``load_shards`` into a new store), with
  CPU time of every process involved per release;
* on the largest store, the first page (20 rows) of every named question
  through ``ReleaseStore.query(name, limit=20)``, and the whole answer;
* :func:`summary`: one table of issue 15's targets with the measured figures.

Every measurement runs in a fresh process (``scale.py _measure ...``), so
caches and peak memory are per measurement. Times are medians; CPU times are
user + system of the measuring process and all its children. The machine may
be shared: ratios are against baselines measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

#: Releases the stage breakdown is measured on (``--quick``: fewer).
STAGE_RELEASES = 200
#: Corpus sizes up to which one worker and Dask are measured (they are slow beyond).
WORKER_LIMIT = 1_000
#: Rows of a first page.
PAGE = 20
DASK_WORKERS = 2


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure_stages(releases: int) -> dict[str, Any]:
    """CPU ms per release of each stage (``stages.measure``) on new synthetic releases."""
    import tempfile

    import stages
    from generate import write_releases

    with tempfile.TemporaryDirectory(prefix="hmic-stages-") as tmp:
        write_releases(Path(tmp), releases, seed=5)
        totals, count = stages.measure(Path(tmp))
    return {
        "releases": count,
        "ms": {name: 1000 * seconds / count for name, seconds in totals.items()},
    }


def measure_workers(folder: Path, store_dir: Path, workers: int) -> dict[str, Any]:
    """``load_releases(workers=N)`` into a new on-disk store, as ``hmic-graph load --workers N``:
    seconds, CPU, releases."""
    from hmic_graph.ingest.corpus import load_releases
    from hmic_graph.store import open_store

    shutil.rmtree(store_dir, ignore_errors=True)
    cpu, start = _cpu(), time.perf_counter()
    with open_store(store_dir) as store:
        outcome = load_releases(store, [folder], workers=workers, transactional=True)
    return {
        "seconds": time.perf_counter() - start,
        "cpu": _cpu() - cpu,
        "releases": len(outcome.loaded),
        "failed": len(outcome.invalid) + len(outcome.errors),
    }


def measure_dask(folder: Path, store_dir: Path, workers: int) -> dict[str, Any]:
    """The Dask runner on a local cluster of ``workers`` processes, the store written meanwhile.

    The cluster's start is timed apart: on an existing cluster it is not paid.
    """
    from distributed import Client, LocalCluster

    from hmic_graph.ingest.dask_runner import ShardLoader, run_dask
    from hmic_graph.store import open_store

    shutil.rmtree(store_dir, ignore_errors=True)
    shards = store_dir.with_name(store_dir.name + "-shards")
    shutil.rmtree(shards, ignore_errors=True)
    cpu, start = _cpu(), time.perf_counter()
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        started = time.perf_counter()
        with open_store(store_dir) as store:
            # The store is written while the cluster makes the later shards.
            loader = ShardLoader(store)
            run_dask([folder], shards, scheduler=client, on_shard=loader.add)
            mapped = time.perf_counter()
            outcome = loader.finish()
        done = time.perf_counter()
    cpu = _cpu() - cpu  # the worker processes are reaped once the cluster is closed
    shutil.rmtree(shards, ignore_errors=True)
    return {
        "seconds": done - started,
        "map_seconds": mapped - started,
        "load_seconds": done - mapped,
        "cluster_start_seconds": started - start,
        "cpu": cpu,
        "releases": len(outcome.loaded),
        "failed": len(outcome.invalid) + len(outcome.errors),
    }


def median_ms(action: Callable[[], object], reps: int) -> float:
    action()  # warm: query parsing, Oxigraph's caches
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def measure_pages(store_dir: Path, reps: int) -> dict[str, Any]:
    """Per named question, median ms: the first page (``limit=PAGE``) and the whole answer
    evaluated (no kept answer, as before kept answers), the one-off cost of keeping the
    answer (evaluating it whole and writing it, what ``load`` pays per question), then the
    first page and whole answer read from it (``ReleaseStore.query``)."""
    from hmic_graph.sparql.catalogue import list_queries
    from hmic_graph.sparql.oxigraph import run
    from hmic_graph.store import OxigraphStore, open_store
    from hmic_graph.store.folders import ANSWERS_FOLDER

    shutil.rmtree(store_dir / ANSWERS_FOLDER, ignore_errors=True)
    found: dict[str, Any] = {}
    with open_store(store_dir, read_only=True) as store:
        assert isinstance(store, OxigraphStore)
        db = store.oxigraph
        for named in list_queries():
            name = named.name
            evaluated_first = median_ms(lambda n=name: run(db, n, limit=PAGE), reps)
            evaluated_full = median_ms(lambda n=name: run(db, n), reps)
            start = time.perf_counter()
            rows = len(store.query(name).rows)  # evaluates and keeps the answer
            keep_ms = (time.perf_counter() - start) * 1000
            found[name] = {
                "rows": rows,
                "evaluated_first_page_ms": evaluated_first,
                "evaluated_full_ms": evaluated_full,
                "keep_ms": keep_ms,
                "first_page_ms": median_ms(lambda n=name: store.query(n, limit=PAGE), reps),
                "full_ms": median_ms(lambda n=name: store.query(n), reps),
            }
    return found


def measure_naive(folder: Path) -> dict[str, Any]:
    """The naive pipeline of ``run.py`` (b): one process, full pySHACL per release, one graph."""
    import pyshacl
    from rdflib import Graph

    from hmic_graph.ingest.releases import load_release
    from hmic_graph.rdf.ontology import shapes_graph

    cpu, start = _cpu(), time.perf_counter()
    shapes = shapes_graph()
    merged = Graph()
    loaded = 0
    for path in sorted(folder.glob("*.txt")):
        graph = load_release(path)
        conforms, _report, _text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
        if conforms:
            merged += graph
            loaded += 1
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "releases": loaded}


#: The ways of loading :func:`compare` interleaves.
WAYS = ("naive", "1 worker", "2 workers", "Dask, 2 workers")


def compare(env: dict[str, str], workdir: Path, *, size: int, rounds: int) -> dict[str, Any]:
    """Each way of loading ``size`` releases, interleaved ``rounds`` times, so a shared
    machine's load falls on all alike; medians of wall time and CPU."""
    from generate import write_releases

    folder = workdir / f"compare-{size}"
    write_releases(folder, size, seed=size)
    runs: dict[str, list[dict[str, Any]]] = {way: [] for way in WAYS}
    store = str(workdir / "compare-store")
    commands = {
        "naive": ["naive", str(folder)],
        "1 worker": ["one-worker", str(folder), store],
        "2 workers": ["two-workers", str(folder), store],
        "Dask, 2 workers": ["dask", str(folder), store, str(DASK_WORKERS)],
    }
    for _ in range(rounds):
        for way in WAYS:
            runs[way].append(measure(commands[way], env))
    shutil.rmtree(folder)
    return {
        way: {
            "seconds": statistics.median(r["seconds"] for r in found),
            "cpu": statistics.median(r["cpu"] for r in found),
            "releases": found[0]["releases"],
        }
        for way, found in runs.items()
    } | {"size": size, "rounds": rounds}


def compare_table(found: dict[str, Any]) -> str:
    """Markdown: :func:`compare`'s medians, rates against the naive pipeline."""
    size = found["size"]
    naive = found["naive"]
    naive_rate = naive["releases"] / naive["seconds"]
    lines = [
        f"## (h) The ways of loading {size:,} releases, interleaved ({found['rounds']} rounds)",
        "",
        "`python benchmarks/scale.py --compare "
        f"{size} --rounds {found['rounds']}`: each way in a fresh process, one after the "
        "other, the round repeated; medians. On a shared machine the wall-time rates of "
        "this table, measured close together, compare better than those of (b) and (f); "
        "CPU per release does not depend on the load; it counts the measuring process and "
        "the children it reaps (the workers of `load_releases` are children of Python's "
        "forkserver, so 2 workers shows the parent only).",
        "",
        "| way | releases/s | x naive | CPU ms per release (all processes) |",
        "|---|---:|---:|---:|",
    ]
    for way in WAYS:
        row = found[way]
        rate = row["releases"] / row["seconds"]
        lines.append(
            f"| {way} | {_fmt(rate)} | **{rate / naive_rate:.2f}x** | "
            f"{_fmt(1000 * row['cpu'] / row['releases'])} |"
        )
    return "\n".join(lines)


def _child(argv: list[str]) -> dict[str, Any]:
    kind, *rest = argv
    if kind == "stages":
        return measure_stages(int(rest[0]))
    if kind == "one-worker":
        return measure_workers(Path(rest[0]), Path(rest[1]), 1)
    if kind == "two-workers":
        return measure_workers(Path(rest[0]), Path(rest[1]), 2)
    if kind == "naive":
        return measure_naive(Path(rest[0]))
    if kind == "dask":
        return measure_dask(Path(rest[0]), Path(rest[1]), int(rest[2]))
    if kind == "pages":
        return measure_pages(Path(rest[0]), int(rest[1]))
    raise SystemExit(f"unknown measurement {kind!r}")


def measure(args: Sequence[str], env: dict[str, str], cache: Path | None = None) -> dict[str, Any]:
    """``scale.py _measure ARGS`` in a fresh process; its JSON report (saved in ``cache``)."""
    if cache is not None and cache.is_file():
        saved: dict[str, Any] = json.loads(cache.read_text())
        return saved
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "_measure", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"scale.py _measure {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(report))
    return report


def bench(
    env: dict[str, str],
    workdir: Path,
    *,
    sizes: Sequence[int],
    largest_store: Path | None,
    quick: bool,
    reps: int,
) -> dict[str, Any]:
    """Every measurement of this module; corpora are written to ``workdir`` and removed."""
    from generate import write_releases

    saved = workdir / "measurements"
    found: dict[str, Any] = {
        "stages": measure(
            ["stages", str(40 if quick else STAGE_RELEASES)], env, saved / "stages.json"
        ),
        "corpus": {},
    }
    for size in sizes:
        if size > WORKER_LIMIT:
            continue
        folder = workdir / f"scale-releases-{size}"
        write_releases(folder, size, seed=size)  # the corpus run.py (b) loads
        one = measure(
            ["one-worker", str(folder), str(workdir / f"scale-one-{size}")],
            env,
            saved / f"one-worker-{size}.json",
        )
        dask = measure(
            ["dask", str(folder), str(workdir / f"scale-dask-{size}"), str(DASK_WORKERS)],
            env,
            saved / f"dask-{size}.json",
        )
        found["corpus"][str(size)] = {"one_worker": one, "dask": dask}
        shutil.rmtree(folder)
        shutil.rmtree(workdir / f"scale-one-{size}", ignore_errors=True)
        shutil.rmtree(workdir / f"scale-dask-{size}", ignore_errors=True)
    if largest_store is not None:
        found["pages"] = measure(
            ["pages", str(largest_store), str(reps)], env, saved / "pages.json"
        )
    return found


def _fmt(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def section(found: dict[str, Any], *, largest: int | None, workers_rates: dict[int, float]) -> str:
    """Markdown: (e) stages, (f) workers and Dask, (g) first pages."""
    import stages

    stage = found["stages"]
    lines = [
        "## (e) CPU per release of each stage of loading",
        "",
        f"`benchmarks/stages.py` on {stage['releases']} synthetic releases, process CPU time; "
        "validation as loading runs it (a Python proof of conformance, pySHACL for any graph "
        "it cannot prove, shared nodes' checks reused), and for reference full pySHACL over "
        "every shape and node, as before, on the same graphs.",
        "",
        "| stage | CPU ms per release |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {_fmt(stage['ms'][name])} |" for name in stages.STAGES]
    lines.append(f"| all | {_fmt(sum(stage['ms'][name] for name in stages.STAGES))} |")
    lines.append(f"| {stages.REFERENCE} | {_fmt(stage['ms'][stages.REFERENCE])} |")
    if found["corpus"]:
        lines += [
            "",
            "## (f) Corpus load: 1 worker, 2 workers, and the Dask runner on 2 workers",
            "",
            "Into a new on-disk store each. 2 workers: (b). Dask: a `LocalCluster` of "
            f"{DASK_WORKERS} single-threaded worker processes, `run_dask` (shards of 64 "
            "releases) then `load_shards`; the cluster's start is shown apart (an existing "
            "cluster does not pay it). CPU: user + system of every process, per release.",
            "",
            "| releases | 1 worker rel/s | CPU ms/rel | 2 workers rel/s | Dask 2 workers rel/s "
            "| CPU ms/rel | Dask / 2 workers | cluster start s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size, row in sorted(found["corpus"].items(), key=lambda kv: int(kv[0])):
            one, dask = row["one_worker"], row["dask"]
            one_rate = one["releases"] / one["seconds"]
            dask_rate = dask["releases"] / dask["seconds"]
            two = workers_rates.get(int(size))
            ratio = f"**{two / dask_rate:.2f}x** slower" if two else ""
            lines.append(
                f"| {int(size):,} | {_fmt(one_rate)} | {_fmt(1000 * one['cpu'] / one['releases'])} | "
                f"{_fmt(two) if two else ''} | {_fmt(dask_rate)} | "
                f"{_fmt(1000 * dask['cpu'] / dask['releases'])} | {ratio} | "
                f"{_fmt(dask['cluster_start_seconds'])} |"
            )
    pages = found.get("pages")
    if pages and largest is not None:
        lines += ["", pages_table(pages, largest)]
    return "\n".join(lines)


def pages_table(pages: dict[str, Any], store: int | Path) -> str:
    """Markdown: (g), first pages and whole answers on ``store`` (its size, or its folder)."""
    largest = store if isinstance(store, int) else _releases_in(store)
    lines = [
        f"## (g) First page ({PAGE} rows) and whole answer on the {largest:,}-release store",
        "",
        "Median ms. *Evaluated*: the question run on the store (its Oxigraph form, the "
        "final ORDER BY in Python), as every query ran before kept answers. *Keep*: "
        "evaluating it whole and writing its kept answer once (what `load` adds per "
        f"question). *Kept*: `ReleaseStore.query(name, limit={PAGE})` and "
        "`ReleaseStore.query(name)` reading the kept answer "
        "(`hmic_graph.sparql.answers`).",
        "",
        "| query | rows | evaluated: first page | evaluated: whole | keep (once) "
        "| kept: first page | kept: whole |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in pages.items():
        lines.append(
            f"| {name} | {row['rows']:,} | {_fmt(row['evaluated_first_page_ms'])} | "
            f"{_fmt(row['evaluated_full_ms'])} | {_fmt(row['keep_ms'])} | "
            f"**{_fmt(row['first_page_ms'])}** | {_fmt(row['full_ms'])} |"
        )
    lines.append(
        f"\nKeeping all {len(pages)} answers once: "
        f"{_fmt(sum(row['keep_ms'] for row in pages.values()) / 1000)} s."
    )
    return "\n".join(lines) + "\n"


def _releases_in(folder: Path) -> int:
    from hmic_graph.store import open_store

    with open_store(folder, read_only=True) as store:
        return len(store.releases())


def summary(
    found: dict[str, Any],
    *,
    single_ratio: float | None,
    single_cpu_ratio: float | None,
    speedup: tuple[int, float] | None,
    workers_rates: dict[int, float],
    store_over_raw: tuple[int, float] | None,
) -> str:
    """One table: issue 15's targets and what this run measured."""
    import stages

    ms = found["stages"]["ms"]
    rows = [
        (
            "validation CPU per release (full pySHACL before)",
            f"{_fmt(ms['validation'])} ms ({_fmt(ms[stages.REFERENCE])} ms)",
            "<= 15 ms",
            ms["validation"] <= 15,
        ),
        (
            "CPU per release: extraction / build / validation / N-Quads",
            " / ".join(_fmt(ms[name]) for name in stages.STAGES) + " ms",
            "",
            None,
        ),
    ]
    if speedup is not None:
        rows.append(
            (
                f"corpus load, 2 workers / naive ({speedup[0]:,} releases)",
                f"{speedup[1]:.2f}x",
                ">= 4x",
                speedup[1] >= 4,
            )
        )
    for size, row in sorted(found["corpus"].items(), key=lambda kv: int(kv[0])):
        one, dask = row["one_worker"], row["dask"]
        two = workers_rates.get(int(size))
        rows.append(
            (
                f"releases/s at {int(size):,}: 1 worker / 2 workers / Dask 2 workers",
                f"{_fmt(one['releases'] / one['seconds'])} / {_fmt(two) if two else '-'} / "
                f"{_fmt(dask['releases'] / dask['seconds'])}",
                "",
                None,
            )
        )
        if two:
            slower = two / (dask["releases"] / dask["seconds"])
            rows.append(
                (
                    f"Dask 2 workers vs `load --workers 2` ({int(size):,} releases)",
                    f"{slower:.2f}x the time",
                    "<= 1.2x",
                    slower <= 1.2,
                )
            )
    pages = found.get("pages")
    if pages:
        slowest = max(pages.items(), key=lambda kv: kv[1]["first_page_ms"])
        rows.append(
            (
                "slowest first page of a named question (largest store)",
                f"{_fmt(slowest[1]['first_page_ms'])} ms ({slowest[0]})",
                "< 100 ms",
                slowest[1]["first_page_ms"] < 100,
            )
        )
    if store_over_raw is not None:
        rows.append(
            (
                f"whole answers, worst store / raw pyoxigraph ({store_over_raw[0]:,} releases)",
                f"{store_over_raw[1]:.2f}x",
                "<= 2x",
                store_over_raw[1] <= 2,
            )
        )
    if single_ratio is not None and single_cpu_ratio is not None:
        rows.append(
            (
                "`hmic-graph build` / `import rdflib, pyshacl` (wall; CPU)",
                f"{single_ratio:.2f}; {single_cpu_ratio:.2f}",
                "<= 1.3",
                single_ratio <= 1.3,
            )
        )
    lines = [
        "## Summary: issue 15's targets",
        "",
        "| measure | this run | target | met |",
        "|---|---:|---:|---|",
    ]
    for measure_name, value, target, met in rows:
        verdict = "" if met is None else ("yes" if met else "**no**")
        lines.append(f"| {measure_name} | {value} | {target} | {verdict} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_measure":
        print(json.dumps(_child(argv[1:])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100", help="corpus sizes, comma-separated")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--first-page", type=Path, help="a store to measure first pages on")
    parser.add_argument(
        "--compare", type=int, metavar="N", help="only (h): the ways of loading N releases"
    )
    parser.add_argument("--rounds", type=int, default=2, help="rounds of --compare")
    parser.add_argument(
        "--pages-only", type=Path, metavar="STORE", help="only (g), on the store in STORE"
    )
    args = parser.parse_args(argv)
    import os
    import tempfile

    env = dict(os.environ)
    if args.pages_only:
        sys.stdout.write(pages_table(measure_pages(args.pages_only, reps=3), args.pages_only))
        return 0
    if args.compare:
        with tempfile.TemporaryDirectory(prefix="hmic-compare-") as tmp:
            found = compare(env, Path(tmp), size=args.compare, rounds=args.rounds)
        sys.stdout.write(compare_table(found) + "\n")
        return 0
    with tempfile.TemporaryDirectory(prefix="hmic-scale-") as tmp:
        found = bench(
            env,
            Path(tmp),
            sizes=[int(s) for s in args.sizes.split(",")],
            largest_store=args.first_page,
            quick=args.quick,
            reps=3,
        )
    sys.stdout.write(section(found, largest=None, workers_rates={}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
