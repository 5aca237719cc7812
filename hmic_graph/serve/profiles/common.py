"""What the readable pages share: the kinds of highlighted span, cutting a text at its
highlights, and reading the store with batched lookups.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import ORG
from rdflib.term import Node

from hmic_graph.model.namespaces import HMIC, SCHEMA
from hmic_graph.serve.views import Link, shorten

if TYPE_CHECKING:
    from hmic_graph.serve.pages import EntityPages


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

    >>> from hmic_graph.serve.views import Link
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

    from hmic_graph.serve.backend import from_ox as from_oxigraph

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


def _own(
    description: Graph, node: URIRef, predicates: Iterable[URIRef]
) -> dict[URIRef, list[Node]]:
    """The values of ``predicates`` for ``node`` in its page's description (already read: no lookup)."""
    return {p: list(description.objects(node, p)) for p in predicates}


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


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding's text, linking to it, and the release it comes from."""

    link: Link
    text: str
    release: Link | None = None
    issued: str = ""


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
class QuoteRow:
    """A quote: who said it, what they said, and where."""

    link: Link
    speaker: Link | None
    text: str
    release: Link | None = None
    issued: str = ""


def _by_position(node: str) -> tuple[int, str]:
    """Parts of a release minted as ``.../quote/1203-1528`` sort by where they start."""
    match = _POSITION.search(node)
    return (int(match.group(1)) if match else 1 << 30, str(node))


_POSITION = re.compile(r"/(\d+)-\d+$")


def _linker(pages: EntityPages, known: dict[str, str]) -> Callable[[URIRef], Link]:
    """:meth:`~hmic_graph.serve.pages.EntityPages.link` with the labels ``known``, remembered:
    a release or a judgement is linked from dozens of rows of one page.
    """
    made: dict[URIRef, Link] = {}

    def link(iri: URIRef) -> Link:
        found = made.get(iri)
        if found is None:
            found = made[iri] = pages.link(iri, known)
        return found

    return link


def _first_iri(values: Iterable[Node]) -> URIRef | None:
    found = _iris(values)
    return found[0] if found else None


def _inspections(
    pairs: Iterable[tuple[URIRef, URIRef | None]],
    facts: Facts,
    dates: Mapping[URIRef, str],
    link: Any,
) -> list[Inspection]:
    """Inspections (each with the release reporting it) in date order, undated last."""
    views = []
    # rdflib makes a new term at every read of a namespace's attribute.
    inspected, kind_of, judgement = HMIC.inspectedBody, HMIC.inspectionKind, HMIC.judgement
    for node, release in pairs:
        values = facts[node]
        body, kind = _first_iri(values[inspected]), _first_iri(values[kind_of])
        views.append(
            Inspection(
                link(node),
                link(body) if body else None,
                link(kind) if kind else None,
                _sorted_links(link(j) for j in _iris(values[judgement])),
                link(release) if release else None,
                dates.get(release, "") if release else "",
            )
        )
    return sorted(
        views,
        key=lambda v: (not v.issued, v.issued, v.release.text if v.release else "", v.link.iri),
    )


def _sorted_links(links: Iterable[Link]) -> list[Link]:
    return sorted(set(links), key=lambda k: (k.text.casefold(), k.iri))


def _text_labels(facts: Facts, nodes: Iterable[URIRef]) -> dict[str, str]:
    """Labels of quotes and findings from the texts already read (what a label lookup would give).

    Saves looking up hundreds of labels on a force or person page.
    """
    found: dict[str, str] = {}
    said, described = SCHEMA.text, SCHEMA.description
    for node in nodes:
        values = facts.get(node, {})
        text = _one([*values.get(said, []), *values.get(described, [])])
        if text:
            found[str(node)] = shorten(text)
    return found


def _quotes(
    quotes: Iterable[URIRef],
    facts: Facts,
    parent: Mapping[URIRef, URIRef | None],
    dates: Mapping[URIRef, str],
    link: Any,
) -> list[QuoteRow]:
    """Quotes with their speaker and release, oldest first, undated last, in text order."""
    rows = []
    spoken_by, said = SCHEMA.spokenByCharacter, SCHEMA.text
    for quote in set(quotes):
        speaker = _first_iri(facts[quote].get(spoken_by, []))
        release = parent.get(quote)
        rows.append(
            QuoteRow(
                link(quote),
                link(speaker) if speaker else None,
                _one(facts[quote][said]),
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
            _by_position(q.link.iri),
        ),
    )
