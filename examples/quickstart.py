"""Load a release, validate it, ask the competency questions, export it.

Run from anywhere:  python examples/quickstart.py [RELEASE.txt]
(default: the bundled seed release).
"""

from __future__ import annotations

import sys

from hmic_graph import load_release, query, serialize, validate
from hmic_graph.model.resources import example_releases


def main(argv: list[str]) -> None:
    release = argv[0] if argv else example_releases()[0][1]
    graph = load_release(release)
    validate(graph).raise_for_results()

    for row in query(graph, "release-subject"):
        print(f"{row['forceName']} was inspected by {row['inspectorateName']}")
    for row in query(graph, "quotes"):
        print(f"{row['speakerName']} ({row['postLabel']}): {str(row['text'])[:70]}...")
    for row in query(graph, "findings"):
        kind = str(row["kind"]).rsplit("#", 1)[-1]
        print(f"{kind:<20} {str(row['description'])[:70]}")
    print(f"{len(graph)} triples; JSON-LD is {len(serialize(graph, format='json-ld'))} characters")


if __name__ == "__main__":
    main(sys.argv[1:])
