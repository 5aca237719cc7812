"""Kinds of partner as an open vocabulary (hmic_graph.extract.partner_kinds) and
their concepts in the graph. Every text here is invented."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import SKOS

from hmic_graph import build_graph, extract_release
from hmic_graph.extract.concepts import PARTNER_KINDS
from hmic_graph.extract.partner_kinds import kinds_in


def _labels(text: str) -> list[str]:
    return [k.label for k in kinds_in(text)]


def test_kinds_are_kept_as_written_in_the_singular() -> None:
    text = "parish councils, registered social landlords and third-sector organisations take part"
    assert _labels(text) == [
        "parish council",
        "registered social landlord",
        "third-sector organisation",
    ]


def test_and_inside_a_kind_is_not_a_list() -> None:
    assert _labels("detainees are referred to drug and alcohol services") == [
        "drug and alcohol service"
    ]
    assert _labels("it works with councils and housing associations") == [
        "council",
        "housing association",
    ]


def test_a_kind_in_the_singular_needs_the_article_and_a_modifier() -> None:
    assert _labels("it shares information with the probation service") == ["probation service"]
    assert _labels("information is passed to the council on the day") == []
    assert _labels("a committed team of officers") == []


def test_local_and_other_are_not_part_of_a_kind_unless_the_ontology_says_so() -> None:
    assert _labels("staff from local substance misuse services visit") == [
        "substance misuse service"
    ]
    assert _labels("it works with other local authorities") == ["local authority"]


def test_a_bare_plural_is_a_kind_only_where_its_head_names_one() -> None:
    assert _labels("officers visit schools every week") == ["school"]
    assert _labels("it works with partner agencies") == []


def test_a_sentence_may_open_with_a_kind() -> None:
    assert _labels("Registered social landlords attend the meetings") == [
        "registered social landlord"
    ]


def test_a_finer_kind_is_a_concept_under_its_broader_kind() -> None:
    (kind,) = kinds_in("works with district councils")
    assert kind.concept == f"{PARTNER_KINDS}/district-council"
    assert kind.broader == f"{PARTNER_KINDS}/council"
    (known,) = kinds_in("works with councils")
    assert known.concept == f"{PARTNER_KINDS}/council" and known.broader is None


def test_the_graph_mints_the_finer_kind_in_the_scheme_under_the_broader() -> None:
    release = extract_release(
        "Kent Police praised\n\nKent Police works with parish councils and schools.\n"
    )
    graph = build_graph(release)
    parish = URIRef(f"{PARTNER_KINDS}/parish-council")
    assert str(graph.value(parish, SKOS.prefLabel)) == "parish council"
    assert graph.value(parish, SKOS.broader) == URIRef(f"{PARTNER_KINDS}/council")
    assert graph.value(parish, SKOS.inScheme) == URIRef(PARTNER_KINDS)
    assert str(graph.value(URIRef(f"{PARTNER_KINDS}/council"), SKOS.prefLabel)) == "council"
