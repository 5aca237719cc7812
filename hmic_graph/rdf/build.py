"""Records to triples: one :class:`~hmic_graph.model.records.Release` to an rdflib graph.

The builder is the only place that knows the model (``docs/model.md``);
extraction never makes RDF. Every node gets a minted IRI (no blank nodes),
so the same release always gives the same graph.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from hmic_graph.model.iris import IriMinter, slugify
from hmic_graph.model.namespaces import (
    DEFAULT_BASE,
    HMIC,
    OA,
    SCHEMA,
    WD,
    bind_prefixes,
    is_absolute_iri,
)
from hmic_graph.model.records import (
    Finding,
    FindingKind,
    OrganisationKind,
    PartnerKind,
    Release,
    Span,
)
from hmic_graph.rdf.ontology import ontology_graph

__all__ = ["build_graph", "merge_graphs"]

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
        url = release.source.url
        if url:
            self.add(r, SCHEMA.url, Literal(url, datatype=XSD.anyURI))
        # Where the release came from: the page it was published at when known
        # (a manifest, a saved page's link), else the name of the file read.
        if url and is_absolute_iri(url):
            self.add(r, DCTERMS.source, URIRef(url))
        elif release.source.path:
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

    def _written_kind(self, kind: PartnerKind) -> URIRef:
        """The concept of a kind of partner; one the ontology lacks is minted from its
        written label, in the partner-kind scheme, under its broader concept."""
        if kind.broader is None and (URIRef(kind.concept), None, None) in ontology_graph():
            return self._concept(kind.concept)
        iri = URIRef(kind.concept)
        self.add(iri, RDF.type, SKOS.Concept)
        self.add(iri, SKOS.prefLabel, Literal(kind.label))
        self.add(iri, SKOS.inScheme, URIRef(DEFAULT_BASE + "partner-kind"))
        if kind.broader is not None:
            self.add(iri, SKOS.broader, self._concept(kind.broader))
        return iri

    def _partners(self) -> None:
        for kind in self.release.partner_kinds:
            self.add(self.org_iris[kind.force], HMIC.worksWithPartnerType, self._written_kind(kind))
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
