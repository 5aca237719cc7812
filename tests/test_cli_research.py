"""The CLI for researchers: readable tables, network files, manifests, refused non-releases."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from hmic_graph.cli.main import main

DEV = Path(__file__).resolve().parent / "releases" / "dev"
RECIPE = DEV / "024_lemon-loaf-recipe.txt"
KENT = DEV / "005_kent-crime-data.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_tables_fit_the_terminal_and_use_prefixes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "90")
    code, out, _ = run(capsys, "query", "findings")
    assert code == 0
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 90
    assert "hmic:Strength" in out and "ontology#" not in out
    assert "…" in out
    code, wide, _ = run(capsys, "query", "findings", "--wide")
    assert max(len(line) for line in wide.splitlines()) > 90
    assert "…" not in wide


def test_csv_keeps_full_values(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "findings", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows
    assert all(row["kind"].startswith("https://w3id.org/hmic-graph/ontology#") for row in rows)
    assert max(len(row["description"]) for row in rows) > 60


def test_mentions_names_release_iris_with_the_hmicid_prefix(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = run(capsys, "query", "mentions")
    assert "hmicid:release/" in out
    (row,) = [line for line in out.splitlines() if "West Mercia Police" in line]
    assert row.split()[-1] == "hmic:PoliceForce"  # one row, with the narrower class


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_network_files_read_back(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"net.{fmt}"
    code, _, err = run(capsys, "network", str(KENT), "-o", str(out))
    assert code == 0 and "wrote" in err
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert back.number_of_nodes() > 1 and back.number_of_edges() > 0
    assert {kind for _, kind in back.nodes(data="kind")} >= {"police force", "inspectorate"}


def test_network_picture_and_full_graph(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    picture = tmp_path / "net.svg"
    assert run(capsys, "network", "-o", str(picture))[0] == 0  # the bundled seed
    assert picture.read_bytes().startswith(b"<?xml") and picture.stat().st_size > 10_000
    actors, full = tmp_path / "actors.graphml", tmp_path / "full.graphml"
    assert run(capsys, "network", "-o", str(actors))[0] == 0
    assert run(capsys, "network", "--full", "-o", str(full))[0] == 0
    assert nx.read_graphml(full).number_of_nodes() > nx.read_graphml(actors).number_of_nodes()


def test_network_from_a_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run(capsys, "load", str(KENT), "--store", str(store), "--workers", "1")[0] == 0
    out = tmp_path / "net.graphml"
    assert run(capsys, "network", "--store", str(store), "-o", str(out))[0] == 0
    assert nx.read_graphml(out).number_of_edges() > 0


def test_network_refuses_an_unknown_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "network", "-o", str(tmp_path / "net.dot"))
    assert code == 2
    assert "net.dot" in err and "graphml, gexf, png, svg" in err


def test_a_text_that_is_no_release_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "out.ttl"
    code, _, err = run(capsys, "build", str(RECIPE), "-o", str(out))
    assert code == 2
    assert "024_lemon-loaf-recipe.txt" in err and "not an inspection release" in err
    assert "--allow-unrelated" in err and not out.exists()
    assert run(capsys, "build", str(RECIPE), "--allow-unrelated", "-o", str(out))[0] == 0


def test_a_folder_load_reports_it_and_goes_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(RECIPE, folder)
    shutil.copy(KENT, folder)
    out = tmp_path / "out.ttl"
    code, _, err = run(capsys, "build", str(folder), "-o", str(out))
    assert code == 0
    assert "skipped" in err and RECIPE.name in err
    assert "Kent Police" in out.read_text(encoding="utf-8")


def test_build_reads_a_manifest(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(KENT, folder)
    manifest = tmp_path / "meta.csv"
    manifest.write_text(
        f"file,published,source\n{folder / KENT.name},2015-08-20,https://example.org/kent\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.ttl"
    assert run(capsys, "build", str(folder), "--manifest", str(manifest), "-o", str(out))[0] == 0
    graph = Graph().parse(out)
    (release,) = set(graph.subjects(DCTERMS.source, URIRef("https://example.org/kent")))
    assert (release, DCTERMS.issued, Literal("2015-08-20", datatype=XSD.date)) in graph


def test_load_reports_a_text_that_is_no_release_and_goes_on(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(RECIPE, folder)
    shutil.copy(KENT, folder)
    (folder / "manifest.csv").write_text(
        f"file,published\n{KENT.name},2015-08-20\n", encoding="utf-8"
    )
    store = tmp_path / "store"
    code, _, err = run(capsys, "load", str(folder), "--store", str(store), "--workers", "1")
    assert code == 0
    assert RECIPE.name in err and "skipped" in err and "loaded 1 release" in err
    code, out, _ = run(
        capsys,
        "query",
        "SELECT ?d WHERE { ?r a hmic:PressRelease ; dcterms:issued ?d }",
        "--store",
        str(store),
        "-f",
        "csv",
    )
    assert out.split() == ["d", "2015-08-20"]
    code, _, err = run(capsys, "load", str(RECIPE), "--store", str(store), "--workers", "1")
    assert code == 2 and "not an inspection release" in err


def test_the_command_offers_the_formats_the_writer_knows() -> None:
    from hmic_graph.cli import network
    from hmic_graph.rdf.drawing import NETWORK_FORMATS

    # Kept apart so that parsing arguments imports no rdflib; kept equal here.
    assert network._FORMATS == NETWORK_FORMATS
