"""CPU of an entity page's first view, per kind of page and representation.

    python benchmarks/pages.py STORE [--sample 150] [--passes 3]

Opens the on-disk store read-only (for instance the one ``benchmarks/serve.py
--keep DIR`` builds, ``DIR/store-1000-seed1``), draws a seeded sample of
releases and of quotes, and builds each page in-process as the server does
for a request it has not cached (:meth:`_Server._entity`), as HTML and as
Turtle. Each pass starts from a new app, so every view is a first view (the
labels and facts the app keeps are empty). Reports the CPU time of this
thread per page (``time.thread_time``, so other processes on the machine and
RocksDB's background threads do not count), the best of ``--passes``.

To compare two versions of the code, run it with each on ``PYTHONPATH``
(``PYTHONPATH=WORKTREE python benchmarks/pages.py STORE``), alternating.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

#: Classes whose pages are measured: (label, class IRI).
CLASSES: tuple[tuple[str, str], ...] = (
    ("release", "https://w3id.org/hmic-graph/ontology#PressRelease"),
    ("quote", "https://w3id.org/hmic-graph/ontology#Quote"),
)
MEDIA_TYPES = ("text/html", "text/turtle")


def measure(
    store_dir: Path, *, sample: int, passes: int, seed: int
) -> dict[tuple[str, str], list[float]]:
    """(class label, media type) -> ms of thread CPU per page, one value per pass."""
    from rdflib import URIRef

    from hmic_graph.serve import create_app
    from hmic_graph.store import open_store

    found: dict[tuple[str, str], list[float]] = {}
    with open_store(store_dir, read_only=True) as store:
        chosen: dict[str, list[URIRef]] = {}
        for label, cls in CLASSES:
            rows = store.query(
                "SELECT DISTINCT ?s WHERE { ?s a ?class }", bindings={"class": URIRef(cls)}
            ).rows
            members = sorted(str(row[0]) for row in rows)
            picked = random.Random(seed).sample(members, min(sample, len(members)))
            chosen[label] = [URIRef(iri) for iri in picked]
        for _ in range(passes):
            server = create_app(store).state.hmic
            # The templates are compiled at their first use: not part of a page's cost.
            for pages in chosen.values():
                for media_type in MEDIA_TYPES:
                    server._entity(pages[0], media_type)
            server = create_app(store).state.hmic
            for label, pages in chosen.items():
                for media_type in MEDIA_TYPES:
                    start = time.thread_time()
                    for iri in pages:
                        server._entity(iri, media_type)
                    spent = (time.thread_time() - start) / len(pages) * 1000
                    found.setdefault((label, media_type), []).append(spent)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Print one line per kind of page: best, then every pass, in ms of CPU."""
    parser = argparse.ArgumentParser(description="CPU of entity pages' first views")
    parser.add_argument("store", type=Path, help="an on-disk store folder")
    parser.add_argument("--sample", type=int, default=150, help="pages of each class")
    parser.add_argument("--passes", type=int, default=3, help="passes, each from a new app")
    parser.add_argument("--seed", type=int, default=11, help="seed of the sample")
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    if not args.store.is_dir():
        parser.error(f"{args.store}: no store folder here")
    import hmic_graph

    sys.stdout.write(f"code: {Path(hmic_graph.__file__).parent}\n")
    found = measure(args.store, sample=args.sample, passes=args.passes, seed=args.seed)
    for (label, media_type), values in found.items():
        passes = ", ".join(f"{v:.2f}" for v in values)
        sys.stdout.write(f"{label} {media_type}: best {min(values):.2f} ms ({passes})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
