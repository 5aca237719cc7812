"""A store's own statistics describe it exactly as counting its graphs in rdflib does."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, XSD

from hmic_graph.cli import main as cli
from hmic_graph.ingest.dump import dump_store
from hmic_graph.model.namespaces import DEFAULT_BASE, HMIC, OA, SCHEMA
from hmic_graph.rdf.describe import DatasetStatistics, dataset_statistics, describe_dataset
from hmic_graph.rdf.export import serialize, to_dataset
from hmic_graph.store import OxigraphStore, ReleaseStore, open_store

EX = "https://example.org/"
#: A triple both made-up releases state: the merged graph has it once.
SHARED = (URIRef(EX + "force/kent"), SCHEMA.name, Literal("Kent Police"))
DATED = EX + "release/dated"
UNDATED = EX + "release/undated"


def made_up_releases() -> dict[str, Graph]:
    """Two small releases sharing a triple: one dated with a web page, one with neither."""
    graphs = {}
    for name, issued in ((DATED, "2031-05-06"), (UNDATED, None)):
        release = URIRef(name)
        graph = Graph()
        graph.add((release, RDF.type, HMIC.PressRelease))
        graph.add((release, HMIC.sha256, Literal(name[-7:].rjust(64, "0"))))
        graph.add((release, DCTERMS.publisher, URIRef(DEFAULT_BASE + "inspectorate/hmic")))
        graph.add((release, SCHEMA.mentions, SHARED[0]))
        graph.add(SHARED)
        # A datatype Oxigraph stores as xsd:integer, put back when read.
        graph.add(
            (URIRef(name + "/evidence"), OA.start, Literal(3, datatype=XSD.nonNegativeInteger))
        )
        if issued is not None:
            graph.add((release, DCTERMS.issued, Literal(issued, datatype=XSD.date)))
            graph.add((release, SCHEMA.url, Literal(EX + "news/dated", datatype=XSD.anyURI)))
        graphs[name] = graph
    return graphs


@pytest.fixture(params=["memory", "oxigraph"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, corpus_batch: list[tuple[str, bytes]]
) -> Iterator[ReleaseStore]:
    """Twelve corpus releases (some dated, some not) and the made-up two."""
    path = tmp_path / "store" if request.param == "oxigraph" else None
    with open_store(path, kind=request.param) as made:
        made.add_encoded(corpus_batch[:12])
        for name, graph in made_up_releases().items():
            made.add_graph(name, graph)
        yield made


def turtle(graph: Graph) -> str:
    return serialize(graph, format="turtle")


def test_the_statistics_equal_counting_the_graphs(store: ReleaseStore) -> None:
    counted = dataset_statistics(store.graphs())
    statistics = store.statistics()
    assert statistics == counted
    # what the made-up releases are there for
    assert statistics.triples < sum(r.triples for r in statistics.releases.values())
    assert statistics.releases[UNDATED].issued is None
    assert statistics.releases[DATED].issued == "2031-05-06" == statistics.latest_issued
    assert str(statistics.releases[DATED].url) == EX + "news/dated"
    assert statistics.classes[HMIC.PressRelease] == len(store.releases()) == 14
    assert statistics.properties[SCHEMA.name] == len(
        {(s, o) for g in store.graphs().values() for s, o in g.subject_objects(SCHEMA.name)}
    )


def test_the_description_is_byte_identical(store: ReleaseStore) -> None:
    base = "https://example.org/id/"
    assert turtle(describe_dataset(store.statistics(), base=base)) == turtle(
        describe_dataset(store.graphs(), base=base)
    )

    def described(source: Mapping[str, Graph] | DatasetStatistics) -> Graph:
        return describe_dataset(
            source,
            build_time=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
            sparql_endpoint="https://example.org/sparql",
            download_base="https://example.org/dumps/",
            formats=["trig", "nt"],
        )

    from_statistics = described(store.statistics())
    assert turtle(from_statistics) == turtle(described(store.graphs()))
    assert from_statistics.value(URIRef(DATED), PROV.hadPrimarySource) == URIRef(EX + "news/dated")


def test_the_statistics_follow_removals_and_replacements(store: ReleaseStore) -> None:
    store.remove_release(UNDATED)
    assert SHARED in store.merged()  # the dated release still states it
    assert store.statistics() == dataset_statistics(store.graphs())
    replaced = made_up_releases()[DATED]
    replaced.remove((URIRef(DATED), DCTERMS.issued, None))
    store.add_graph(DATED, replaced)
    assert store.statistics() == dataset_statistics(store.graphs())
    assert store.statistics().latest_issued != "2031-05-06"


def test_an_empty_store(tmp_path: Path) -> None:
    for path in (None, tmp_path / "empty"):
        with open_store(path) as empty:
            assert empty.statistics() == dataset_statistics({})
            assert empty.statistics() == DatasetStatistics(0, 0, {}, {}, {})


def test_a_read_only_handle(tmp_path: Path) -> None:
    with open_store(tmp_path / "store") as writer:
        for name, graph in made_up_releases().items():
            writer.add_graph(name, graph)
        expected = dataset_statistics(writer.graphs())
    with open_store(tmp_path / "store", read_only=True) as reader:
        assert reader.statistics() == expected


def test_describe_and_export_describe_a_store_without_reading_its_graphs(
    tmp_path: Path,
    corpus_batch: list[tuple[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "store"
    with open_store(path) as writer:
        writer.add_encoded(corpus_batch[:4])
        for name, graph in made_up_releases().items():
            writer.add_graph(name, graph)
    endpoint = "https://example.org/sparql"
    with open_store(path, read_only=True) as store:
        graphs = store.graphs()
        description = describe_dataset(graphs, sparql_endpoint=endpoint)
        merged = store.merged()
        for triple in description:
            merged.add(triple)
        trig = to_dataset(graphs)
        for triple in description:
            trig.default_graph.add(triple)
        one = sorted(graphs)[0]
        selected = describe_dataset({one: graphs[one]})

        monkeypatch.setattr(cli, "COMMAND_MODULES", ("hmic_graph.cli.store",))
        # the whole store: described from its statistics, trig aside (it holds the graphs)
        unread = pytest.MonkeyPatch()
        unread.setattr(OxigraphStore, "graphs", lambda *_, **__: pytest.fail("graphs read"))
        try:
            assert cli.main(["describe", "--store", str(path), "--sparql-endpoint", endpoint]) == 0
            assert capsys.readouterr().out == turtle(description)
            assert dump_store(
                store, format="turtle", describe=True, sparql_endpoint=endpoint
            ) == turtle(merged)
        finally:
            unread.undo()
        assert dump_store(
            store, format="trig", describe=True, sparql_endpoint=endpoint
        ) == serialize(trig, format="trig")
        with_one = dump_store(store, format="nt", releases=[one], describe=True)
        assert set(selected) <= set(Graph().parse(data=with_one, format="nt"))
