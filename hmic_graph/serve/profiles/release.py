"""The release page: the article in full, every extracted span highlighted by kind and
linking to its node, and what the graph says about the release beside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF
from rdflib.term import Node

from hmic_graph.model.namespaces import HMIC, SCHEMA
from hmic_graph.serve.profiles.common import (
    _KIND_OF_TYPE,
    KINDS,
    Finding,
    Highlight,
    Inspection,
    Kind,
    QuoteRow,
    Segment,
    _by_position,
    _first_iri,
    _inspections,
    _iris,
    _join,
    _linker,
    _one,
    _own,
    _sorted_links,
    _subjects,
    _text_labels,
    segments,
)
from hmic_graph.serve.views import Link

if TYPE_CHECKING:
    from hmic_graph.serve.pages import EntityPages

# --- the release page ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One kind in the legend, with how many of its spans the text has."""

    kind: Kind
    count: int


@dataclass(frozen=True, slots=True)
class ReleaseView:
    """Everything a release page shows besides the generic facts."""

    headline: str
    issued: str
    number: str
    segments: list[Segment]
    legend: list[LegendEntry]
    about: list[Link]
    publishers: list[Link]
    inspections: list[Inspection]
    strengths: list[Finding]
    improvements: list[Finding]
    other_findings: list[Finding]
    quotes: list[QuoteRow]
    reports: list[Link]
    alliances: list[Link]
    partners: list[Link]
    contacts: list[tuple[Link, str]]
    mentions: list[Link]
    unplaced: int = 0


#: What is read about the parts of a release (its quotes, findings, inspections, ...).
_PART_FACTS: tuple[URIRef, ...] = (
    RDF.type,
    SCHEMA.text,
    SCHEMA.description,
    SCHEMA.spokenByCharacter,
    SCHEMA.telephone,
    HMIC.inspectedBody,
    HMIC.inspectionKind,
    HMIC.judgement,
)
#: What is read about the things a release names: shared nodes with many
#: statements (an inspectorate has a contact point per release), so only these.
_NAMED_FACTS: tuple[URIRef, ...] = (RDF.type, SCHEMA.name, SCHEMA.alternateName)
_SELECTORS = (
    "SELECT ?selector ?node ?start ?end WHERE { "
    "?selector <http://purl.org/dc/terms/source> ?release ; "
    "<http://www.w3.org/ns/oa#start> ?start ; <http://www.w3.org/ns/oa#end> ?end . "
    "?node <https://w3id.org/hmic-graph/ontology#evidence> ?selector }"
)
#: Parts shown as texts; findings graded; what the page lists apart from the names.
_TEXTS = frozenset({HMIC.Quote, HMIC.Finding})
_GRADED = frozenset({HMIC.Strength, HMIC.AreaForImprovement})
_LISTED_APART = frozenset({HMIC.Report, HMIC.PartnerOrganization, HMIC.StrategicAlliance})
_RELEASE_FACTS: tuple[URIRef, ...] = (
    SCHEMA.headline,
    DCTERMS.issued,
    HMIC.releaseNumber,
    SCHEMA.articleBody,
    HMIC.about,
    SCHEMA.mentions,
    DCTERMS.publisher,
)


