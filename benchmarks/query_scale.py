"""Where the time of the competency queries goes on a large on-disk Oxigraph store.

    python benchmarks/query_scale.py STORE [--build N --releases DIR] [--reps 3]
        [--queries evidence,mentions] [--breakdown] [--memory] [--json FILE]

For each bundled query, on the store at ``STORE`` (opened read-only), the
median wall time of several runs (after one warm-up; the ways are measured in
turn within each run, so load on the machine falls on all of them alike; a
way under 50 ms is repeated within a run and averaged):

- ``store``: :meth:`hmic_graph.store.ReleaseStore.query` (rows as tuples of
  strings): the library's read path;
- ``before``: raw pyoxigraph on the query text as it was before the query
  work (the ``BEFORE`` texts below, else the packaged text), Oxigraph
  sorting: what ``ReleaseStore.query`` did then;
- ``raw``: raw pyoxigraph on the packaged text, Oxigraph sorting (solutions
  iterated and every term's value read): the baseline of the target
  "within 2x of raw pyoxigraph";
- with ``--breakdown``: raw pyoxigraph on the packaged text without its
  ORDER BY, and without reading the terms (only counting solutions); and on
  the Oxigraph form ``ReleaseStore`` runs (``hmic_graph/queries/oxigraph/NAME.rq``,
  chosen by name in :mod:`hmic_graph.sparql.catalogue`) without ORDER BY;
- with ``--memory``: the same quads copied into an in-memory
  ``pyoxigraph.Store()`` (copy time and RSS reported), queried through
  ``ReleaseStore.query`` (and raw with ``--memory-raw``, which can take many
  minutes: the in-memory store walks every quad of a subject in every graph).

``same`` says whether ``store`` gave exactly the rows of ``raw``, in order.

``--build N`` first writes N synthetic releases (``benchmarks/generate.py``)
to ``--releases DIR`` (unless it holds them already) and loads them into
``STORE`` with :func:`hmic_graph.ingest.corpus.load_releases` (2 worker processes;
about 7-10 minutes for 10,000 releases).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

# The packaged texts of the queries this work rewrote, as they were before it
# (the others are unchanged); prefixes are predeclared.
BEFORE = {
    "release-subject": """SELECT ?release ?forceName ?inspectorateName WHERE {
  ?release a hmic:PressRelease ;
           hmic:about ?force ;
           dcterms:publisher ?insp .
  ?force a hmic:PoliceForce ; schema:name ?forceName .
  ?insp a hmic:Inspectorate ; schema:name ?inspectorateName .
}
ORDER BY ?forceName ?release ?inspectorateName
""",
    "quotes": """SELECT ?speakerName ?postLabel ?text WHERE {
  ?quote a hmic:Quote ;
         schema:spokenByCharacter ?speaker ;
         schema:text ?text .
  ?speaker schema:name ?speakerName .
  OPTIONAL { ?speaker org:holds ?post . ?post rdfs:label ?postLabel . }
}
ORDER BY ?speakerName ?text ?postLabel
""",
    "contact-points": """SELECT ?orgName ?label ?telephone ?hours ?opens ?closes WHERE {
  ?o schema:contactPoint ?cp ; schema:name ?orgName .
  ?cp a hmic:ContactPoint ; schema:name ?label ; schema:telephone ?telephone .
  OPTIONAL { ?cp schema:hoursAvailable ?specification . ?specification schema:description ?hours . }
  OPTIONAL { ?cp schema:hoursAvailable ?specification .
             ?specification schema:opens ?opens ; schema:closes ?closes . }
}
ORDER BY ?orgName ?telephone ?label ?hours ?opens ?closes
""",
}

_ORDER_BY = re.compile(r"\n\s*ORDER\s+BY[^\n]*\s*$", re.IGNORECASE)


def without_order(text: str) -> str:
    """``text`` without its final ORDER BY line."""
    stripped = _ORDER_BY.sub("\n", text)
    if stripped == text:
        raise ValueError("the query has no final ORDER BY line")
    return stripped


def rss_mib() -> float:
    """This process's resident set size now, in MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def raw_rows(db: Any, text: str, prefixes: dict[str, str]) -> list[tuple[str | None, ...]]:
    """Raw pyoxigraph: run, iterate every solution and read every term's value."""
    solutions = db.query(text, prefixes=prefixes)
    return [tuple(None if t is None else t.value for t in solution) for solution in solutions]


