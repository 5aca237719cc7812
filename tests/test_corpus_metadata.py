"""Corpus manifests give dates, URLs and ids; texts that are no release are refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from hmic_graph import load_corpus, load_release, validate
from hmic_graph.ingest.manifest import read_manifest
from hmic_graph.model.errors import ManifestError, NotARelease
from hmic_graph.model.namespaces import HMIC, SCHEMA

DEV = Path(__file__).resolve().parent / "releases" / "dev"
RECIPE = DEV / "024_lemon-loaf-recipe.txt"
KENT = "Kent Police praised\n\nHMIC inspected Kent Police. Kent Police works well with councils.\n"
ESSEX = "Essex Police improves\n\nHMIC inspected Essex Police, which works with schools.\n"


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "kent.txt").write_text(KENT, encoding="utf-8")
    (tmp_path / "essex.txt").write_text(ESSEX, encoding="utf-8")
    return tmp_path


def release_of(graphs: dict[str, Graph], headline: str) -> tuple[URIRef, Graph]:
    for name, graph in graphs.items():
        if (URIRef(name), SCHEMA.headline, Literal(headline)) in graph:
            return URIRef(name), graph
    raise AssertionError(f"no release {headline!r}")


def test_a_folder_manifest_gives_dates_and_urls(corpus: Path) -> None:
    (corpus / "manifest.csv").write_text(
        "file,published,source\n"
        "kent.txt,2014-03-27,https://www.example.org/news/kent\n"
        "essex.txt,,\n",
        encoding="utf-8",
    )
    graphs = load_corpus([corpus])
    kent, graph = release_of(graphs, "Kent Police praised")
    assert (kent, DCTERMS.issued, Literal("2014-03-27", datatype=XSD.date)) in graph
    assert (kent, DCTERMS.source, URIRef("https://www.example.org/news/kent")) in graph
    assert validate(graph).conforms  # a URL is a source the shapes accept
    essex, graph = release_of(graphs, "Essex Police improves")
    assert (essex, DCTERMS.source, Literal("essex.txt")) in graph
    assert not list(graph.objects(essex, DCTERMS.issued))


def test_a_json_lines_manifest_given_explicitly_wins(
    corpus: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    (corpus / "manifest.csv").write_text("file,published\nkent.txt,2014-03-27\n", encoding="utf-8")
    other = tmp_path_factory.mktemp("meta") / "corpus.jsonl"
    lines = [
        {"file": str(corpus / "kent.txt"), "published": "2015-01-02", "release_id": "kent-2015"}
    ]
    other.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    graphs = load_corpus([corpus], manifest=other)
    kent, graph = release_of(graphs, "Kent Police praised")
    assert str(kent).endswith("/release/kent-2015")
    assert (kent, DCTERMS.issued, Literal("2015-01-02", datatype=XSD.date)) in graph


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("file,published\nkent.txt,27/03/2014\n", "YYYY-MM-DD", 2),
        ("file,source\nkent.txt,www.example.org\n", "http(s) URL", 2),
        ("file,release_id\nkent.txt,Kent 2014\n", "release id", 2),
        ("file\nkent.txt\nnowhere.txt\n", "no such release file", 3),
        ("file\nkent.txt\nkent.txt\n", "listed twice", 3),
        ("name,published\nkent.txt,2014-03-27\n", "unknown column 'name'", 1),
    ],
)
def test_a_bad_manifest_names_its_file_and_line(
    corpus: Path, text: str, message: str, line: int
) -> None:
    manifest = corpus / "manifest.csv"
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as caught:
        read_manifest(manifest)
    assert message in caught.value.message
    assert (caught.value.path, caught.value.line) == (str(manifest), line)


def test_a_text_that_is_no_release_is_refused() -> None:
    with pytest.raises(NotARelease) as caught:
        load_release(RECIPE)
    assert caught.value.path == str(RECIPE)
    assert "not an inspection release" in str(caught.value)


def test_it_loads_when_allowed() -> None:
    graph = load_release(RECIPE, allow_unrelated=True)
    assert len(list(graph.subjects(RDF.type, HMIC.PressRelease))) == 1


def test_a_corpus_load_reports_it_and_goes_on(corpus: Path) -> None:
    shutil.copy(RECIPE, corpus / RECIPE.name)
    refused: list[NotARelease] = []
    graphs = load_corpus([corpus], skipped=refused.append)
    assert len(graphs) == 2
    assert [Path(str(error.path)).name for error in refused] == [RECIPE.name]
    with pytest.warns(UserWarning, match="not an inspection release"):
        assert len(load_corpus([corpus])) == 2
