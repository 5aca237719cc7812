"""Search by name (through an index of names kept per version of the store, so the text
searched for never becomes part of a query) and SPARQL results as a table of links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF

from hmic_graph.model.namespaces import HMIC, SCHEMA
from hmic_graph.serve.profiles.common import (
    _facts,
    _sorted_links,
    _subjects,
)
from hmic_graph.serve.views import Link

if TYPE_CHECKING:
    from hmic_graph.serve.pages import EntityPages

# --- search --------------------------------------------------------------------------


#: What search looks through: (heading, class), in the order results are shown.
SEARCHED: tuple[tuple[str, URIRef], ...] = (
    ("Forces", HMIC.PoliceForce),
    ("People", SCHEMA.Person),
    ("Reports", HMIC.Report),
    ("Releases", HMIC.PressRelease),
)
_MAX_SEARCH_TEXT = 200
_MAX_HITS = 100

#: The names searched: names, other names, titles and headlines.
_SEARCH_NAMES: tuple[URIRef, ...] = (
    SCHEMA.name,
    SCHEMA.alternateName,
    DCTERMS.title,
    SCHEMA.headline,
)


def _search_index(pages: EntityPages) -> list[tuple[int, URIRef, str]]:
    """(section, entity, name in lower case) for every name of everything searched."""
    index: list[tuple[int, URIRef, str]] = []
    for section, (_, cls) in enumerate(SEARCHED):
        members = _subjects(pages, RDF.type, cls)
        for entity, values in _facts(pages, members, _SEARCH_NAMES).items():
            for predicate in _SEARCH_NAMES:
                index.extend((section, entity, str(name).casefold()) for name in values[predicate])
    return index


@dataclass(frozen=True, slots=True)
class SearchView:
    """The answer to a search: the text searched for and the hits by class."""

    text: str
    groups: list[tuple[str, list[Link], int]]

    @property
    def total(self) -> int:
        """How many things were found."""
        return sum(count for _, _, count in self.groups)


def search_view(pages: EntityPages, text: str) -> SearchView:
    """Forces, people, reports and releases whose name, title or headline contains ``text``.

    Case is ignored; an empty or blank text finds nothing; the text is cut
    to 200 characters. The names are read once per version of the store
    and searched in memory: the text never becomes part of a query.
    """
    needle = " ".join(text.split())[:_MAX_SEARCH_TEXT]
    if not needle:
        return SearchView("", [])
    wanted = needle.casefold()
    found: list[set[URIRef]] = [set() for _ in SEARCHED]
    for section, entity, name in pages.kept("search", lambda: _search_index(pages)):
        if wanted in name:
            found[section].add(entity)
    hits = [sorted(entities, key=str) for entities in found]
    known = pages.labels_of(e for entities in hits for e in entities[:_MAX_HITS])
    return SearchView(
        needle,
        [
            (
                heading,
                _sorted_links(pages.link(e, known) for e in entities[:_MAX_HITS]),
                len(entities),
            )
            for (heading, _), entities in zip(SEARCHED, hits, strict=True)
        ],
    )


# --- SPARQL results as a table -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One value of a result row: a link for an IRI, else text with a note (datatype, language)."""

    link: Link | None = None
    text: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class ResultsView:
    """A SELECT or ASK result for the HTML table of the SPARQL page."""

    columns: list[str]
    rows: list[list[Cell]]


def results_view(
    pages: EntityPages, columns: Iterable[str], rows: Iterable[Mapping[str, Mapping[str, str]]]
) -> ResultsView:
    """A table of SPARQL JSON result rows (``{"type": "uri", "value": ...}`` terms).

    IRIs link to their page under ``/id/`` when they are under the base.
    """
    names = list(columns)
    table: list[list[Cell]] = []
    for row in rows:
        cells: list[Cell] = []
        for name in names:
            term = row.get(name)
            if term is None:
                cells.append(Cell())
            elif term.get("type") == "uri":
                iri = term.get("value", "")
                target = pages.link(URIRef(iri)) if iri.startswith(pages.base) else None
                cells.append(Cell(Link(iri, iri, target.href if target else _http(iri))))
            else:
                note = term.get("xml:lang", "") and "@" + term["xml:lang"]
                datatype = term.get("datatype", "")
                if datatype and not note:
                    note = pages.curie(datatype)
                cells.append(Cell(text=term.get("value", ""), note=note))
        table.append(cells)
    return ResultsView(names, table)


def _http(iri: str) -> str | None:
    return iri if re.match(r"^https?://[^\s<>\"'`]+$", iri) else None