def raw_count(db: Any, text: str, prefixes: dict[str, str]) -> int:
    """Raw pyoxigraph: run and count the solutions, reading no term."""
    return sum(1 for _ in db.query(text, prefixes=prefixes))


def build(store_dir: Path, releases_dir: Path, count: int) -> None:
    """Write ``count`` synthetic releases (if not there) and load them into a new store."""
    import generate

    from hmic_graph.ingest.corpus import load_releases
    from hmic_graph.store import open_store

    if len(list(releases_dir.glob("*.txt"))) != count:
        generate.write_releases(releases_dir, count)
    started = time.perf_counter()
    with open_store(store_dir) as store:
        outcome = load_releases(store, [releases_dir], workers=2)
        print(
            f"loaded {len(outcome.loaded)} releases "
            f"({len(outcome.invalid) + len(outcome.errors)} skipped) into "
            f"{store_dir} in {time.perf_counter() - started:.0f} s; {len(store):,} triples",
            file=sys.stderr,
        )


def measure(ways: dict[str, Callable[[], object]], reps: int, budget: float) -> dict[str, float]:
    """Median ms of each way over ``reps`` runs after a warm-up, interleaved.

    A way faster than 50 ms is called several times per run (the run's time
    divided by the calls), so that sub-millisecond queries are not lost in
    timer noise; a way whose warm-up took longer than ``budget`` seconds is
    run once more only.
    """
    times: dict[str, list[float]] = {name: [] for name in ways}
    calls: dict[str, int] = {}
    for name, way in ways.items():
        started = time.perf_counter()
        way()
        took = time.perf_counter() - started
        calls[name] = 0 if took > budget else min(1000, max(1, int(0.05 / max(took, 1e-6))))
    for rep in range(reps):
        for name, way in ways.items():
            count = calls[name] or (1 if rep == 0 else 0)
            if not count:
                continue
            started = time.perf_counter()
            for _ in range(count):
                way()
            times[name].append((time.perf_counter() - started) * 1000 / count)
    return {name: statistics.median(values) for name, values in times.items()}


