"""Shortcuts that make an entity page's first view cheaper give what the long way gives.

- labels made from facts already read (:meth:`EntityPages.labels_from`)
  equal those looked up in the store (:meth:`EntityPages.labels_of`);
- the release page finds names in its text with a plain search, placing
  them where a whole-word regular expression would;
- the Turtle of a page is written by pyoxigraph: the same triples as the
  description, the entity's own first, only the prefixes used, the same
  bytes from two servers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip(
    "starlette", reason="the serve extra (starlette, uvicorn, jinja2, httpx) is not installed"
)
pytest.importorskip("pyoxigraph", reason="the Oxigraph store needs pyoxigraph")

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from hmic_graph.ingest.releases import store_release
from hmic_graph.model.namespaces import HMIC, SCHEMA
from hmic_graph.serve import create_app
from hmic_graph.serve.app import _turtle
from hmic_graph.serve.profiles.release import _occurrences
from hmic_graph.store import open_store

RELEASES = Path(__file__).parent / "releases"
TURTLE = "text/turtle"


@pytest.fixture(scope="module")
def served() -> object:
    with open_store(kind="oxigraph") as store:
        for path in sorted(RELEASES.glob("*/*.txt"))[:6]:
            store_release(store, path, validate=False)
        yield store


def _nodes(store: object, cls: URIRef) -> list[URIRef]:
    graph = store.merged()  # type: ignore[attr-defined]
    return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))


def test_labels_from_facts_equal_labels_looked_up(served: object) -> None:
    pages = create_app(served).state.hmic.pages  # type: ignore[arg-type]
    nodes = [
        *_nodes(served, HMIC.PressRelease),
        *_nodes(served, HMIC.Quote),
        *_nodes(served, HMIC.Inspection),
        *_nodes(served, HMIC.PoliceForce),
    ]
    assert len(nodes) > 10
    facts = pages.backend.objects_of_many(nodes, pages.label_sources)
    made = pages.labels_from(facts)
    looked_up = pages.labels_of(nodes)
    assert made == looked_up and len(made) == len(nodes)
    # Facts that lack a label source give no label: it would be a guess.
    partial = {node: {SCHEMA.name: values[SCHEMA.name]} for node, values in facts.items()}
    assert pages.labels_from(partial) == {}


def _by_regex(text: str, names: list[str]) -> list[tuple[int, int]]:
    taken: list[tuple[int, int]] = []
    for name in sorted(
        {n.strip() for n in names if len(n.strip()) > 2}, key=lambda n: (-len(n), n)
    ):
        for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            span = match.span()
            if not any(span[0] < end and start < span[1] for start, end in taken):
                taken.append(span)
    return sorted(taken)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Kent Police and Kent Police's officers; Kent Policeman.", ["Kent Police", "Kent"]),
        (
            "Avon and Somerset Constabulary (ASC) and ASCs",
            ["Avon and Somerset Constabulary", "ASC"],
        ),
        ("Zoë Billingham_x Zoë Billingham. Billingham", ["Zoë Billingham", "Billingham"]),
        ("ab ab ab ab", ["ab ab", "ab ab ab"]),
        ("Dyfed-Powys Police, Dyfed-Powys", ["Dyfed-Powys", "Powys Police", "Dyfed-Powys Police"]),
        ("HMIC: HMICFRS and HMIC.", ["HMIC", "HMICFRS", "  "]),
        ("Naïve café Café", ["café", "Naïve café"]),
    ],
)
def test_names_are_placed_as_a_whole_word_regex_places_them(text: str, names: list[str]) -> None:
    assert _occurrences(text, names) == _by_regex(text, names)


def test_turtle_pages_are_the_description_entity_first_with_used_prefixes(served: object) -> None:
    first = create_app(served).state.hmic  # type: ignore[arg-type]
    second = create_app(served).state.hmic  # type: ignore[arg-type]
    release = _nodes(served, HMIC.PressRelease)[0]
    quote = _nodes(served, HMIC.Quote)[0]
    for iri in (release, quote):
        status, body, media_type = first._entity(iri, TURTLE)
        assert (status, media_type) == (200, TURTLE)
        assert second._entity(iri, TURTLE)[1] == body
        parsed = Graph().parse(data=body, format="turtle")
        assert isomorphic(parsed, first.pages.description(iri))
        statements = [line for line in body.splitlines() if line and not line.startswith("@prefix")]
        assert statements[0].startswith(f"<{iri}> ")
        declared = {
            line.split()[1].rstrip(":") for line in body.splitlines() if line.startswith("@prefix")
        }
        assert declared and all(f"{prefix}:" in "\n".join(statements) for prefix in declared)


def test_a_description_with_blank_nodes_goes_to_the_library_writer() -> None:
    iri = URIRef("https://w3id.org/hmic-graph/id/force/example")
    graph = Graph()
    node = BNode()
    graph.add((iri, SCHEMA.address, node))
    graph.add((node, SCHEMA.name, Literal("A street")))
    text = _turtle(iri, graph)
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)
    assert "_:" not in text  # the library's writer nests it
