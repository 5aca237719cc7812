"""Shared fixtures: the bundled example release and its graph, built once per session."""

from __future__ import annotations

import pytest
from rdflib import Graph

from hmic_graph.extract.sources import source_from_text
from hmic_graph.ingest.releases import load_source
from hmic_graph.model.resources import example_releases


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
