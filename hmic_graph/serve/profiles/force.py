"""The force page: identifiers and links out, inspections in date order, strengths and
areas for improvement apart, alliances, partners by kind and the quotes about it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import ORG, OWL, PROV, RDF
from rdflib.term import Node

from hmic_graph.model.namespaces import HMIC, SCHEMA
from hmic_graph.serve.profiles.common import (
    Facts,
    Finding,
    Inspection,
    QuoteRow,
    _by_position,
    _dates,
    _first_iri,
    _inspections,
    _iris,
    _join,
    _linker,
    _one,
    _own,
    _quotes,
    _sorted_links,
    _subjects,
    _text_labels,
)
from hmic_graph.serve.views import Link

if TYPE_CHECKING:
    from hmic_graph.serve.pages import EntityPages

# --- the force page ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier of a force and where it leads outside."""

    scheme: str
    value: str
    link: Link | None


@dataclass(frozen=True, slots=True)
class PartnerGroup:
    """The partners of a force of one kind (``kind`` ``None``: of no stated kind)."""

    kind: Link | None
    partners: list[Link]


@dataclass(frozen=True, slots=True)
class ForceView:
    """Everything a force page shows besides the generic facts."""

    identifiers: list[Identifier]
    inspections: list[Inspection]
    strengths: list[Finding]
    improvements: list[Finding]
    alliances: list[Link]
    partners: list[PartnerGroup]
    quotes: list[QuoteRow]
    releases: list[tuple[Link, str]] = field(default_factory=list)


_H = "https://w3id.org/hmic-graph/ontology#"
_S = "https://schema.org/"
#: The parts of a force page, each found by one query from ``?force``: one row
#: per part ``?s`` (more when a value repeats), a column per predicate read.
_FORCE_PARTS: tuple[tuple[str, str, dict[str, URIRef]], ...] = (
    (
        "inspections",
        f"SELECT ?s ?release ?kind ?judgement WHERE {{ ?s <{_H}inspectedBody> ?force . "
        "OPTIONAL { ?s <http://www.w3.org/ns/prov#wasDerivedFrom> ?release } "
        f"OPTIONAL {{ ?s <{_H}inspectionKind> ?kind }} OPTIONAL {{ ?s <{_H}judgement> ?judgement }} }}",
        {"release": PROV.wasDerivedFrom, "kind": HMIC.inspectionKind, "judgement": HMIC.judgement},
    ),
    (
        "findings",
        f"SELECT ?s ?type ?text ?release WHERE {{ ?s <{_H}concerns> ?force ; a ?type . "
        f"FILTER(?type IN (<{_H}Strength>, <{_H}AreaForImprovement>)) "
        f"OPTIONAL {{ ?s <{_S}description> ?text }} OPTIONAL {{ ?s <{_S}isPartOf> ?release }} }}",
        {"type": RDF.type, "text": SCHEMA.description, "release": SCHEMA.isPartOf},
    ),
    (
        "partners",
        f"SELECT ?s ?kind WHERE {{ ?force <{_H}worksWith> ?s . "
        f"OPTIONAL {{ ?s <{_H}partnerType> ?kind }} }}",
        {"kind": HMIC.partnerType},
    ),
    (
        "quotes",
        f"SELECT ?s ?release ?text ?speaker WHERE {{ ?release <{_H}about> ?force . "
        f"?s <{_S}isPartOf> ?release ; a <{_H}Quote> . OPTIONAL {{ ?s <{_S}text> ?text }} "
        f"OPTIONAL {{ ?s <{_S}spokenByCharacter> ?speaker }} }}",
        {"release": SCHEMA.isPartOf, "text": SCHEMA.text, "speaker": SCHEMA.spokenByCharacter},
    ),
)
#: The values of parts that are linked from the page.
_LINKED = (HMIC.inspectionKind, HMIC.judgement, HMIC.partnerType, SCHEMA.spokenByCharacter)
# Read for each finding (rdflib makes a new term at every read of a namespace's attribute).
_TYPE, _DESCRIPTION = RDF.type, SCHEMA.description
#: Every predicate some part is read for: each part gets an entry for each.
_FORCE_FACTS: tuple[URIRef, ...] = (
    *dict.fromkeys(p for _, _, columns in _FORCE_PARTS for p in columns.values()),
    HMIC.inspectedBody,
)


