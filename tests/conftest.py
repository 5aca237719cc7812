"""Shared fixtures, built once per session: the bundled example release and its graph, and
the test corpus's graphs ready to store."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from hmic_graph.extract.sources import source_from_text
from hmic_graph.ingest.releases import load_release, load_source, release_name
from hmic_graph.model.errors import NotARelease
from hmic_graph.model.resources import example_releases
from hmic_graph.store import encode_graph

CORPUS = Path(__file__).resolve().parent / "releases"


@pytest.fixture(scope="session")
def seed_name_and_text() -> tuple[str, str]:
    name, text = example_releases()[0]
    return name, text


@pytest.fixture(scope="session")
def seed_text(seed_name_and_text: tuple[str, str]) -> str:
    return seed_name_and_text[1]


@pytest.fixture(scope="session")
def seed_graph(seed_name_and_text: tuple[str, str]) -> Graph:
    name, text = seed_name_and_text
    return load_source(source_from_text(text, path=name))


@pytest.fixture(scope="session")
def corpus_batch() -> list[tuple[str, bytes]]:
    """Every release of ``tests/releases`` as ``(graph name, encoded graph)``, without SHACL,
    for ``ReleaseStore.add_encoded``: extraction is most of a store's making, so the modules
    that serve the corpus share it. The recipe the corpus holds on purpose is left out."""
    batch = []
    for path in sorted(CORPUS.glob("*/*.txt")):
        try:
            graph = load_release(path)
        except NotARelease:
            continue
        name = release_name(graph)
        batch.append((name, encode_graph(name, graph)))
    return batch