def run(
    store_dir: Path,
    *,
    reps: int,
    names: list[str] | None,
    breakdown: bool,
    memory: bool,
    memory_raw: bool = False,
    budget: float,
) -> dict[str, Any]:
    import pyoxigraph as ox

    from hmic_graph.model.namespaces import sparql_prefixes
    from hmic_graph.sparql.catalogue import oxigraph_form
    from hmic_graph.sparql.query import list_queries
    from hmic_graph.store import OxigraphStore, open_store

    prefixes = sparql_prefixes()
    queries = [q for q in list_queries() if names is None or q.name in names]
    if names is not None and len(queries) != len(names):
        known = ", ".join(q.name for q in list_queries())
        raise SystemExit(f"unknown query name in {names}; the names are: {known}")
    out: dict[str, Any] = {"store": str(store_dir), "reps": reps, "queries": {}}
    out["load average"] = os.getloadavg()[0]
    store = open_store(store_dir, read_only=True, create=False)
    db = store.oxigraph  # type: ignore[attr-defined]
    out["rss MiB, store open"] = round(rss_mib())
    out["triples (union)"] = len(store)
    out["releases"] = len(store.releases())
    memory_store = None
    if memory:
        before = rss_mib()
        started = time.perf_counter()
        mem = ox.Store()
        mem.bulk_load(db.dump(format=ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
        out["memory copy s"] = round(time.perf_counter() - started, 1)
        out["memory copy MiB"] = round(rss_mib() - before)
        memory_store = OxigraphStore(mem, path=None, read_only=True)
    for named in queries:
        text = named.text
        form = oxigraph_form(named.name) or text
        old = BEFORE.get(named.name, text)
        ways: dict[str, Callable[[], object]] = {
            "store": partial(store.query, named.name),
            "before": partial(raw_rows, db, old, prefixes),
            "raw": partial(raw_rows, db, text, prefixes),
        }
        if breakdown:
            ways["raw, no ORDER BY"] = partial(raw_rows, db, without_order(text), prefixes)
            ways["raw, no ORDER BY, terms not read"] = partial(
                raw_count, db, without_order(text), prefixes
            )
            if form != text:
                ways["raw Oxigraph form, no ORDER BY"] = partial(
                    raw_rows, db, without_order(form), prefixes
                )
        if memory_store is not None:
            ways["memory store"] = partial(memory_store.query, named.name)
            if memory_raw:
                ways["memory raw"] = partial(raw_rows, memory_store.oxigraph, text, prefixes)
        got = store.query(named.name).rows
        expected = tuple(raw_rows(db, text, prefixes))
        row: dict[str, Any] = {"rows": len(got), "same": got == expected}
        row.update(measure(ways, reps, budget))
        row["store / raw"] = row["store"] / row["raw"] if row["raw"] else float("nan")
        out["queries"][named.name] = row
        print(f"{named.name}: {json.dumps(row)}", file=sys.stderr, flush=True)
    store.close()
    return out


def table(results: dict[str, Any]) -> str:
    queries = results["queries"]
    columns = [c for c in next(iter(queries.values())) if c not in ("rows", "same")]
    lines = [
        f"Store: {results['store']} ({results['releases']:,} releases, "
        f"{results['triples (union)']:,} triples in the union); median of "
        f"{results['reps']} runs, wall ms; load average at start "
        f"{results['load average']:.2f}.",
    ]
    if "memory copy s" in results:
        lines.append(
            f"In-memory copy: {results['memory copy s']} s to copy, "
            f"+{results['memory copy MiB']} MiB RSS."
        )
    lines.append("")
    lines.append("| query | rows | same | " + " | ".join(columns) + " |")
    lines.append("|---|---:|---|" + "---:|" * len(columns))
    for name, row in queries.items():
        cells = []
        for column in columns:
            value = row.get(column)
            if value is None:
                cells.append("")
            elif column == "store / raw":
                cells.append(f"{value:.2f}")
            else:
                cells.append(f"{value:,.1f}")
        same = "yes" if row["same"] else "**no**"
        lines.append(f"| {name} | {row['rows']:,} | {same} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time the competency queries on an on-disk Oxigraph store: "
        "ReleaseStore.query against raw pyoxigraph (see the module docstring).",
    )
    parser.add_argument("store", type=Path, help="the store folder (read-only unless --build)")
    parser.add_argument(
        "--build",
        type=int,
        metavar="N",
        help="first create STORE from N synthetic releases (STORE must not exist)",
    )
    parser.add_argument(
        "--releases",
        type=Path,
        help="folder of the synthetic releases for --build (written if it lacks them)",
    )
    parser.add_argument("--reps", type=int, default=3, help="timed runs per way (default 3)")
    parser.add_argument("--queries", help="comma-separated query names (default: all 11)")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also time raw pyoxigraph without ORDER BY, without reading terms, "
        "and the Oxigraph forms",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="also copy the quads into an in-memory pyoxigraph store and query it",
    )
    parser.add_argument(
        "--memory-raw",
        action="store_true",
        help="with --memory, also run the packaged texts raw on the in-memory store "
        "(slow: contact-points ran for over 10 minutes on 10,000 releases)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=30.0,
        help="a way whose warm-up takes longer than this many seconds is timed once (default 30)",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    if args.build is not None:
        if args.store.exists():
            parser.error(f"--build: {args.store} exists; choose a new folder")
        if args.releases is None:
            parser.error("--build needs --releases DIR")
        build(args.store, args.releases, args.build)
    if not args.store.is_dir():
        parser.error(f"no store at {args.store}")
    results = run(
        args.store,
        reps=args.reps,
        names=args.queries.split(",") if args.queries else None,
        breakdown=args.breakdown,
        memory=args.memory,
        memory_raw=args.memory_raw,
        budget=args.budget,
    )
    print(table(results))
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(row["same"] for row in results["queries"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
