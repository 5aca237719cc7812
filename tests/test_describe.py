"""The dataset description: VoID counts derived from the graphs, DCAT, PROV, determinism."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD
from rdflib.term import Node

from hmic_graph import __version__
from hmic_graph.extract.sources import source_from_text
from hmic_graph.ingest.releases import load_release, load_source
from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.namespaces import DEFAULT_BASE, HMIC, SCHEMA
from hmic_graph.model.resources import example_releases
from hmic_graph.rdf.describe import OGL_V3, SD, describe_dataset, mint
from hmic_graph.rdf.export import serialize
from hmic_graph.rdf.validation import validate
from hmic_graph.store import open_store

DEV = Path(__file__).parent / "releases" / "dev"
WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
DATASET = mint(DEFAULT_BASE)
BUILD = mint(DEFAULT_BASE, "build", "20240102T030405Z")
IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]*$")


def release_iri(graph: Graph) -> str:
    return str(next(graph.subjects(RDF.type, HMIC.PressRelease)))


@pytest.fixture(scope="module")
def graphs() -> dict[str, Graph]:
    name, text = example_releases()[0]
    out = {}
    for graph in (
        load_source(source_from_text(text, path=name)),
        load_release(DEV / "005_kent-crime-data.txt"),
        load_release(DEV / "013_humberside-peel.txt"),
    ):
        out[release_iri(graph)] = graph
    return out


@pytest.fixture(scope="module")
def description(graphs: dict[str, Graph]) -> Graph:
    return describe_dataset(graphs, build_time=WHEN)


def number(graph: Graph, node: Node, predicate: URIRef) -> int:
    value = graph.value(node, predicate)
    assert isinstance(value, Literal) and value.datatype == XSD.integer
    return int(value)


def test_void_counts_match_the_graphs(graphs: dict[str, Graph], description: Graph) -> None:
    merged: set[tuple[object, object, object]] = set()
    for graph in graphs.values():
        merged |= set(graph)
    assert number(description, DATASET, VOID.triples) == len(merged)
    assert len(merged) < sum(len(g) for g in graphs.values())  # shared triples count once
    assert number(description, DATASET, VOID.entities) == len(
        {s for s, _, _ in merged if isinstance(s, URIRef)}
    )
    # one subset per release graph, with that graph's size
    subsets = {
        str(description.value(subset, SD.name)): number(description, subset, VOID.triples)
        for subset in description.objects(DATASET, VOID.subset)
    }
    assert subsets == {name: len(graph) for name, graph in graphs.items()}
    # class partitions: distinct instances per class
    instances: dict[object, set[object]] = {}
    for s, p, o in merged:
        if p == RDF.type:
            instances.setdefault(o, set()).add(s)
    partitions = {
        description.value(part, VOID["class"]): number(description, part, VOID.entities)
        for part in description.objects(DATASET, VOID.classPartition)
    }
    assert partitions == {cls: len(members) for cls, members in instances.items()}
    assert partitions[HMIC.PressRelease] == len(graphs)
    assert number(description, DATASET, VOID.classes) == len(partitions)
    # property partitions add up to the triples
    properties = {
        description.value(part, VOID.property): number(description, part, VOID.triples)
        for part in description.objects(DATASET, VOID.propertyPartition)
    }
    assert properties == dict(Counter(p for _, p, _ in merged))
    assert sum(properties.values()) == len(merged)
    vocabularies = {str(v) for v in description.objects(DATASET, VOID.vocabulary)}
    assert {"https://w3id.org/hmic-graph/ontology#", "https://schema.org/"} <= vocabularies
    assert str(description.value(DATASET, VOID.uriSpace)) == DEFAULT_BASE


def test_dcat_licence_publisher_and_distributions(
    graphs: dict[str, Graph], description: Graph
) -> None:
    assert (DATASET, RDF.type, DCAT.Dataset) in description
    assert (DATASET, RDF.type, VOID.Dataset) in description
    assert description.value(DATASET, DCTERMS.license) == OGL_V3
    assert str(description.value(DATASET, DCTERMS.title))
    # by default, the publishers the releases name
    named = {p for g in graphs.values() for p in g.objects(None, DCTERMS.publisher)}
    releases_named = {p for n, g in graphs.items() for p in g.objects(URIRef(n), DCTERMS.publisher)}
    assert set(description.objects(DATASET, DCTERMS.publisher)) == releases_named
    assert URIRef(DEFAULT_BASE + "inspectorate/hmic") in releases_named <= named
    assert {str(s) for s in description.objects(DATASET, DCTERMS.source)} == set(graphs)
    media = {
        str(description.value(d, DCAT.mediaType))
        for d in description.objects(DATASET, DCAT.distribution)
    }
    assert media == {
        "https://www.iana.org/assignments/media-types/" + m
        for m in (
            "application/trig",
            "application/n-quads",
            "text/turtle",
            "application/ld+json",
            "application/n-triples",
        )
    }
    for distribution in description.objects(DATASET, DCAT.distribution):
        assert description.value(distribution, DCTERMS.license) == OGL_V3
    assert description.value(DATASET, VOID.sparqlEndpoint) is None
    mine = describe_dataset(
        graphs,
        build_time=WHEN,
        publisher="https://example.org/us",
        sparql_endpoint="http://127.0.0.1:8000/sparql",
        download_base="https://example.org/dumps/",
        formats=["trig"],
    )
    assert set(mine.objects(DATASET, DCTERMS.publisher)) == {URIRef("https://example.org/us")}
    endpoint = URIRef("http://127.0.0.1:8000/sparql")
    assert mine.value(DATASET, VOID.sparqlEndpoint) == endpoint
    service = mine.value(predicate=DCAT.endpointURL, object=endpoint)
    assert (service, RDF.type, DCAT.DataService) in mine
    assert (service, DCAT.servesDataset, DATASET) in mine
    assert set(mine.objects(DATASET, VOID.dataDump)) == {
        URIRef("https://example.org/dumps/hmic-graph.trig")
    }


def test_prov_records_the_build(graphs: dict[str, Graph], description: Graph) -> None:
    assert description.value(DATASET, PROV.wasGeneratedBy) == BUILD
    assert (BUILD, RDF.type, PROV.Activity) in description
    assert (BUILD, PROV.generated, DATASET) in description
    assert description.value(BUILD, PROV.startedAtTime) == Literal(
        "2024-01-02T03:04:05Z", datatype=XSD.dateTime
    )
    agent = description.value(BUILD, PROV.wasAssociatedWith)
    assert (agent, RDF.type, PROV.SoftwareAgent) in description
    assert str(description.value(agent, RDFS.label)) == f"hmic-graph {__version__}"
    used = set(description.objects(BUILD, PROV.used))
    assert {str(u) for u in used} == set(graphs)
    for name, graph in graphs.items():
        checksum = graph.value(URIRef(name), HMIC.sha256)
        assert checksum is not None
        assert description.value(URIRef(name), HMIC.sha256) == checksum


def test_no_blank_nodes_valid_iris_and_known_terms(description: Graph) -> None:
    vocabularies: tuple[Any, ...] = (VOID, DCAT, PROV, DCTERMS, RDF, RDFS)
    for triple in description:
        for term in triple:
            assert not isinstance(term, BNode)
            if isinstance(term, URIRef):
                assert IRI.match(str(term)), term
        predicate = triple[1]
        for namespace in vocabularies:
            if str(predicate).startswith(str(namespace)):
                assert predicate in namespace, f"{predicate} is not a term of {namespace}"
    for cls in description.objects(None, RDF.type):
        for namespace in vocabularies:
            if str(cls).startswith(str(namespace)):
                assert cls in namespace, f"{cls} is not a term of {namespace}"
    # minted under the base
    for subject in description.subjects():
        assert str(subject).startswith(DEFAULT_BASE)


def test_deterministic_for_a_fixed_build_time(graphs: dict[str, Graph]) -> None:
    reordered = dict(reversed(list(graphs.items())))
    one = serialize(describe_dataset(graphs, build_time=WHEN), format="nt")
    two = serialize(describe_dataset(reordered, build_time=WHEN), format="nt")
    assert one == two
    # the same instant in another zone is the same build
    elsewhere = WHEN.astimezone(timezone(timedelta(hours=5)))
    assert serialize(describe_dataset(graphs, build_time=elsewhere), format="nt") == one
    later = describe_dataset(graphs, build_time=WHEN + timedelta(seconds=1))
    assert later.value(DATASET, PROV.wasGeneratedBy) != BUILD


def test_source_date_epoch_sets_the_default_build_time(
    graphs: dict[str, Graph], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(WHEN.timestamp())))
    assert describe_dataset(graphs).value(DATASET, PROV.wasGeneratedBy) == BUILD
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(HmicGraphError, match="SOURCE_DATE_EPOCH"):
        describe_dataset(graphs)


def test_without_a_build_time_the_date_comes_from_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    dated = {}
    for path, published in (
        (DEV / "005_kent-crime-data.txt", "2017-03-02"),
        (DEV / "013_humberside-peel.txt", "2016-11-09"),
    ):
        graph = load_release(path, published=published)
        dated[release_iri(graph)] = graph
    one = describe_dataset(dated)
    latest = max(str(g.value(URIRef(name), DCTERMS.issued)) for name, g in dated.items())
    assert one.value(DATASET, DCTERMS.modified) == Literal(latest, datatype=XSD.date)
    assert one.value(DATASET, PROV.wasGeneratedBy) == mint(
        DEFAULT_BASE, "build", latest.replace("-", "") + "T000000Z"
    )
    assert not list(one.triples((None, PROV.startedAtTime, None)))  # no clock time
    assert serialize(describe_dataset(dated), format="nt") == serialize(one, format="nt")
    undated = {name: Graph() for name in dated}
    assert describe_dataset(undated).value(DATASET, DCTERMS.modified) is None


def test_sources_and_bad_input(graphs: dict[str, Graph]) -> None:
    name = sorted(graphs)[0]
    page = "https://www.justiceinspectorates.gov.uk/hmicfrs/news/example/"
    described = describe_dataset(graphs, build_time=WHEN, sources={name: page})
    assert described.value(URIRef(name), PROV.hadPrimarySource) == URIRef(page)
    with pytest.raises(HmicGraphError, match="absolute IRI"):
        describe_dataset(graphs, sources={name: "news page"})
    with pytest.raises(HmicGraphError, match="not one of the graphs"):
        describe_dataset(graphs, sources={"https://example.org/other": page})
    with pytest.raises(HmicGraphError, match="graph name must be an absolute IRI"):
        describe_dataset({"release one": Graph()})
    with pytest.raises(HmicGraphError, match="SPARQL endpoint"):
        describe_dataset(graphs, sparql_endpoint="localhost:8000")
    with pytest.raises(HmicGraphError, match="unknown RDF format"):
        describe_dataset(graphs, formats=["rdf/xml"])


def test_release_url_is_the_default_source(tmp_path: Path) -> None:
    page = tmp_path / "kent.html"
    page.write_text(
        '<html><head><link rel="canonical" href="https://example.org/news/kent"></head>'
        "<body><main><h1>Kent Police praised</h1><p>Kent Police works well.</p></main></body>"
        "</html>",
        encoding="utf-8",
    )
    graph = load_release(page)
    name = release_iri(graph)
    assert graph.value(URIRef(name), SCHEMA.url) is not None
    described = describe_dataset({name: graph}, build_time=WHEN)
    assert described.value(URIRef(name), PROV.hadPrimarySource) == URIRef(
        "https://example.org/news/kent"
    )


def test_data_with_its_description_still_conforms(
    graphs: dict[str, Graph], description: Graph
) -> None:
    combined = Graph()
    for graph in graphs.values():
        combined += graph
    combined += description
    assert validate(combined).conforms


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_a_store_is_described_like_its_graphs(kind: str, graphs: dict[str, Graph]) -> None:
    if kind == "oxigraph":
        pytest.importorskip("pyoxigraph")
    with open_store(kind=kind) as store:
        for name, graph in graphs.items():
            store.add_graph(name, graph)
        from_store = describe_dataset(store.graphs(), build_time=WHEN)
    assert set(from_store) == set(describe_dataset(graphs, build_time=WHEN))
