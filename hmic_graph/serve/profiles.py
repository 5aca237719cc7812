"""The pages people read: a release with its text marked up, a force, a person, search, results.

Where :mod:`hmic_graph.serve.pages` shows any node as a table of its facts,
this module builds the views of the three kinds of page readers come for,
as plain data for the templates (which escape everything):

* a **release**: the article in full, every extracted span highlighted by
  kind (:data:`KINDS`) and linking to its node, and what the graph says
  about the release beside it;
* a **force**: its identifiers and links out, its inspections in date order,
  strengths and areas for improvement apart, alliances, partners by kind and
  the quotes of the releases about it;
* a **person**: the posts held over time and every quote with its release.

Spans come from two places. Quotes, findings, reports, alliances, posts and
contact points carry evidence selectors (``oa:start``/``oa:end`` into the
release text). Forces, people and partners have none, so the names the graph
gives the organisations and people the release mentions are found in its
text. Highlights may nest (a force named inside a quote): the text is cut at
every span boundary and each piece links to the innermost span covering it.

The data is read from the union of the release graphs with the backend's
pattern lookups (:meth:`~hmic_graph.serve.backend.Backend.triples`,
``objects_of``, ``objects_of_many``), not with SPARQL joins: pyoxigraph
evaluated the joins over the whole store before applying the page's IRI
(seconds per page on 1,000 releases, against milliseconds). Search looks
through an index of names kept per version of the store, so the text
searched for never becomes part of a query.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF
from rdflib.term import Node

from hmic_graph.model.namespaces import HMIC, SCHEMA

if TYPE_CHECKING:
    from hmic_graph.serve.pages import EntityPages, Link

__all__ = [
    "KINDS",
    "ForceView",
    "Highlight",
    "Kind",
    "PersonView",
    "ReleaseView",
    "ResultsView",
    "SearchView",
    "Segment",
    "force_view",
    "page_kind",
    "person_view",
    "release_view",
    "results_view",
    "search_view",
    "segments",
]


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of highlighted span: its CSS key, its name in the legend, and what it marks."""

    key: str
    label: str
    meaning: str


#: The kinds of span on a release page, in the legend's order.
KINDS: tuple[Kind, ...] = (
    Kind("quote", "quote", "a quoted statement, linking to the quote"),
    Kind("finding", "finding", "a strength or an area for improvement"),
    Kind("force", "force", "a police force or other inspected body named"),
    Kind("person", "person", "a person named, or the post a speaker holds"),
    Kind("report", "report", "a report named"),
    Kind("alliance", "alliance", "a strategic alliance of forces"),
    Kind("partner", "partner", "a partner organisation"),
    Kind("contact", "contact", "a press contact point"),
)

#: The kind of a span from the type of the node it is evidence for (first match wins).
_KIND_OF_TYPE: tuple[tuple[URIRef, str], ...] = (
    (HMIC.Quote, "quote"),
    (HMIC.Finding, "finding"),
    (HMIC.Report, "report"),
    (HMIC.StrategicAlliance, "alliance"),
    (HMIC.ContactPoint, "contact"),
    (ORG.Post, "person"),
    (HMIC.PoliceForce, "force"),
    (HMIC.InspectedBody, "force"),
    (SCHEMA.Person, "person"),
    (HMIC.PartnerOrganization, "partner"),
)

