"""Where one release's time goes when a corpus is loaded: CPU per stage, per release.

    python benchmarks/stages.py [-n 60] [--seed 5]

Writes N synthetic releases (``benchmarks/generate.py``), warms the caches on
the first five, then times, in process CPU time, each stage a worker of
:func:`hmic_graph.ingest.corpus.load_releases` runs for every release: reading and
extracting the release and building its graph; pySHACL validation; writing
its N-Quads for the store. Prints one Markdown table with milliseconds per
release and each stage's share.

This is what bounds the corpus speed-up in ``benchmarks/run.py`` (b): the
naive pipeline runs the same validation, so a stage that is most of the work
in both caps the speed-up at about the number of cores.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

STAGES = ("extract + graph", "validate (pySHACL)", "N-Quads")


def measure(folder: Path) -> tuple[dict[str, float], int]:
    """CPU seconds per stage summed over the releases in ``folder``, and how many there were."""
    from hmic_graph.extract.sources import read_source
    from hmic_graph.ingest.corpus import release_nquads
    from hmic_graph.ingest.releases import load_parts
    from hmic_graph.rdf.validation import validate

    files = sorted(folder.glob("*.txt"))
    for path in files[:5]:  # warm: regexes compiled, shapes parsed
        for graph in load_parts(read_source(path)).values():
            validate(graph)
    totals = dict.fromkeys(STAGES, 0.0)
    clock = time.process_time
    for path in files:
        start = clock()
        parts = load_parts(read_source(path))
        totals[STAGES[0]] += clock() - start
        for name, graph in parts.items():
            start = clock()
            report = validate(graph)
            totals[STAGES[1]] += clock() - start
            if not report.conforms:
                raise SystemExit(f"{path}: does not conform:\n{report.to_text()}")
            start = clock()
            release_nquads(name, graph)
            totals[STAGES[2]] += clock() - start
    return totals, len(files)


def table(totals: dict[str, float], releases: int) -> str:
    """The Markdown table: ms per release and share, per stage."""
    whole = sum(totals.values()) or 1.0
    lines = [
        f"CPU time per release, {releases} synthetic releases:",
        "",
        "| stage | ms per release | share |",
        "|---|---:|---:|",
    ]
    for stage in STAGES:
        lines.append(
            f"| {stage} | {1000 * totals[stage] / releases:.1f} | {100 * totals[stage] / whole:.0f}% |"
        )
    lines.append(f"| all | {1000 * whole / releases:.1f} | 100% |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--releases", type=int, default=60, help="synthetic releases")
    parser.add_argument("--seed", type=int, default=5, help="seed of the generator")
    args = parser.parse_args(argv)
    if args.releases < 1:
        parser.error("--releases must be at least 1")
    from generate import write_releases

    with tempfile.TemporaryDirectory(prefix="hmic-stages-") as tmp:
        folder = Path(tmp)
        write_releases(folder, args.releases, seed=args.seed)
        totals, count = measure(folder)
    sys.stdout.write(table(totals, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
