"""Many releases as one dataset: one graph per release, shared entities under one IRI."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from hmic_graph import load_release, query
from hmic_graph.ingest.releases import load_corpus
from hmic_graph.model.namespaces import HMIC, SCHEMA

PAGE = """#031/2011 Surrey Police makes progress on victims of crime

Her Majesty's Inspectorate of Constabulary (HMIC) found that Surrey Police works well with councils.

Sir Denis O'Connor, HM Chief Inspector of Constabulary, said:

"Surrey Police has listened to victims and acted on what they told it."

Sir Denis added:

"There is still more to do on repeat victims."

#032/2011 Sussex Police must improve its response to burglary

HMIC found that Sussex Police needs to improve how it investigates burglary. The force has
started a new programme with Surrey Police.
"""


def test_a_page_with_two_releases_gives_two_graphs(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    graphs = load_corpus([tmp_path])
    # Each release's IRI comes from its own text; its number stays as data.
    numbers = {str(g.value(URIRef(iri), HMIC.releaseNumber)): iri for iri, g in graphs.items()}
    assert sorted(numbers) == ["031/2011", "032/2011"]
    assert len({iri.rsplit("/", 1)[-1] for iri in graphs}) == 2
    subjects = {
        number: {str(o) for o in graphs[iri].objects(None, HMIC.about)}
        for number, iri in numbers.items()
    }
    assert subjects["031/2011"] == {"https://w3id.org/hmic-graph/id/force/surrey-police"}
    assert subjects["032/2011"] == {"https://w3id.org/hmic-graph/id/force/sussex-police"}


def test_short_forms_of_a_name_are_one_person() -> None:
    graph = load_release(PAGE.split("#032/2011")[0])
    people = list(graph.subjects(RDF.type, SCHEMA.Person))
    assert len(people) == 1
    rows = list(query(graph, "quotes"))
    assert len(rows) == 2
    assert {r["speakerName"] for r in rows} == {"Denis O'Connor"}


def test_shared_entities_have_one_iri_across_releases(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    merged = Graph()
    for graph in load_corpus([tmp_path]).values():
        merged += graph
    surrey = [s for s in merged.subjects(SCHEMA.name, None) if str(s).endswith("/force/surrey-police")]
    assert len(surrey) == 1
    releases = set(merged.subjects(SCHEMA.mentions, surrey[0]))
    assert len(releases) == 2
    publishers = set(merged.objects(None, DCTERMS.publisher))
    assert [str(p) for p in publishers] == ["https://w3id.org/hmic-graph/id/inspectorate/hmic"]


def test_inspection_period_kind_and_judgement() -> None:
    text = (
        "Kent Police requires improvement at keeping people safe\n\n"
        "HMIC found that Kent Police requires improvement. Inspectors visited the force in "
        "March 2016 to look at how it protects vulnerable people.\n"
    )
    rows = list(
        query(
            load_release(text),
            "SELECT ?start ?end ?judgement WHERE { ?i a hmic:Inspection ; schema:startDate ?start ;"
            " schema:endDate ?end ; hmic:judgement/skos:prefLabel ?judgement }",
        )
    )
    assert rows == [{"start": "2016-03", "end": "2016-03", "judgement": "requires improvement"}]


def test_an_earlier_review_is_not_the_inspection_period(seed_text: str) -> None:
    rows = list(query(load_release(seed_text), "SELECT ?s WHERE { ?i schema:startDate ?s }"))
    assert rows == []