# --- highlighting ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Highlight:
    """A span of the release text ``[start, end)`` of one kind, linking to its node."""

    start: int
    end: int
    kind: str
    link: Link
    note: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the text; ``kinds`` are the covering spans' kinds, outermost first.

    ``link`` is the innermost span's, and ``title`` names every covering span.
    A piece no span covers has no kinds and no link.
    """

    text: str
    kinds: tuple[str, ...] = ()
    link: Link | None = None
    title: str = ""

    @property
    def css(self) -> str:
        """The classes of the piece: ``hl k-{outer}``, and ``in-{inner}`` when nested."""
        if not self.kinds:
            return ""
        classes = f"hl k-{self.kinds[0]}"
        if len(self.kinds) > 1:
            classes += f" in-{self.kinds[-1]}"
        return classes


def segments(text: str, highlights: Iterable[Highlight]) -> list[Segment]:
    """``text`` cut at every highlight boundary, each piece with the spans covering it.

    Spans outside the text or empty are left out; overlapping spans need not
    nest.

    >>> from hmic_graph.serve.pages import Link
    >>> q = Highlight(0, 11, "quote", Link("q", "https://x/q", "/id/q"), "quote")
    >>> f = Highlight(0, 4, "force", Link("Kent", "https://x/k", "/id/k"), "force: Kent")
    >>> [(s.text, s.kinds, s.link.text if s.link else None) for s in segments("Kent is ok. Yes", [q, f])]
    [('Kent', ('quote', 'force'), 'Kent'), (' is ok.', ('quote',), 'q'), (' Yes', (), None)]
    """
    spans = [h for h in highlights if 0 <= h.start < h.end <= len(text)]
    cuts = sorted({0, len(text), *(h.start for h in spans), *(h.end for h in spans)})
    pieces: list[Segment] = []
    for left, right in itertools.pairwise(cuts):
        covering = sorted(
            (h for h in spans if h.start <= left and right <= h.end),
            key=lambda h: (h.start - h.end, _kind_rank(h.kind), h.link.iri),
        )
        if not covering:
            pieces.append(Segment(text[left:right]))
            continue
        pieces.append(
            Segment(
                text[left:right],
                tuple(h.kind for h in covering),
                covering[-1].link,
                "; ".join(h.note for h in covering),
            )
        )
    return pieces


def _kind_rank(kind: str) -> int:
    return next(i for i, k in enumerate(KINDS) if k.key == kind)


# --- reading the store ---------------------------------------------------------------


Facts = dict[URIRef, dict[URIRef, list[Node]]]


def _join(pages: EntityPages, query: str, **values: Iterable[URIRef]) -> list[dict[str, Node]]:
    """The rows of ``query`` (a SELECT ... WHERE { ... }) with each ``values`` variable bound.

    The values go in as a ``VALUES`` block of IRIs taken from the store and
    written by pyoxigraph. Oxigraph starts the join from them; its own
    substitutions were applied after evaluating the whole pattern, seconds
    on 1,000 releases.
    """
    import pyoxigraph

    from hmic_graph.rdf.terms import from_oxigraph

    chosen = {name: sorted(set(iris), key=str) for name, iris in values.items()}
    if any(not iris for iris in chosen.values()):
        return []
    blocks = "".join(
        f"VALUES ?{name} {{ {' '.join(str(pyoxigraph.NamedNode(str(v))) for v in iris)} }} "
        for name, iris in chosen.items()
    )
    head, _, body = query.partition("WHERE {")
    solutions: Any = pages.backend.oxigraph.query(f"{head}WHERE {{ {blocks}{body}")
    names = [v.value for v in solutions.variables]
    return [
        {
            name: from_oxigraph(term)
            for name, term in zip(names, solution, strict=True)
            if term is not None
        }
        for solution in solutions
    ]


def _subjects(pages: EntityPages, predicate: URIRef, obj: Node) -> list[URIRef]:
    """The IRIs ``s`` with ``s predicate obj`` in any release graph, sorted."""
    return sorted(
        {s for s, _, _ in pages.backend.triples((None, predicate, obj)) if isinstance(s, URIRef)},
        key=str,
    )


def _facts(pages: EntityPages, nodes: Iterable[URIRef], predicates: tuple[URIRef, ...]) -> Facts:
    """The values of ``predicates`` for each of ``nodes``, read in batches."""
    chosen = sorted(set(nodes), key=str)
    return pages.backend.objects_of_many(chosen, predicates) if chosen else {}


def _one(values: Iterable[Node]) -> str:
    """The text of the smallest value (a stable choice), or ``""``."""
    texts = sorted(str(v) for v in values)
    return texts[0] if texts else ""


def _iris(values: Iterable[Node]) -> list[URIRef]:
    return sorted({v for v in values if isinstance(v, URIRef)}, key=str)


def _dates(pages: EntityPages, releases: Iterable[URIRef]) -> dict[URIRef, str]:
    """The ``dcterms:issued`` date of each release (``""`` when it has none), in one query."""
    chosen = set(releases)
    found = {release: "" for release in chosen}
    for row in _join(pages, _DATES, release=chosen):
        release = row["release"]
        if isinstance(release, URIRef):
            found[release] = min(filter(None, (found[release], str(row["date"]))), default="")
    return found


_DATES = "SELECT ?release ?date WHERE { ?release <http://purl.org/dc/terms/issued> ?date }"


def page_kind(types: Iterable[Node]) -> str:
    """Which readable page a node with these ``rdf:type`` values gets: release, force, person or ``""``."""
    found = set(types)
    if HMIC.PressRelease in found:
        return "release"
    if HMIC.PoliceForce in found:
        return "force"
    if SCHEMA.Person in found:
        return "person"
    return ""


# --- the release page ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One kind in the legend, with how many of its spans the text has."""

    kind: Kind
    count: int


