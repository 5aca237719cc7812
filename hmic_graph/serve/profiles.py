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

The data is read with SPARQL over the union of the release graphs through
the backend's pyoxigraph store; the IRI a page is about is passed as a
substitution (a binding), never written into the query text.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import ORG
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

_PREFIXES = """\
PREFIX hmic: <https://w3id.org/hmic-graph/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


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


def _select(pages: EntityPages, text: str, **bindings: Node) -> list[dict[str, Node]]:
    """The rows of a SELECT over the union of the release graphs, ``bindings`` substituted."""
    import pyoxigraph

    from hmic_graph.rdf.terms import from_oxigraph, to_oxigraph

    substitutions = {pyoxigraph.Variable(k): to_oxigraph(v) for k, v in bindings.items()}
    solutions: Any = pages.backend.oxigraph.query(_PREFIXES + text, substitutions=substitutions)
    names = [v.value for v in solutions.variables]
    rows: list[dict[str, Node]] = []
    for solution in solutions:
        row: dict[str, Node] = {}
        for index, name in enumerate(names):
            term = solution[index]
            if term is not None:
                row[name] = from_oxigraph(term)
        rows.append(row)
    return rows


def _text(row: Mapping[str, Node], name: str) -> str:
    value = row.get(name)
    return str(value) if value is not None else ""


def _iri(row: Mapping[str, Node], name: str) -> URIRef | None:
    value = row.get(name)
    return value if isinstance(value, URIRef) else None


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


_RELEASE = """
SELECT ?release ?headline ?issued ?number ?body WHERE {
  OPTIONAL { ?release schema:headline ?headline }
  OPTIONAL { ?release dcterms:issued ?issued }
  OPTIONAL { ?release hmic:releaseNumber ?number }
  OPTIONAL { ?release schema:articleBody ?body }
}"""

_SPANS = """
SELECT ?release ?node ?type ?start ?end WHERE {
  ?selector dcterms:source ?release ; oa:start ?start ; oa:end ?end .
  ?node hmic:evidence ?selector ; a ?type .
}"""

_NAMED = """
SELECT ?release ?entity ?type ?name WHERE {
  { ?release schema:mentions ?entity } UNION { ?release hmic:about ?entity }
  UNION { ?quote schema:isPartOf ?release ; schema:spokenByCharacter ?entity }
  ?entity a ?type .
  { ?entity schema:name ?name } UNION { ?entity schema:alternateName ?name }
}"""

_RELATED = """
SELECT ?release ?relation ?node ?type WHERE {
  { ?release ?relation ?node . FILTER(?relation IN (hmic:about, schema:mentions, dcterms:publisher)) }
  UNION { ?node prov:wasDerivedFrom ?release . BIND(prov:wasDerivedFrom AS ?relation) }
  UNION { ?node schema:isPartOf ?release . BIND(schema:isPartOf AS ?relation) }
  ?node a ?type .
}"""

_INSPECTIONS = """
SELECT ?release ?inspection ?body ?kind ?judgement WHERE {
  ?inspection a hmic:Inspection ; prov:wasDerivedFrom ?release .
  OPTIONAL { ?inspection hmic:inspectedBody ?body }
  OPTIONAL { ?inspection hmic:inspectionKind ?kind }
  OPTIONAL { ?inspection hmic:judgement ?judgement }
}"""

_PART_TEXTS = """
SELECT ?release ?node ?type ?text ?speaker ?telephone WHERE {
  { ?node schema:isPartOf ?release } UNION { ?node prov:wasDerivedFrom ?release }
  ?node a ?type .
  OPTIONAL { ?node schema:text ?text }
  OPTIONAL { ?node schema:description ?text }
  OPTIONAL { ?node schema:spokenByCharacter ?speaker }
  OPTIONAL { ?node schema:telephone ?telephone }
}"""


def release_view(pages: EntityPages, release: URIRef) -> ReleaseView:
    """The view of the page of the press release ``release``."""
    head = _select(pages, _RELEASE, release=release)
    row = head[0] if head else {}
    body = _text(row, "body")

    span_rows = _select(pages, _SPANS, release=release)
    named_rows = _select(pages, _NAMED, release=release)
    related_rows = _select(pages, _RELATED, release=release)
    part_rows = _select(pages, _PART_TEXTS, release=release)
    inspection_rows = _select(pages, _INSPECTIONS, release=release)
    iris: set[Node] = {release}
    for rows in (span_rows, named_rows, related_rows, part_rows, inspection_rows):
        for found in rows:
            iris.update(v for v in found.values() if isinstance(v, URIRef))
    known = pages.labels_of(iris)

    def link(iri: URIRef) -> Link:
        return pages.link(iri, known)

    # Spans from evidence selectors: one per (node, selector), the kind from the node's types.
    types: dict[URIRef, set[Node]] = {}
    for found in span_rows:
        node = _iri(found, "node")
        if node is not None:
            types.setdefault(node, set()).add(found["type"])
    highlights: dict[tuple[int, int, str], Highlight] = {}
    unplaced = 0
    for found in span_rows:
        node = _iri(found, "node")
        kind = _kind_of(types.get(node, set())) if node is not None else ""
        try:
            start, end = int(_text(found, "start")), int(_text(found, "end"))
        except ValueError:
            continue
        if node is None or not kind:
            continue
        if not 0 <= start < end <= len(body):
            unplaced += 1
            continue
        target = link(node)
        highlights.setdefault(
            (start, end, str(node)), Highlight(start, end, kind, target, f"{kind}: {target.text}")
        )
    # Spans from names: the organisations and people the release names, where the text has them.
    names: dict[URIRef, tuple[set[Node], set[str]]] = {}
    for found in named_rows:
        entity = _iri(found, "entity")
        if entity is not None:
            known_types, known_names = names.setdefault(entity, (set(), set()))
            known_types.add(found["type"])
            known_names.add(_text(found, "name"))
    for entity, (entity_types, entity_names) in sorted(names.items()):
        kind = _kind_of(entity_types)
        if kind not in ("force", "person", "partner", "alliance", "report"):
            continue
        target = link(entity)
        for start, end in _occurrences(body, entity_names):
            highlights.setdefault(
                (start, end, str(entity)),
                Highlight(start, end, kind, target, f"{kind}: {target.text}"),
            )
    placed = sorted(highlights.values(), key=lambda h: (h.start, h.end, h.link.iri))
    counts = {k.key: 0 for k in KINDS}
    for highlight in placed:
        counts[highlight.kind] += 1

    related: dict[str, dict[URIRef, set[Node]]] = {}
    for found in related_rows:
        node = _iri(found, "node")
        if node is not None:
            related.setdefault(
                str(found["relation"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1], {}
            ).setdefault(node, set()).add(found["type"])

    def by_type(relation: str, cls: URIRef) -> list[Link]:
        chosen = [n for n, t in related.get(relation, {}).items() if cls in t]
        return _sorted_links(link(n) for n in chosen)

    parts: dict[URIRef, dict[str, Any]] = {}
    for found in part_rows:
        node = _iri(found, "node")
        if node is None:
            continue
        entry = parts.setdefault(
            node, {"types": set(), "text": "", "speaker": None, "telephone": ""}
        )
        entry["types"].add(found["type"])
        entry["text"] = entry["text"] or _text(found, "text")
        entry["speaker"] = entry["speaker"] or _iri(found, "speaker")
        entry["telephone"] = entry["telephone"] or _text(found, "telephone")

    def findings(cls: URIRef | None) -> list[Finding]:
        chosen = [
            (node, entry)
            for node, entry in parts.items()
            if HMIC.Finding in entry["types"]
            and (
                cls in entry["types"]
                if cls is not None
                else not entry["types"] & {HMIC.Strength, HMIC.AreaForImprovement}
            )
        ]
        return [
            Finding(link(node), entry["text"]) for node, entry in sorted(chosen, key=_by_position)
        ]

    quotes = [
        QuoteRow(link(node), link(entry["speaker"]) if entry["speaker"] else None, entry["text"])
        for node, entry in sorted(parts.items(), key=_by_position)
        if HMIC.Quote in entry["types"]
    ]
    contacts = [
        (link(node), entry["telephone"])
        for node, entry in sorted(parts.items(), key=_by_position)
        if HMIC.ContactPoint in entry["types"]
    ]
    inspections = _inspections(inspection_rows, link)
    mentioned = related.get("mentions", {})
    return ReleaseView(
        headline=_text(row, "headline") or pages.label(release),
        issued=_text(row, "issued"),
        number=_text(row, "number"),
        segments=segments(body, placed),
        legend=[LegendEntry(k, counts[k.key]) for k in KINDS],
        about=_sorted_links(link(n) for n in related.get("about", {})),
        publishers=_sorted_links(link(n) for n in related.get("publisher", {})),
        inspections=inspections,
        strengths=findings(HMIC.Strength),
        improvements=findings(HMIC.AreaForImprovement),
        other_findings=findings(None),
        quotes=quotes,
        reports=by_type("mentions", HMIC.Report),
        alliances=_sorted_links(
            link(n)
            for relation in ("mentions", "wasDerivedFrom")
            for n, t in related.get(relation, {}).items()
            if HMIC.StrategicAlliance in t
        ),
        partners=by_type("mentions", HMIC.PartnerOrganization),
        contacts=contacts,
        mentions=_sorted_links(
            link(n)
            for n, t in mentioned.items()
            if not t & {HMIC.Report, HMIC.PartnerOrganization, HMIC.StrategicAlliance}
        ),
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
        for match in re.finditer(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text):
            span = match.span()
            if not any(span[0] < end and start < span[1] for start, end in taken):
                taken.append(span)
    return sorted(taken)


def _by_position(item: tuple[URIRef, Any]) -> tuple[int, str]:
    """Parts of a release minted as ``.../quote/1203-1528`` sort by where they start."""
    match = re.search(r"/(\d+)-\d+$", str(item[0]))
    return (int(match.group(1)) if match else 1 << 30, str(item[0]))


def _sorted_links(links: Iterable[Link]) -> list[Link]:
    return sorted(set(links), key=lambda k: (k.text.casefold(), k.iri))


def _inspections(rows: list[dict[str, Node]], link: Any) -> list[Inspection]:
    grouped: dict[URIRef, dict[str, Any]] = {}
    for found in rows:
        node = _iri(found, "inspection")
        if node is None:
            continue
        entry = grouped.setdefault(
            node, {"body": None, "kind": None, "judgements": set(), "release": None, "issued": ""}
        )
        entry["body"] = entry["body"] or _iri(found, "body")
        entry["kind"] = entry["kind"] or _iri(found, "kind")
        entry["release"] = entry["release"] or _iri(found, "release")
        entry["issued"] = entry["issued"] or _text(found, "issued")
        judgement = _iri(found, "judgement")
        if judgement is not None:
            entry["judgements"].add(judgement)
    views = [
        Inspection(
            link(node),
            link(entry["body"]) if entry["body"] else None,
            link(entry["kind"]) if entry["kind"] else None,
            _sorted_links(link(j) for j in entry["judgements"]),
            link(entry["release"]) if entry["release"] else None,
            entry["issued"],
        )
        for node, entry in grouped.items()
    ]
    # Oldest first; an inspection whose release gives no date goes last.
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


_FORCE_IDS = """
SELECT ?force ?ons ?policeUk ?same WHERE {
  { ?force hmic:onsCode ?ons } UNION { ?force hmic:policeUkId ?policeUk } UNION { ?force owl:sameAs ?same }
}"""

_FORCE_INSPECTIONS = """
SELECT ?force ?inspection ?release ?issued ?kind ?judgement WHERE {
  ?inspection hmic:inspectedBody ?force ; prov:wasDerivedFrom ?release .
  OPTIONAL { ?release dcterms:issued ?issued }
  OPTIONAL { ?inspection hmic:inspectionKind ?kind }
  OPTIONAL { ?inspection hmic:judgement ?judgement }
}"""

_FORCE_FINDINGS = """
SELECT ?force ?finding ?type ?text ?release ?issued WHERE {
  ?finding hmic:concerns ?force ; a ?type .
  FILTER(?type IN (hmic:Strength, hmic:AreaForImprovement))
  OPTIONAL { ?finding schema:description ?text }
  OPTIONAL { ?finding schema:isPartOf ?release . OPTIONAL { ?release dcterms:issued ?issued } }
}"""

_FORCE_LINKS = """
SELECT ?force ?alliance ?partner ?partnerKind ?kindOnly WHERE {
  { ?alliance org:hasMember ?force }
  UNION { ?force hmic:worksWith ?partner . OPTIONAL { ?partner hmic:partnerType ?partnerKind } }
  UNION { ?force hmic:worksWithPartnerType ?kindOnly }
}"""

_FORCE_QUOTES = """
SELECT ?force ?quote ?speaker ?text ?release ?issued WHERE {
  ?release hmic:about ?force .
  ?quote schema:isPartOf ?release ; a hmic:Quote ; schema:text ?text .
  OPTIONAL { ?quote schema:spokenByCharacter ?speaker }
  OPTIONAL { ?release dcterms:issued ?issued }
}"""

_ABOUT = """
SELECT ?subject ?release ?issued WHERE {
  ?release a hmic:PressRelease .
  { ?release hmic:about ?subject } UNION { ?release schema:mentions ?subject }
  OPTIONAL { ?release dcterms:issued ?issued }
}"""


def force_view(pages: EntityPages, force: URIRef) -> ForceView:
    """The view of the page of the police force ``force``."""
    id_rows = _select(pages, _FORCE_IDS, force=force)
    inspection_rows = _select(pages, _FORCE_INSPECTIONS, force=force)
    finding_rows = _select(pages, _FORCE_FINDINGS, force=force)
    link_rows = _select(pages, _FORCE_LINKS, force=force)
    quote_rows = _select(pages, _FORCE_QUOTES, force=force)
    release_rows = _select(pages, _ABOUT, subject=force)
    iris: set[Node] = set()
    for rows in (inspection_rows, finding_rows, link_rows, quote_rows, release_rows):
        for found in rows:
            iris.update(v for v in found.values() if isinstance(v, URIRef))
    known = pages.labels_of(iris)

    def link(iri: URIRef) -> Link:
        return pages.link(iri, known)

    identifiers: list[Identifier] = []
    for found in id_rows:
        if "ons" in found:
            code = _text(found, "ons")
            identifiers.append(
                Identifier(
                    "ONS code",
                    code,
                    _outside(
                        "statistics.data.gov.uk",
                        "https://statistics.data.gov.uk/id/statistical-geography/",
                        code,
                    ),
                )
            )
        if "policeUk" in found:
            code = _text(found, "policeUk")
            identifiers.append(
                Identifier(
                    "data.police.uk",
                    code,
                    _outside("data.police.uk", "https://data.police.uk/api/forces/", code),
                )
            )
        same = _iri(found, "same")
        if same is not None and str(same).startswith("http://www.wikidata.org/entity/"):
            code = str(same).rsplit("/", 1)[-1]
            identifiers.append(
                Identifier(
                    "Wikidata", code, _outside("Wikidata", "https://www.wikidata.org/wiki/", code)
                )
            )
    identifiers.sort(key=lambda i: (i.scheme, i.value))

    findings: dict[URIRef, list[Finding]] = {HMIC.Strength: [], HMIC.AreaForImprovement: []}
    seen: set[tuple[URIRef, URIRef]] = set()
    for found in sorted(
        finding_rows,
        key=lambda r: (not _text(r, "issued"), _text(r, "issued"), str(r.get("finding"))),
    ):
        node, cls = _iri(found, "finding"), _iri(found, "type")
        if node is None or cls not in findings or (node, cls) in seen:
            continue
        seen.add((node, cls))
        release = _iri(found, "release")
        findings[cls].append(
            Finding(
                link(node),
                _text(found, "text"),
                link(release) if release else None,
                _text(found, "issued"),
            )
        )

    alliances = _sorted_links(link(a) for r in link_rows if (a := _iri(r, "alliance")) is not None)
    by_kind: dict[URIRef | None, set[URIRef]] = {}
    for found in link_rows:
        partner = _iri(found, "partner")
        if partner is not None:
            by_kind.setdefault(_iri(found, "partnerKind"), set()).add(partner)
    for found in link_rows:
        only = _iri(found, "kindOnly")
        if only is not None:
            by_kind.setdefault(only, set())
    groups = [
        PartnerGroup(
            link(kind) if kind is not None else None, _sorted_links(link(p) for p in partners)
        )
        for kind, partners in by_kind.items()
    ]
    groups.sort(key=lambda g: (g.kind is None, g.kind.text.casefold() if g.kind else ""))

    quotes = _quotes(quote_rows, link)
    releases = sorted(
        {
            (link(r), _text(found, "issued"))
            for found in release_rows
            if (r := _iri(found, "release"))
        },
        key=lambda pair: (pair[1], pair[0].text),
    )
    return ForceView(
        identifiers=identifiers,
        inspections=_inspections(inspection_rows, link),
        strengths=findings[HMIC.Strength],
        improvements=findings[HMIC.AreaForImprovement],
        alliances=alliances,
        partners=groups,
        quotes=quotes,
        releases=releases,
    )


def _outside(name: str, prefix: str, code: str) -> Link | None:
    """A link out to ``prefix + code`` when the code is a plain identifier, else ``None``."""
    from hmic_graph.serve.pages import Link

    if not re.fullmatch(r"[A-Za-z0-9._-]+", code):
        return None
    return Link(f"{code} at {name}", prefix + code, prefix + code)


def _quotes(rows: list[dict[str, Node]], link: Any) -> list[QuoteRow]:
    found: dict[URIRef, QuoteRow] = {}
    for row in rows:
        node = _iri(row, "quote")
        if node is None or node in found:
            continue
        speaker, release = _iri(row, "speaker"), _iri(row, "release")
        found[node] = QuoteRow(
            link(node),
            link(speaker) if speaker else None,
            _text(row, "text"),
            link(release) if release else None,
            _text(row, "issued"),
        )
    # Oldest first, undated last; within a release, in the order of its text.
    return sorted(
        found.values(),
        key=lambda q: (
            not q.issued,
            q.issued,
            q.release.iri if q.release else "",
            _by_position((URIRef(q.link.iri), None)),
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


_PERSON_POSTS = """
SELECT ?person ?post ?organisation ?release ?issued WHERE {
  ?person org:holds ?post .
  OPTIONAL { ?post org:postIn ?organisation }
  OPTIONAL {
    ?post prov:wasDerivedFrom ?release . ?release schema:mentions ?person .
    OPTIONAL { ?release dcterms:issued ?issued }
  }
}"""

_PERSON_QUOTES = """
SELECT ?person ?quote ?text ?release ?issued WHERE {
  ?quote schema:spokenByCharacter ?person ; schema:text ?text .
  OPTIONAL { ?quote schema:isPartOf ?release . OPTIONAL { ?release dcterms:issued ?issued } }
}"""


def person_view(pages: EntityPages, person: URIRef) -> PersonView:
    """The view of the page of the person ``person``."""
    post_rows = _select(pages, _PERSON_POSTS, person=person)
    quote_rows = _select(pages, _PERSON_QUOTES, person=person)
    release_rows = _select(pages, _ABOUT, subject=person)
    iris: set[Node] = {person}
    for rows in (post_rows, quote_rows, release_rows):
        for found in rows:
            iris.update(v for v in found.values() if isinstance(v, URIRef))
    known = pages.labels_of(iris)

    def link(iri: URIRef) -> Link:
        return pages.link(iri, known)

    posts: dict[URIRef, dict[str, Any]] = {}
    for found in post_rows:
        post = _iri(found, "post")
        if post is None:
            continue
        entry = posts.setdefault(post, {"organisation": None, "dates": set(), "releases": set()})
        entry["organisation"] = entry["organisation"] or _iri(found, "organisation")
        if _text(found, "issued"):
            entry["dates"].add(_text(found, "issued"))
        release = _iri(found, "release")
        if release is not None:
            entry["releases"].add(release)
    held = [
        PostHeld(
            link(post),
            link(entry["organisation"]) if entry["organisation"] else None,
            min(entry["dates"], default=""),
            max(entry["dates"], default=""),
            _sorted_links(link(r) for r in entry["releases"]),
        )
        for post, entry in posts.items()
    ]
    held.sort(key=lambda p: (p.first or "~", p.last, p.post.text.casefold()))
    releases = sorted(
        {
            (link(r), _text(found, "issued"))
            for found in release_rows
            if (r := _iri(found, "release"))
        },
        key=lambda pair: (pair[1], pair[0].text),
    )
    return PersonView(held, _quotes(quote_rows, link), releases)


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

_SEARCH = """
SELECT DISTINCT ?needle ?class ?entity WHERE {
  ?entity a ?class .
  { ?entity schema:name ?name } UNION { ?entity schema:alternateName ?name }
  UNION { ?entity dcterms:title ?name } UNION { ?entity schema:headline ?name }
  FILTER(CONTAINS(LCASE(STR(?name)), ?needle))
}"""


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
    to 200 characters and passed to the query as a binding.
    """
    needle = " ".join(text.split())[:_MAX_SEARCH_TEXT]
    if not needle:
        return SearchView("", [])
    hits: list[tuple[str, list[URIRef]]] = []
    for heading, cls in SEARCHED:
        rows = _select(pages, _SEARCH, needle=Literal(needle.lower()), **{"class": cls})
        found = sorted({e for r in rows if (e := _iri(r, "entity")) is not None}, key=str)
        hits.append((heading, found))
    known = pages.labels_of(e for _, found in hits for e in found[:_MAX_HITS])
    return SearchView(
        needle,
        [
            (heading, _sorted_links(pages.link(e, known) for e in found[:_MAX_HITS]), len(found))
            for heading, found in hits
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
