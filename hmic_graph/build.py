"""Records to triples: one :class:`~hmic_graph.records.Release` to an rdflib graph.

The builder is the only place that knows the model (``docs/model.md``);
extraction never makes RDF. Every node gets a minted IRI (no blank nodes),
so the same release always gives the same graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from .iris import IriMinter, slugify
from .namespaces import DEFAULT_BASE, HMIC, OA, SCHEMA, WD, bind_prefixes
from .records import Finding, FindingKind, OrganisationKind, Release, Source, Span
from .resources import ontology_graph

__all__ = [
    "build_graph",
    "load_corpus",
    "load_parts",
    "load_release",
    "load_source",
    "merge_graphs",
    "release_files",
]

_CLASSES = {
    OrganisationKind.POLICE_FORCE: (HMIC.PoliceForce, HMIC.InspectedBody),
    OrganisationKind.INSPECTORATE: (HMIC.Inspectorate,),
    OrganisationKind.INSPECTED_BODY: (HMIC.InspectedBody,),
    OrganisationKind.PARTNER: (HMIC.PartnerOrganization,),
    OrganisationKind.OTHER: (ORG.FormalOrganization, SCHEMA.GovernmentOrganization),
}
_PATHS = {
    OrganisationKind.POLICE_FORCE: "force",
    OrganisationKind.INSPECTORATE: "inspectorate",
    OrganisationKind.INSPECTED_BODY: "organisation",
    OrganisationKind.PARTNER: "partner",
    OrganisationKind.OTHER: "organisation",
}
_DAYS: dict[str, URIRef] = {
    name: URIRef(SCHEMA + name)
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
}


def _date_literal(value: str) -> Literal:
    """An ISO date of any precision as the matching XSD type."""
    if len(value) == 4:
        return Literal(value, datatype=XSD.gYear)
    if len(value) == 7:
        return Literal(value, datatype=XSD.gYearMonth)
    return Literal(value, datatype=XSD.date)


class _Builder:
    def __init__(self, release: Release, base: str) -> None:
        self.release = release
        self.mint = IriMinter(base, release.release_id)
        self.graph = bind_prefixes(Graph(bind_namespaces="none"), base=base)
        self.release_iri = self.mint.release()
        self.org_iris: dict[str, URIRef] = {}
        self.person_iris: dict[str, URIRef] = {}

    def add(self, s: URIRef, p: URIRef, o: URIRef | Literal) -> None:
        self.graph.add((s, p, o))

    def evidence(self, node: URIRef, span: Span) -> None:
        """Point ``node`` at the exact characters it was read from."""
        selector = self.mint.evidence(span)
        self.add(node, HMIC.evidence, selector)
        self.add(node, PROV.wasDerivedFrom, self.release_iri)
        self.add(selector, RDF.type, OA.TextPositionSelector)
        self.add(selector, RDF.type, OA.TextQuoteSelector)
        self.add(selector, OA.exact, Literal(span.of(self.release.source.text)))
        self.add(selector, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger))
        self.add(selector, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger))
        self.add(selector, DCTERMS.source, self.release_iri)

    def build(self) -> Graph:
        self._release()
        self._organisations()
        self._people_and_posts()
        self._quotes()
        self._reports()
        self._alliances()
        self._partners()
        self._findings()
        self._contacts()
        self._inspections()
        self._changes()
        return self.graph

    def _changes(self) -> None:
        for change in self.release.changes:
            original = self.org_iris[change.original]
            resulting = self.org_iris[change.resulting]
            event = self.mint.change_event(
                self._org_slug(change.original), self._org_slug(change.resulting)
            )
            self.add(event, RDF.type, ORG.ChangeEvent)
            self.add(event, ORG.originalOrganization, original)
            self.add(event, ORG.resultingOrganization, resulting)
            self.add(original, ORG.changedBy, event)
            self.add(resulting, ORG.resultedFrom, event)
            if change.date:
                self.add(event, DCTERMS.date, _date_literal(change.date))

    def _release(self) -> None:
        r, release = self.release_iri, self.release
        self.add(r, RDF.type, HMIC.PressRelease)
        self.add(r, SCHEMA.headline, Literal(release.headline))
        self.add(r, SCHEMA.articleBody, Literal(release.source.text))
        self.add(r, HMIC.sha256, Literal(release.source.sha256))
        if release.release_number:
            self.add(r, HMIC.releaseNumber, Literal(release.release_number))
        if release.published:
            self.add(r, DCTERMS.issued, Literal(release.published, datatype=XSD.date))
        if release.source.url:
            self.add(r, SCHEMA.url, Literal(release.source.url, datatype=XSD.anyURI))
        if release.source.path:
            self.add(r, DCTERMS.source, Literal(Path(release.source.path).name))

    def _organisations(self) -> None:
        for organisation in self.release.organisations:
            path = _PATHS[organisation.kind]
            key = (
                slugify(organisation.name)
                if organisation.kind in (OrganisationKind.POLICE_FORCE, OrganisationKind.PARTNER)
                else slugify(organisation.key)
            )
            iri = self.mint.organisation(path, key)
            self.org_iris[organisation.key] = iri
            for cls in _CLASSES[organisation.kind]:
                self.add(iri, RDF.type, cls)
            self.add(iri, SCHEMA.name, Literal(organisation.name))
            for alternate in organisation.alternate_names:
                self.add(iri, SCHEMA.alternateName, Literal(alternate))
            if organisation.ons_code:
                self.add(iri, HMIC.onsCode, Literal(organisation.ons_code))
            if organisation.police_uk_id:
                self.add(iri, HMIC.policeUkId, Literal(organisation.police_uk_id))
            if organisation.wikidata:
                self.add(iri, OWL.sameAs, WD[organisation.wikidata])
            if organisation.spans:
                self.add(self.release_iri, SCHEMA.mentions, iri)
        for key in self.release.about:
            self.add(self.release_iri, HMIC.about, self.org_iris[key])
        if self.release.publisher:
            self.add(self.release_iri, DCTERMS.publisher, self.org_iris[self.release.publisher])
        for inspectorate, body in self.release.inspects:
            self.add(self.org_iris[inspectorate], HMIC.inspects, self.org_iris[body])

    def _people_and_posts(self) -> None:
        for person in self.release.people:
            iri = self.mint.person(person.name)
            self.person_iris[person.name] = iri
            self.add(iri, RDF.type, SCHEMA.Person)
            self.add(iri, SCHEMA.name, Literal(person.name))
            if person.honorific:
                self.add(iri, SCHEMA.honorificPrefix, Literal(person.honorific))
            for alternate in person.alternate_names:
                self.add(iri, SCHEMA.alternateName, Literal(alternate))
            self.add(self.release_iri, SCHEMA.mentions, iri)
        for post in self.release.posts:
            iri = self.mint.post(
                post.label, post.organisation and self._org_slug(post.organisation)
            )
            self.add(iri, RDF.type, ORG.Post)
            self.add(iri, RDFS.label, Literal(post.label))
            if post.organisation:
                self.add(iri, ORG.postIn, self.org_iris[post.organisation])
            for holder in post.holders:
                holder_iri = self.person_iris[holder]
                self.add(holder_iri, ORG.holds, iri)
                self.add(iri, ORG.heldBy, holder_iri)
            if post.span is not None:
                self.evidence(iri, post.span)

    def _org_slug(self, key: str) -> str:
        return str(self.org_iris[key]).rsplit("/", 1)[-1]

    def _quotes(self) -> None:
        for quote in self.release.quotes:
            iri = self.mint.quote(quote.span)
            self.add(iri, RDF.type, HMIC.Quote)
            self.add(iri, SCHEMA.text, Literal(quote.text))
            self.add(iri, SCHEMA.isPartOf, self.release_iri)
            for speaker in quote.speakers:
                self.add(iri, SCHEMA.spokenByCharacter, self.person_iris[speaker])
            self.evidence(iri, quote.span)

    def _reports(self) -> None:
        self.report_iris: dict[str, URIRef] = {}
        for report in self.release.reports:
            iri = self.mint.report(report.name, titled=report.title is not None)
            self.report_iris[report.name] = iri
            self.add(iri, RDF.type, HMIC.Report)
            self.add(iri, SCHEMA.name, Literal(report.name))
            if report.title is not None:
                self.add(iri, DCTERMS.title, Literal(report.title))
            if report.issued:
                self.add(iri, DCTERMS.issued, _date_literal(report.issued))
            if report.publisher:
                self.add(iri, DCTERMS.publisher, self.org_iris[report.publisher])
            for body in report.concerns:
                self.add(iri, HMIC.concerns, self.org_iris[body])
            self.evidence(iri, report.span)

    def _alliances(self) -> None:
        for alliance in self.release.alliances:
            iri = self.mint.alliance(tuple(self._org_slug(k) for k in alliance.members))
            self.add(iri, RDF.type, HMIC.StrategicAlliance)
            self.add(iri, SCHEMA.name, Literal(alliance.name))
            for member in alliance.members:
                self.add(iri, ORG.hasMember, self.org_iris[member])
            if alliance.founded:
                self.add(iri, SCHEMA.foundingDate, _date_literal(alliance.founded))
            self.evidence(iri, alliance.span)

    def _concept(self, concept: str) -> URIRef:
        iri = URIRef(concept)
        ontology = ontology_graph()
        self.add(iri, RDF.type, SKOS.Concept)
        for predicate in (SKOS.prefLabel, SKOS.inScheme):
            for value in ontology.objects(iri, predicate):
                self.graph.add((iri, predicate, value))
        return iri

    def _partners(self) -> None:
        for kind in self.release.partner_kinds:
            self.add(
                self.org_iris[kind.force], HMIC.worksWithPartnerType, self._concept(kind.concept)
            )
        for partner in self.release.partners:
            iri = self.org_iris[partner.name]
            self.add(iri, HMIC.partnerType, self._concept(partner.concept))
            self.add(self.org_iris[partner.force], HMIC.worksWith, iri)

    def _findings(self) -> None:
        for finding in self.release.findings:
            self._finding(finding)

    def _finding(self, finding: Finding) -> None:
        iri = self.mint.finding(finding.span)
        self.add(iri, RDF.type, HMIC.Finding)
        kind = HMIC.Strength if finding.kind is FindingKind.STRENGTH else HMIC.AreaForImprovement
        self.add(iri, RDF.type, kind)
        self.add(iri, SCHEMA.description, Literal(finding.description))
        self.add(iri, HMIC.concerns, self.org_iris[finding.concerns])
        self.add(iri, SCHEMA.isPartOf, self.release_iri)
        self.evidence(iri, finding.span)

    def _contacts(self) -> None:
        for contact in self.release.contact_points:
            digits = "".join(c for c in contact.telephone if c.isdigit())
            iri = self.mint.contact_point(digits)
            self.add(self.org_iris[contact.organisation], SCHEMA.contactPoint, iri)
            self.add(iri, RDF.type, HMIC.ContactPoint)
            self.add(iri, SCHEMA.name, Literal(contact.label))
            self.add(iri, SCHEMA.telephone, Literal(contact.telephone))
            self.evidence(iri, contact.span)
            hours = contact.hours
            if hours is not None:
                node = self.mint.opening_hours(digits)
                self.add(iri, SCHEMA.hoursAvailable, node)
                self.add(node, RDF.type, SCHEMA.OpeningHoursSpecification)
                self.add(node, SCHEMA.description, Literal(hours.text))
                if hours.opens:
                    self.add(node, SCHEMA.opens, Literal(hours.opens, datatype=XSD.time))
                if hours.closes:
                    self.add(node, SCHEMA.closes, Literal(hours.closes, datatype=XSD.time))
                for day in hours.days:
                    self.add(node, SCHEMA.dayOfWeek, _DAYS[day])

    def _inspections(self) -> None:
        for inspection in self.release.inspections:
            iri = self.mint.inspection(self._org_slug(inspection.body))
            body_name = next(o.name for o in self.release.organisations if o.key == inspection.body)
            self.add(iri, RDF.type, HMIC.Inspection)
            self.add(iri, RDFS.label, Literal(f"Inspection of {body_name}"))
            self.add(iri, HMIC.inspectedBody, self.org_iris[inspection.body])
            for inspectorate in inspection.inspectorates:
                self.add(iri, PROV.wasAssociatedWith, self.org_iris[inspectorate])
            if inspection.topic:
                self.add(iri, HMIC.topic, Literal(inspection.topic))
            if inspection.kind:
                self.add(iri, HMIC.inspectionKind, self._concept(inspection.kind))
            for judgement in inspection.judgements:
                self.add(iri, HMIC.judgement, self._concept(judgement))
            if inspection.started:
                self.add(iri, SCHEMA.startDate, _date_literal(inspection.started))
            if inspection.ended:
                self.add(iri, SCHEMA.endDate, _date_literal(inspection.ended))
            for report in inspection.reports:
                self.add(iri, PROV.generated, self.report_iris[report])
            self.add(iri, PROV.wasDerivedFrom, self.release_iri)


def build_graph(release: Release, *, base: str = DEFAULT_BASE) -> Graph:
    """The RDF graph of one extracted release.

    >>> from hmic_graph.extract import extract_release
    >>> graph = build_graph(extract_release("Kent Police praised\\n\\nKent Police works well."))
    >>> len(graph) > 0
    True
    """
    return _Builder(release, base).build()


def load_release(
    release: str | Path,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
) -> Graph:
    """Read one press release and return its knowledge graph.

    :param release: a :class:`~pathlib.Path` to a text or HTML file, or the
        release text itself. A ``str`` is taken as a path when it has no
        line break and names an existing file (or ends in ``.txt``/``.html``).
    :param published: the publication date ``YYYY-MM-DD``, when the text does not say.
    :param base: the namespace instance IRIs are minted under.
    :param release_id: the id of the release's IRIs (default: its release
        number, else its file name, else a checksum of its text).
    :raises ReleaseReadError: the file is missing, a directory, binary, empty or undecodable.
    :raises HmicGraphError: ``published`` is not a ``YYYY-MM-DD`` date.
    :returns: an :class:`rdflib.Graph` with every prefix bound.

    >>> graph = load_release("Kent Police has improved\\n\\nKent Police works well with councils.")
    >>> from hmic_graph.namespaces import HMIC
    >>> len(list(graph.subjects(predicate=HMIC.about)))
    1
    """
    from .sources import read_source, source_from_text

    if isinstance(release, Path) or (
        "\n" not in release
        and (Path(release).is_file() or release.lower().endswith((".txt", ".html", ".htm")))
    ):
        source = read_source(release)
    else:
        source = source_from_text(release)
    return load_source(source, published=published, base=base, release_id=release_id)


def load_source(
    source: Source,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
) -> Graph:
    """The graph of a release already read into a :class:`~hmic_graph.records.Source`.

    :raises HmicGraphError: ``published`` is not a ``YYYY-MM-DD`` date.
    """
    graphs = load_parts(source, published=published, base=base, release_id=release_id)
    if len(graphs) == 1:
        return next(iter(graphs.values()))
    return merge_graphs(graphs.values(), base=base)


#: Where a second spelling of a single-valued name goes when graphs are merged.
_ALTERNATIVES = {
    SCHEMA.name: SCHEMA.alternateName,
    RDFS.label: SKOS.altLabel,
    DCTERMS.title: DCTERMS.alternative,
}


def merge_graphs(graphs: Iterable[Graph], *, base: str = DEFAULT_BASE) -> Graph:
    """The union of release graphs, with one name per shared node.

    Two releases may spell one entity differently ("Zoë Billingham" and "Zoe
    Billingham" share ``person/zoe-billingham``). The union keeps the first
    spelling in code-point order as ``schema:name`` (``rdfs:label``,
    ``dcterms:title``) and records the others as ``schema:alternateName``
    (``skos:altLabel``, ``dcterms:alternative``), so the merge still has one
    name per node and the result does not depend on the order of the graphs.

    >>> from rdflib import Literal, URIRef
    >>> a, b = Graph(), Graph()
    >>> zoe = URIRef("https://w3id.org/hmic-graph/id/person/zoe-billingham")
    >>> _ = a.add((zoe, SCHEMA.name, Literal("Zoë Billingham")))
    >>> _ = b.add((zoe, SCHEMA.name, Literal("Zoe Billingham")))
    >>> merged = merge_graphs([a, b])
    >>> str(merged.value(zoe, SCHEMA.name)), str(merged.value(zoe, SCHEMA.alternateName))
    ('Zoe Billingham', 'Zoë Billingham')
    """
    merged = bind_prefixes(Graph(bind_namespaces="none"), base=base)
    for graph in graphs:
        merged += graph
    for predicate, alternative in _ALTERNATIVES.items():
        for subject in sorted(set(merged.subjects(predicate, None)), key=str):
            values = sorted(merged.objects(subject, predicate), key=str)
            for extra in values[1:]:
                merged.remove((subject, predicate, extra))
                merged.add((subject, alternative, extra))
    return merged


def load_parts(
    source: Source,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
) -> dict[str, Graph]:
    """One graph per release in ``source`` (a saved page may hold several), keyed by release IRI.

    :raises HmicGraphError: ``published`` is not a ``YYYY-MM-DD`` date.
    """
    from .extract import extract_release
    from .sources import split_releases

    if published is not None:
        _check_date(published)
    parts = split_releases(source)
    graphs: dict[str, Graph] = {}
    for index, part in enumerate(parts, start=1):
        part_id = release_id if len(parts) == 1 or release_id is None else f"{release_id}-{index}"
        release = extract_release(part, release_id=part_id, published=published)
        iri = str(IriMinter(base, release.release_id).release())
        if iri in graphs:
            release = extract_release(
                part, release_id=f"{release.release_id}-{index}", published=published
            )
            iri = str(IriMinter(base, release.release_id).release())
        graphs[iri] = build_graph(release, base=base)
    return graphs


def _check_date(value: str) -> None:
    from datetime import date

    from .errors import HmicGraphError

    try:
        if len(value) != 10:
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise HmicGraphError(f"the publication date must be YYYY-MM-DD, not {value!r}") from None


RELEASE_SUFFIXES = (".txt", ".html", ".htm")


def release_files(paths: list[str | Path]) -> list[Path]:
    """The release files named by ``paths``: files as given, folders expanded (sorted).

    :raises ReleaseReadError: a path does not exist, or a folder holds no release files.
    """
    from .errors import ReleaseReadError

    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RELEASE_SUFFIXES
            )
            if not found:
                raise ReleaseReadError("this folder holds no .txt or .html releases", path=path)
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise ReleaseReadError("no such file or folder", path=path)
    return files


def load_corpus(
    paths: list[str | Path],
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    progress: Callable[[int, int, Path], None] | None = None,
) -> dict[str, Graph]:
    """Load many releases; returns one graph per release, keyed by the release's IRI.

    Shared entities (forces, inspectorates, people, titled reports) get the
    same IRI in every release, so the union of the graphs is one coherent
    dataset; pass the mapping to :func:`hmic_graph.export.to_dataset` for
    one named graph per release.

    :param progress: called as ``progress(done, total, path)`` after each release.
    :raises ReleaseReadError: as :func:`load_release`, naming the failing file.
    """
    from .sources import read_source

    graphs: dict[str, Graph] = {}
    files = release_files(paths)
    for done, path in enumerate(files, start=1):
        graphs.update(load_parts(read_source(path), published=published, base=base))
        if progress is not None:
            progress(done, len(files), path)
    return graphs