@dataclass(frozen=True, slots=True)
class Inspection:
    """An inspection as a release reports it (kind and judgement may be unknown)."""

    link: Link
    body: Link | None
    kind: Link | None
    judgements: list[Link]
    release: Link | None = None
    issued: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding's text, linking to it, and the release it comes from."""

    link: Link
    text: str
    release: Link | None = None
    issued: str = ""


@dataclass(frozen=True, slots=True)
class QuoteRow:
    """A quote: who said it, what they said, and where."""

    link: Link
    speaker: Link | None
    text: str
    release: Link | None = None
    issued: str = ""


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
_RELEASE_FACTS: tuple[URIRef, ...] = (
    SCHEMA.headline,
    DCTERMS.issued,
    HMIC.releaseNumber,
    SCHEMA.articleBody,
    HMIC.about,
    SCHEMA.mentions,
    DCTERMS.publisher,
)


def release_view(pages: EntityPages, release: URIRef) -> ReleaseView:
    """The view of the page of the press release ``release``.

    Read with pattern lookups and batched fact lookups (a few milliseconds
    on a store of 1,000 releases), not with joins over the whole store.
    """
    head = pages.backend.objects_of(release, _RELEASE_FACTS)
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
    facts = _facts(pages, parts, _PART_FACTS)
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
    inspections = [n for n in parts if HMIC.Inspection in facts[n][RDF.type]]
    texts = [n for n in parts if _types_of(facts, n) & {HMIC.Quote, HMIC.Finding}]
    iris: set[Node] = {release, *facts, *_iris(head[DCTERMS.publisher])}
    iris -= set(texts)
    for node in inspections:
        for predicate in (HMIC.inspectedBody, HMIC.inspectionKind, HMIC.judgement):
            iris.update(facts[node][predicate])
    known = {**pages.labels_of(iris), **_text_labels(facts, texts)}

    def link(iri: URIRef) -> Link:
        return pages.link(iri, known)

    def types(node: URIRef) -> set[Node]:
        return set(facts[node][RDF.type]) if node in facts else set()

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
            if (
                cls in types(n)
                if cls is not None
                else not types(n) & {HMIC.Strength, HMIC.AreaForImprovement}
            )
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
        mentions=_sorted_links(
            link(n)
            for n in mentioned
            if not types(n) & {HMIC.Report, HMIC.PartnerOrganization, HMIC.StrategicAlliance}
        ),
        unplaced=unplaced,
    )


