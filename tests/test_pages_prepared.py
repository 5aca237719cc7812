"""The server builds every police force's HTML page into its cache in the background, at
start and again after the store changes, and what it prepared is what a request gets."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.testclient import TestClient

from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.serve import create_app
from hmic_graph.store import open_store

HTML = "text/html"


def _eventually(check: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_force_pages_are_prepared_at_start_and_after_a_load(
    corpus_batch: list[tuple[str, bytes]],
) -> None:
    with open_store(kind="oxigraph") as store:
        store.add_encoded(corpus_batch[:6], atomic=False)
        app = create_app(store)
        server = app.state.hmic
        with TestClient(app) as client:
            forces = server.pages.police_forces()
            assert len(forces) > 10  # the gazetteer's forces are in every store

            def all_prepared() -> bool:
                return all(
                    server.responses.get(("entity", str(iri), HTML)) is not None for iri in forces
                )

            assert _eventually(all_prepared), "the force pages were not prepared"
            first = forces[0]
            _, kept, _ = server.responses.get(("entity", str(first), HTML))
            reply = client.get("/id/" + str(first)[len(DEFAULT_BASE) :], headers={"Accept": HTML})
            assert reply.status_code == 200
            assert reply.content == kept

            version = server.responses.version()
            store.add_encoded(corpus_batch[6:8], atomic=False)
            assert server.responses.version() != version
            assert _eventually(all_prepared), "the force pages were not prepared again"
