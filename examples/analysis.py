"""Analyse the bundled corpus with pandas and matplotlib: two charts and a network picture.

Run from the repository:  python examples/analysis.py [OUTPUT_FOLDER]
(default: docs/images). Needs the analysis extra: pip install 'hmic-graph[analysis]'.

It loads the releases in tests/releases/dev and tests/releases/test (with
the manifest beside them, if there is one), asks two questions in SPARQL,
takes the answers as pandas data frames and draws:

- judgements.png: the judgements each force was given, by release date;
- partner-kinds.png: which kinds of partner each force works with;
- network.png: forces, alliances, partners, inspectorates and inspectors.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from hmic_graph import load_corpus, merge_graphs, query, write_network

REPOSITORY = Path(__file__).resolve().parent.parent
CORPUS = [REPOSITORY / "tests" / "releases" / "dev", REPOSITORY / "tests" / "releases" / "test"]

# Each inspection's body, judgement and the release it was read from.
JUDGEMENTS = """
SELECT ?bodyName ?judgement ?issued WHERE {
  ?inspection a hmic:Inspection ; hmic:inspectedBody ?body ;
      hmic:judgement ?concept ; prov:wasDerivedFrom ?release .
  ?body a hmic:PoliceForce ; schema:name ?bodyName .
  ?concept skos:prefLabel ?judgement .
  OPTIONAL { ?release dcterms:issued ?issued }
}
ORDER BY ?bodyName ?issued ?judgement
"""


def main(argv: list[str]) -> list[Path]:
    out = Path(argv[0]) if argv else REPOSITORY / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    folders = [folder for folder in CORPUS if folder.is_dir()]
    # A text that is no inspection release (the corpus has a recipe) is left out.
    graphs = load_corpus(folders, skipped=lambda error: print(f"skipped {error.path}"))
    graph = merge_graphs(graphs.values())

    judgements = query(graph, JUDGEMENTS).to_dataframe()
    print(f"{len(judgements)} judgements of {judgements['bodyName'].nunique()} forces")
    print(judgements.dtypes.to_string())
    partners = query(graph, "partners").to_dataframe()
    print(f"{len(partners)} force-partner kind pairs")
    return [
        judgements_chart(judgements, out / "judgements.png"),
        partner_kinds_chart(partners, out / "partner-kinds.png"),
        write_network(graph, out / "network.png", max_nodes=300),
    ]


def judgements_chart(judgements: pd.DataFrame, path: Path) -> Path:
    """Each judgement as a dot: the release's date across, the force down, the judgement's colour."""
    dated = judgements.dropna(subset=["issued"])
    kinds = sorted(judgements["judgement"].unique())
    forces = sorted(dated["bodyName"].unique(), reverse=True)
    figure = Figure(figsize=(9, 0.32 * len(forces) + 1.6), layout="constrained")
    axes = figure.add_subplot()
    palette = colormaps["tab10"]
    for index, kind in enumerate(kinds):
        rows = dated[dated["judgement"] == kind]
        axes.scatter(
            rows["issued"],
            [forces.index(name) for name in rows["bodyName"]],
            label=kind,
            s=60,
            color=palette(index % 10),
            edgecolors="white",
        )
    axes.set_yticks(range(len(forces)), forces, fontsize=8)
    axes.set_xlabel("release date")
    axes.grid(axis="x", alpha=0.3)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    undated = len(judgements) - len(dated)
    axes.set_title(
        f"Judgements per force over time ({undated} of {len(judgements)} come from "
        "releases without a date: a manifest gives them one)",
        fontsize=9,
    )
    figure.savefig(path, dpi=110, metadata={"Software": None})
    return path


def partner_kinds_chart(partners: pd.DataFrame, path: Path) -> Path:
    """A grid: forces down, kinds of partner across, a mark where a force works with that kind."""
    grid = pd.crosstab(partners["forceName"], partners["partnerKind"]).clip(upper=1)
    # Most common kinds first, forces in name order.
    grid = grid[grid.sum().sort_values(ascending=False, kind="stable").index]
    figure = Figure(
        figsize=(0.35 * grid.shape[1] + 3.5, 0.28 * grid.shape[0] + 2.2), layout="constrained"
    )
    axes = figure.add_subplot()
    axes.imshow(grid.to_numpy(), cmap="Blues", aspect="auto", vmin=0, vmax=1.4)
    axes.set_xticks(range(grid.shape[1]), grid.columns, rotation=60, ha="right", fontsize=8)
    axes.set_yticks(range(grid.shape[0]), grid.index, fontsize=8)
    axes.set_title("Kinds of partner each force works with", fontsize=10)
    figure.savefig(path, dpi=110, metadata={"Software": None})
    return path


if __name__ == "__main__":
    for written in main(sys.argv[1:]):
        print(f"wrote {written}")
