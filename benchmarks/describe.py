"""The dataset description of a store: from its graphs read into rdflib, or from its statistics.

    python benchmarks/describe.py STORE [--rounds 3]

Times, on the store in the folder STORE (opened read-only, never written),
what the server's first ``/id/dataset`` and ``hmic-graph describe`` paid before
:meth:`~hmic_graph.store.ReleaseStore.statistics` (``describe_dataset(store.graphs())``)
against what they pay now (``describe_dataset(store.statistics())``). The two
ways alternate, round after round, each on a new read-only handle, so a load
that comes and goes on a shared machine falls on both; the two descriptions
are checked to be the same Turtle. Prints medians, their ratio and the
machine, as a section for ``benchmarks/results.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

#: What is timed, by name: the description from the graphs, then from the statistics.
WAYS = ("graphs", "statistics")


def measure(path: Path, rounds: int = 3) -> dict[str, Any]:
    """Seconds of each way per round, interleaved, with the store's size.

    :raises AssertionError: the two ways describe the store differently.
    :raises HmicGraphError: there is no store at ``path``.
    """
    from hmic_graph.rdf.describe import describe_dataset
    from hmic_graph.rdf.export import serialize
    from hmic_graph.store import open_store

    seconds: dict[str, list[float]] = {way: [] for way in WAYS}
    texts: dict[str, str] = {}
    for _ in range(rounds):
        for way in WAYS:
            start = time.perf_counter()
            with open_store(path, read_only=True) as store:
                source = store.graphs() if way == "graphs" else store.statistics()
                description = describe_dataset(source)
            seconds[way].append(time.perf_counter() - start)
            texts[way] = serialize(description, format="turtle")
    assert texts["graphs"] == texts["statistics"], "the two descriptions differ"
    with open_store(path, read_only=True) as store:
        releases, triples = len(store.releases()), len(store)
    return {"releases": releases, "triples": triples, "seconds": seconds}


def section(result: dict[str, Any], command: str) -> str:
    """``result`` as a Markdown section for ``results.md``."""
    from run import machine

    about = machine()
    before, after = (statistics.median(result["seconds"][way]) for way in WAYS)
    runs = {way: ", ".join(f"{s:.2f}" for s in result["seconds"][way]) for way in WAYS}
    return "\n".join(
        [
            f"## The dataset description of the {result['releases']:,}-release store",
            "",
            f"`{command}`: {result['releases']:,} releases, {result['triples']:,} distinct "
            f"triples; {len(result['seconds']['graphs'])} rounds, the two ways interleaved, "
            f"each on a new read-only handle; the two descriptions are the same Turtle. "
            f"{about['CPU']}, {about['cores']} cores (shared), load average at the start "
            f"{about['load average at start']}.",
            "",
            "| way | seconds (median) | runs |",
            "|---|---:|---|",
            f"| `describe_dataset(store.graphs())` (before) | {before:.2f} | {runs['graphs']} |",
            f"| `describe_dataset(store.statistics())` (after) | {after:.2f} "
            f"| {runs['statistics']} |",
            "",
            f"**{before / after:.1f}x** faster.",
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="the store's folder (opened read-only)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both ways (default 3)")
    args = parser.parse_args(argv)
    result = measure(args.store, rounds=args.rounds)
    command = f"python benchmarks/describe.py {args.store} --rounds {args.rounds}"
    sys.stdout.write(section(result, command))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
