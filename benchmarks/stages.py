"""Where one release's time goes when a corpus is loaded: CPU per stage, per release.

    python benchmarks/stages.py [-n 60] [--seed 5]

Writes N synthetic releases (``benchmarks/generate.py``), warms the caches on
the first five, then times, in process CPU time, each stage a worker of
:func:`hmic_graph.ingest.corpus.load_releases` runs for every release:
reading and extracting the release into records; building its graph;
validating it (:func:`hmic_graph.rdf.validation.validate`, as loading does);
encoding its N-Quads for the store. Prints one Markdown table with
milliseconds per release and each stage's share, and, for reference,
validation as it was before: pySHACL over every shape and node
(``validate(graph, full=True)``), measured on the same graphs in the same run.

This is what bounds the corpus speed-up in ``benchmarks/run.py`` (b): the
naive pipeline runs full pySHACL validation, so the cheaper validation is
most of the difference.
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

STAGES = ("extraction", "build", "validation", "N-Quads")
#: Not a stage of loading: the validation it replaces, measured for comparison.
REFERENCE = "validation, full pySHACL (before)"


def measure(folder: Path) -> tuple[dict[str, float], int]:
    """CPU seconds per stage (and :data:`REFERENCE`) summed over the releases in ``folder``."""
    from hmic_graph.extract import extract_release
    from hmic_graph.extract.sources import read_source
    from hmic_graph.ingest.releases import release_name
    from hmic_graph.rdf.build import build_graph
    from hmic_graph.rdf.validation import validate
    from hmic_graph.store import encode_graph

    files = sorted(folder.glob("*.txt"))
    for path in files[:5]:  # warm: regexes compiled, shapes parsed
        graph = build_graph(extract_release(read_source(path)))
        validate(graph)
        validate(graph, full=True)
    totals = dict.fromkeys((*STAGES, REFERENCE), 0.0)
    clock = time.process_time
    for path in files:
        start = clock()
        release = extract_release(read_source(path))
        totals["extraction"] += clock() - start
        start = clock()
        graph = build_graph(release)
        totals["build"] += clock() - start
        start = clock()
        report = validate(graph)
        totals["validation"] += clock() - start
        if not report.conforms:
            raise SystemExit(f"{path}: does not conform:\n{report.to_text()}")
        start = clock()
        encode_graph(release_name(graph), graph)
        totals["N-Quads"] += clock() - start
        start = clock()
        validate(graph, full=True)
        totals[REFERENCE] += clock() - start
    return totals, len(files)


def table(totals: dict[str, float], releases: int) -> str:
    """The Markdown table: ms per release and share, per stage; then the reference."""
    whole = sum(totals[stage] for stage in STAGES) or 1.0
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
    reference = totals[REFERENCE]
    lines.append(
        f"| {REFERENCE} | {1000 * reference / releases:.1f} | "
        f"{reference / max(totals['validation'], 1e-9):.1f}x validation |"
    )
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