def force_view(pages: EntityPages, force: URIRef, description: Graph) -> ForceView:
    """The view of the page of the police force ``force``, described by ``description``."""
    own = _own(
        description,
        force,
        (HMIC.onsCode, HMIC.policeUkId, OWL.sameAs, HMIC.worksWithPartnerType),
    )
    alliances = _subjects(pages, ORG.hasMember, force)
    about = _subjects(pages, HMIC.about, force)
    naming = sorted({*about, *_subjects(pages, SCHEMA.mentions, force)}, key=str)
    # The inspections, findings, partners and quotes of the releases about the
    # force, each read by one query from the force.
    facts: Facts = {}
    parts: dict[str, list[URIRef]] = {}
    for name, query, columns in _FORCE_PARTS:
        read: Facts = {}
        for row in _join(pages, query, force=[force]):
            node = row["s"]
            if not isinstance(node, URIRef):
                continue
            values = read.setdefault(node, {p: [] for p in _FORCE_FACTS})
            for column, predicate in columns.items():
                value = row.get(column)
                if value is not None and value not in values[predicate]:
                    values[predicate].append(value)
        facts.update(read)
        parts[name] = sorted(read, key=str)
    inspections, found, partners, quoted = (
        parts["inspections"],
        parts["findings"],
        parts["partners"],
        parts["quotes"],
    )
    sources = {n: _first_iri(facts[n][PROV.wasDerivedFrom]) for n in inspections}
    parent = {n: _first_iri(facts[n][SCHEMA.isPartOf]) for n in [*found, *quoted]}
    dates = _dates(
        pages, {*naming, *(r for r in sources.values() if r), *(r for r in parent.values() if r)}
    )
    iris: set[Node] = {*facts, *alliances, *naming}
    iris -= {*found, *quoted}
    for values in facts.values():
        for predicate in _LINKED:
            iris.update(values[predicate])
    iris.update(own[HMIC.worksWithPartnerType])
    link = _linker(pages, {**pages.labels_of(iris), **_text_labels(facts, [*found, *quoted])})

    identifiers: list[Identifier] = []
    for code in sorted(str(v) for v in own[HMIC.onsCode]):
        ons = "https://statistics.data.gov.uk/id/statistical-geography/"
        identifiers.append(
            Identifier("ONS code", code, _outside("statistics.data.gov.uk", ons, code))
        )
    for code in sorted(str(v) for v in own[HMIC.policeUkId]):
        police = "https://data.police.uk/api/forces/"
        identifiers.append(
            Identifier("data.police.uk", code, _outside("data.police.uk", police, code))
        )
    for same in _iris(own[OWL.sameAs]):
        if str(same).startswith("http://www.wikidata.org/entity/"):
            code = str(same).rsplit("/", 1)[-1]
            wiki = "https://www.wikidata.org/wiki/"
            identifiers.append(Identifier("Wikidata", code, _outside("Wikidata", wiki, code)))

    def findings(cls: URIRef) -> list[Finding]:
        chosen = [n for n in found if cls in facts[n][_TYPE]]
        views = [
            Finding(
                link(n),
                _one(facts[n][_DESCRIPTION]),
                link(release) if (release := parent[n]) else None,
                dates.get(release, "") if release else "",
            )
            for n in chosen
        ]
        return sorted(views, key=lambda f: (not f.issued, f.issued, _by_position(f.link.iri)))

    by_kind: dict[URIRef | None, set[URIRef]] = {}
    for partner in partners:
        kinds: list[URIRef | None] = [*_iris(facts[partner][HMIC.partnerType])] or [None]
        for kind in kinds:
            by_kind.setdefault(kind, set()).add(partner)
    for kind in _iris(own[HMIC.worksWithPartnerType]):
        by_kind.setdefault(kind, set())
    groups = [
        PartnerGroup(
            link(kind) if kind is not None else None, _sorted_links(link(p) for p in members)
        )
        for kind, members in by_kind.items()
    ]
    groups.sort(key=lambda g: (g.kind is None, g.kind.text.casefold() if g.kind else ""))

    return ForceView(
        identifiers=identifiers,
        inspections=_inspections([(n, sources[n]) for n in inspections], facts, dates, link),
        strengths=findings(HMIC.Strength),
        improvements=findings(HMIC.AreaForImprovement),
        alliances=_sorted_links(link(a) for a in alliances),
        partners=groups,
        quotes=_quotes(quoted, facts, parent, dates, link),
        releases=sorted(
            ((link(r), dates.get(r, "")) for r in naming), key=lambda p: (p[1], p[0].text)
        ),
    )


def _outside(name: str, prefix: str, code: str) -> Link | None:
    """A link out to ``prefix + code`` when the code is a plain identifier, else ``None``."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", code):
        return None
    return Link(f"{code} at {name}", prefix + code, prefix + code)
