"""What entity pages keep between requests follows the store's generation.

The facts of a release's parts are kept per store version (a post or a
report is part of dozens of releases, see
:meth:`hmic_graph.serve.pages.EntityPages.facts`): kept facts must equal
fresh ones, and a page built after a write must show the new data, as the
labels and the response cache do (``tests/test_serve_bench.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip(
    "starlette", reason="the serve extra (starlette, uvicorn, jinja2, httpx) is not installed"
)
pytest.importorskip("pyoxigraph", reason="the Oxigraph store needs pyoxigraph")

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from hmic_graph.ingest.releases import store_release
from hmic_graph.model.namespaces import HMIC, SCHEMA
from hmic_graph.serve import create_app
from hmic_graph.store import open_store

RELEASES = Path(__file__).parent / "releases"
HTML = "text/html"
PREDICATES = (RDF.type, SCHEMA.text)


def test_kept_facts_equal_fresh_ones_and_follow_the_store_generation() -> None:
    release_file = sorted(RELEASES.glob("*/*.txt"))[0]
    with open_store(kind="oxigraph") as store:
        name = store_release(store, release_file, validate=False)
        graph = store.graph(name)
        quote = min(s for s in graph.subjects(RDF.type, HMIC.Quote) if isinstance(s, URIRef))
        said = graph.value(quote, SCHEMA.text)
        assert isinstance(said, Literal)
        server = create_app(store).state.hmic
        pages, release = server.pages, URIRef(name)

        cache = pages._facts
        assert cache is not None
        kept = pages.facts([quote], PREDICATES)
        assert kept == server.backend.objects_of_many([quote], PREDICATES)
        hits = cache.hits
        assert pages.facts([quote], PREDICATES) == kept and cache.hits == hits + 1
        status, before, _ = server._entity(release, HTML)
        assert status == 200 and "written after" not in before

        graph.remove((quote, SCHEMA.text, said))
        graph.add((quote, SCHEMA.text, Literal("A text written after the page was made.")))
        store.add_graph(name, graph)  # the generation moves on

        assert pages.facts([quote], PREDICATES)[quote][SCHEMA.text] == [
            Literal("A text written after the page was made.")
        ]
        _, after, _ = server._entity(release, HTML)
        assert "A text written after the page was made." in after