def _types_of(facts: Facts, node: URIRef) -> set[Node]:
    """The ``rdf:type`` values read for ``node`` (none if it was not read)."""
    return set(facts[node].get(RDF.type, [])) if node in facts else set()


def _text_labels(facts: Facts, nodes: Iterable[URIRef]) -> dict[str, str]:
    """Labels of quotes and findings from the texts already read (what a label lookup would give).

    Saves looking up hundreds of labels on a force or person page.
    """
    from hmic_graph.serve.pages import shorten

    found: dict[str, str] = {}
    for node in nodes:
        values = facts.get(node, {})
        text = _one([*values.get(SCHEMA.text, []), *values.get(SCHEMA.description, [])])
        if text:
            found[str(node)] = shorten(text)
    return found


def _first_iri(values: Iterable[Node]) -> URIRef | None:
    found = _iris(values)
    return found[0] if found else None


def _kind_of(types: Iterable[Node]) -> str:
    found = set(types)
    return next((kind for cls, kind in _KIND_OF_TYPE if cls in found), "")


def _occurrences(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where any of ``names`` occurs in ``text`` as whole words, longest names first, no overlaps."""
    taken: list[tuple[int, int]] = []
    for name in sorted(
        {n.strip() for n in names if len(n.strip()) > 2}, key=lambda n: (-len(n), n)
    ):
        for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            span = match.span()
            if not any(span[0] < end and start < span[1] for start, end in taken):
                taken.append(span)
    return sorted(taken)


def _by_position(node: URIRef) -> tuple[int, str]:
    """Parts of a release minted as ``.../quote/1203-1528`` sort by where they start."""
    match = re.search(r"/(\d+)-\d+$", str(node))
    return (int(match.group(1)) if match else 1 << 30, str(node))


def _sorted_links(links: Iterable[Link]) -> list[Link]:
    return sorted(set(links), key=lambda k: (k.text.casefold(), k.iri))


def _inspections(
    pairs: Iterable[tuple[URIRef, URIRef | None]],
    facts: Facts,
    dates: Mapping[URIRef, str],
    link: Any,
) -> list[Inspection]:
    """Inspections (each with the release reporting it) in date order, undated last."""
    views = []
    for node, release in pairs:
        values = facts[node]
        body, kind = _first_iri(values[HMIC.inspectedBody]), _first_iri(values[HMIC.inspectionKind])
        views.append(
            Inspection(
                link(node),
                link(body) if body else None,
                link(kind) if kind else None,
                _sorted_links(link(j) for j in _iris(values[HMIC.judgement])),
                link(release) if release else None,
                dates.get(release, "") if release else "",
            )
        )
    return sorted(
        views,
        key=lambda v: (not v.issued, v.issued, v.release.text if v.release else "", v.link.iri),
    )


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
#: Every predicate some part is read for: each part gets an entry for each.
_FORCE_FACTS: tuple[URIRef, ...] = (
    *dict.fromkeys(p for _, _, columns in _FORCE_PARTS for p in columns.values()),
    HMIC.inspectedBody,
)


def force_view(pages: EntityPages, force: URIRef) -> ForceView:
    """The view of the page of the police force ``force``."""
    own = pages.backend.objects_of(
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
        for predicate in (
            HMIC.inspectionKind,
            HMIC.judgement,
            HMIC.partnerType,
            SCHEMA.spokenByCharacter,
        ):
            iris.update(values[predicate])
    iris.update(own[HMIC.worksWithPartnerType])
    known = {**pages.labels_of(iris), **_text_labels(facts, [*found, *quoted])}

    def link(iri: URIRef) -> Link:
        return pages.link(iri, known)

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
        chosen = [n for n in found if cls in facts[n][RDF.type]]
        views = [
            Finding(
                link(n),
                _one(facts[n][SCHEMA.description]),
                link(release) if (release := parent[n]) else None,
                dates.get(release, "") if release else "",
            )
            for n in chosen
        ]
        return sorted(
            views, key=lambda f: (not f.issued, f.issued, _by_position(URIRef(f.link.iri)))
        )

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
    from hmic_graph.serve.pages import Link

    if not re.fullmatch(r"[A-Za-z0-9._-]+", code):
        return None
    return Link(f"{code} at {name}", prefix + code, prefix + code)


def _quotes(
    quotes: Iterable[URIRef],
    facts: Facts,
    parent: Mapping[URIRef, URIRef | None],
    dates: Mapping[URIRef, str],
    link: Any,
) -> list[QuoteRow]:
    """Quotes with their speaker and release, oldest first, undated last, in text order."""
    rows = []
    for quote in set(quotes):
        speaker = _first_iri(facts[quote].get(SCHEMA.spokenByCharacter, []))
        release = parent.get(quote)
        rows.append(
            QuoteRow(
                link(quote),
                link(speaker) if speaker else None,
                _one(facts[quote][SCHEMA.text]),
                link(release) if release else None,
                dates.get(release, "") if release else "",
            )
        )
    return sorted(
        rows,
        key=lambda q: (
            not q.issued,
            q.issued,
            q.release.iri if q.release else "",
            _by_position(URIRef(q.link.iri)),
        ),
    )


# --- the person page -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostHeld:
    """A post a person is said to hold, with the dates of the releases that say so."""

    post: Link
    organisation: Link | None
    first: str
    last: str
    releases: list[Link]


@dataclass(frozen=True, slots=True)
class PersonView:
    """Everything a person page shows besides the generic facts."""

    posts: list[PostHeld]
    quotes: list[QuoteRow]
    releases: list[tuple[Link, str]]


def person_view(pages: EntityPages, person: URIRef) -> PersonView:
    """The view of the page of the person ``person``.

    A post is dated by the releases that state it and name the person; a
    post held by several people over time (an inspectorate's HM Inspector)
    is dated by this person's releases only.
    """
    posts = _iris(pages.backend.objects_of(person, (ORG.holds,))[ORG.holds])
    quoted = _subjects(pages, SCHEMA.spokenByCharacter, person)
    naming = _subjects(pages, SCHEMA.mentions, person)
    facts = _facts(pages, quoted, (SCHEMA.text, SCHEMA.isPartOf))
    parent = {q: _first_iri(facts[q][SCHEMA.isPartOf]) for q in quoted}
    releases = sorted({*naming, *(r for r in parent.values() if r)}, key=str)
    dates = _dates(pages, releases)
    # A shared post (an inspectorate's HM Inspector) is stated by hundreds of
    # releases: ask only whether this person's releases state it.
    said_in = {
        post: [
            r for r in releases if pages.backend.triples((post, PROV.wasDerivedFrom, r), limit=1)
        ]
        for post in posts
    }
    organisation = {
        post: _first_iri(pages.backend.objects_of(post, (ORG.postIn,))[ORG.postIn])
        for post in posts
    }
    iris: set[Node] = {person, *posts, *naming, *releases}
    iris.update(o for o in organisation.values() if o is not None)
    known = {**pages.labels_of(iris), **_text_labels(facts, quoted)}

    def link(iri: URIRef) -> Link:
        return pages.link(iri, known)

    held = []
    for post in posts:
        when = sorted(d for r in said_in[post] if (d := dates[r]))
        organisation_of = organisation[post]
        held.append(
            PostHeld(
                link(post),
                link(organisation_of) if organisation_of else None,
                when[0] if when else "",
                when[-1] if when else "",
                _sorted_links(link(r) for r in said_in[post]),
            )
        )
    held.sort(key=lambda p: (p.first or "~", p.last, p.post.text.casefold()))
    return PersonView(
        held,
        _quotes(quoted, facts, parent, dates, link),
        sorted(((link(r), dates.get(r, "")) for r in naming), key=lambda p: (p[1], p[0].text)),
    )


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
    from hmic_graph.serve.pages import Link

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