def release_view(pages: EntityPages, release: URIRef, description: Graph) -> ReleaseView:
    """The view of the page of the press release ``release``, described by ``description``.

    Read with pattern lookups and batched fact lookups (a few milliseconds
    on a store of 1,000 releases), not with joins over the whole store.
    """
    head = _own(description, release, _RELEASE_FACTS)
    body = _one(head[SCHEMA.articleBody])
    about, mentioned = _iris(head[HMIC.about]), _iris(head[SCHEMA.mentions])
    parts = sorted(
        {
            *_subjects(pages, PROV.wasDerivedFrom, release),
            *_subjects(pages, SCHEMA.isPartOf, release),
        },
        key=str,
    )
    # Every selector into the release text, where it points and what it is evidence for.
    positions: dict[URIRef, tuple[str, str]] = {}
    evidence_of: dict[URIRef, list[URIRef]] = {}
    for row in _join(pages, _SELECTORS, release=[release]):
        selector, node = row["selector"], row["node"]
        if isinstance(selector, URIRef) and isinstance(node, URIRef):
            positions[selector] = (str(row["start"]), str(row["end"]))
            evidence_of.setdefault(selector, []).append(node)
    selectors = sorted(positions, key=str)
    evidenced = {node for nodes in evidence_of.values() for node in nodes}
    # Read with what labels are made of: the parts are new on each release's
    # page, and their labels would otherwise cost another lookup.
    facts = pages.facts(parts, (*_PART_FACTS, *pages.label_sources))
    part_labels = pages.labels_from(facts)
    speakers = {s for values in facts.values() for s in _iris(values[SCHEMA.spokenByCharacter])}
    # One lookup per named node, not a batch: a batch reads every statement of
    # each node, and an inspectorate has thousands (a contact point per release).
    # Named nodes recur on many pages, so what is read is kept (per store version).
    kept: dict[URIRef, dict[URIRef, list[Node]]] = pages.kept("named-facts", dict)
    named = {}
    for node in sorted({*about, *mentioned, *evidenced, *speakers} - set(facts), key=str):
        found = kept.get(node)
        if found is None:
            found = kept[node] = pages.backend.objects_of(node, _NAMED_FACTS)
        named[node] = found
    facts.update(
        {node: {p: values.get(p, []) for p in _PART_FACTS} for node, values in named.items()}
    )
    names = {
        node: [*values[SCHEMA.name], *values[SCHEMA.alternateName]]
        for node, values in named.items()
    }
    # The types of a node are asked for hundreds of times per page.
    types_of = {node: frozenset(values[RDF.type]) for node, values in facts.items()}

    def types(node: URIRef) -> frozenset[Node]:
        return types_of.get(node, frozenset())

    inspections = [n for n in parts if HMIC.Inspection in types(n)]
    texts = [n for n in parts if types(n) & _TEXTS]
    iris: set[Node] = {release, *facts, *_iris(head[DCTERMS.publisher])}
    iris -= set(texts)
    for node in inspections:
        for predicate in (HMIC.inspectedBody, HMIC.inspectionKind, HMIC.judgement):
            iris.update(facts[node][predicate])
    part_labels.update(
        pages.labels_from(
            {release: {p: list(description.objects(release, p)) for p in pages.label_sources}}
        )
    )
    link = _linker(
        pages,
        {
            **pages.labels_of(n for n in iris if str(n) not in part_labels),
            **part_labels,
            **_text_labels(facts, texts),
        },
    )

    # Spans from evidence selectors, the kind from the type of the node they are evidence for.
    highlights: dict[tuple[int, int, str], Highlight] = {}
    unplaced = 0
    for selector in selectors:
        try:
            start, end = (int(position) for position in positions[selector])
        except ValueError:
            continue
        for node in evidence_of[selector]:
            kind = _kind_of(types(node))
            if not kind:
                continue
            if not 0 <= start < end <= len(body):
                unplaced += 1
                continue
            target = link(node)
            highlights.setdefault(
                (start, end, str(node)),
                Highlight(start, end, kind, target, f"{kind}: {target.text}"),
            )
    # Spans from names: the organisations and people the release names, where the text has them.
    for entity in sorted({*about, *mentioned, *speakers}, key=str):
        kind = _kind_of(types(entity))
        if kind not in ("force", "person", "partner", "alliance", "report"):
            continue
        target = link(entity)
        for start, end in _occurrences(body, (str(n) for n in names.get(entity, []))):
            highlights.setdefault(
                (start, end, str(entity)),
                Highlight(start, end, kind, target, f"{kind}: {target.text}"),
            )
    placed = sorted(highlights.values(), key=lambda h: (h.start, h.end, h.link.iri))
    counts = {k.key: 0 for k in KINDS}
    for highlight in placed:
        counts[highlight.kind] += 1

    def of_type(nodes: Iterable[URIRef], cls: URIRef) -> list[URIRef]:
        return [n for n in nodes if cls in types(n)]

    def findings(cls: URIRef | None) -> list[Finding]:
        chosen = [
            n
            for n in of_type(parts, HMIC.Finding)
            if (cls in types(n) if cls is not None else not types(n) & _GRADED)
        ]
        return [
            Finding(link(n), _one(facts[n][SCHEMA.description]))
            for n in sorted(chosen, key=_by_position)
        ]

    quotes = [
        QuoteRow(
            link(n),
            link(speaker) if (speaker := _first_iri(facts[n][SCHEMA.spokenByCharacter])) else None,
            _one(facts[n][SCHEMA.text]),
        )
        for n in sorted(of_type(parts, HMIC.Quote), key=_by_position)
    ]
    contacts = [
        (link(n), _one(facts[n][SCHEMA.telephone]))
        for n in sorted(of_type(parts, HMIC.ContactPoint), key=_by_position)
    ]
    cited = {*mentioned, *evidenced}
    return ReleaseView(
        headline=_one(head[SCHEMA.headline]) or pages.label(release),
        issued=_one(head[DCTERMS.issued]),
        number=_one(head[HMIC.releaseNumber]),
        segments=segments(body, placed),
        legend=[LegendEntry(k, counts[k.key]) for k in KINDS],
        about=_sorted_links(link(n) for n in about),
        publishers=_sorted_links(link(n) for n in _iris(head[DCTERMS.publisher])),
        inspections=_inspections(
            [(n, release) for n in inspections], facts, {release: _one(head[DCTERMS.issued])}, link
        ),
        strengths=findings(HMIC.Strength),
        improvements=findings(HMIC.AreaForImprovement),
        other_findings=findings(None),
        quotes=quotes,
        reports=_sorted_links(link(n) for n in of_type(cited, HMIC.Report)),
        alliances=_sorted_links(link(n) for n in of_type({*cited, *parts}, HMIC.StrategicAlliance)),
        partners=_sorted_links(link(n) for n in of_type(mentioned, HMIC.PartnerOrganization)),
        contacts=contacts,
        mentions=_sorted_links(link(n) for n in mentioned if not types(n) & _LISTED_APART),
        unplaced=unplaced,
    )


def _kind_of(types: Iterable[Node]) -> str:
    found = set(types)
    return next((kind for cls, kind in _KIND_OF_TYPE if cls in found), "")


def _occurrences(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where any of ``names`` occurs in ``text`` as whole words, longest names first, no overlaps."""
    taken: list[tuple[int, int]] = []
    for name in sorted(
        {n.strip() for n in names if len(n.strip()) > 2}, key=lambda n: (-len(n), n)
    ):
        # A search, not a regular expression: each name would be a new
        # pattern to compile, and compiling a long title costs a millisecond.
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            whole = not (start > 0 and _word(text[start - 1])) and not (
                end < len(text) and _word(text[end])
            )
            if whole and not any(start < right and left < end for left, right in taken):
                taken.append((start, end))
            start = text.find(name, end if whole else start + 1)
    return sorted(taken)


def _word(character: str) -> bool:
    """Whether ``character`` is what a regular expression's ``\\w`` matches."""
    return character.isalnum() or character == "_"
