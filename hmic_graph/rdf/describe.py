"""Describe a set of release graphs for publishing: VoID, DCAT and PROV-O.

:func:`describe_dataset` derives the description from the graphs themselves,
never from hand-written counts:

- **VoID**: ``void:Dataset`` with ``void:triples``, ``void:entities``,
  ``void:classes``, ``void:properties``, a ``void:classPartition`` per class
  (``void:entities``), a ``void:propertyPartition`` per property
  (``void:triples``), ``void:vocabulary`` per namespace used,
  ``void:uriSpace``, ``void:sparqlEndpoint`` when given, and a
  ``void:subset`` per release graph (``void:triples``, ``sd:name`` the graph).
- **DCAT**: ``dcat:Dataset`` with ``dcterms:title``, ``dcterms:description``,
  ``dcterms:license`` (the Open Government Licence v3.0, under which HMIC
  publishes its press releases), ``dcterms:publisher``, ``dcterms:modified``,
  ``dcterms:source`` per release, and a ``dcat:distribution`` per export
  format (``dcat:mediaType`` an IANA media type IRI, ``dcterms:format`` the
  W3C format IRI), plus a SPARQL ``dcat:DataService`` when an endpoint is given.
- **PROV-O**: the build as a ``prov:Activity`` (``prov:wasAssociatedWith``
  a ``prov:SoftwareAgent`` "hmic-graph VERSION", ``prov:used`` each release
  with its ``hmic:sha256``, ``prov:generated`` the dataset, and
  ``prov:startedAtTime`` when a build time is given).

Every node has an IRI minted under ``base`` (``{base}dataset``,
``{base}dataset/build/20240102T030405Z``, ...), no blank nodes. The time
comes from the data unless one is given: ``dcterms:modified`` is the date
of the latest release (``dcterms:issued`` of the release nodes), so the same
graphs always give the same description, whenever and wherever it is made.

The description is written from a :class:`DatasetStatistics`: the counts
and the few facts of each release it needs. :func:`dataset_statistics`
counts them in a mapping of rdflib graphs; a store counts them itself
(:meth:`hmic_graph.store.ReleaseStore.statistics`, aggregate queries on
Oxigraph), which spares converting every triple to rdflib. Either gives
:func:`describe_dataset` the same description.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, VOID, XSD
from rdflib.term import Node

from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.namespaces import (
    DEFAULT_BASE,
    HMIC,
    PREFIXES,
    SCHEMA,
    bind_prefixes,
    is_absolute_iri,
)

if TYPE_CHECKING:
    from hmic_graph.rdf.export import RdfFormat

__all__ = [
    "DEFAULT_TITLE",
    "OGL_V3",
    "RELEASE_FACTS",
    "SD",
    "DatasetStatistics",
    "ReleaseStatistics",
    "dataset_statistics",
    "describe_dataset",
    "mint",
    "release_statistics",
]

#: The Open Government Licence v3.0, under which HMIC content is published.
OGL_V3 = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
#: SPARQL 1.1 Service Description, for naming the graph a VoID subset is.
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
_FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
_IANA = "https://www.iana.org/assignments/media-types/"

DEFAULT_TITLE = "HMIC police-inspection press releases as linked data"
DEFAULT_DESCRIPTION = (
    "Organisations, people, posts, quotes, reports, findings and contact points "
    "extracted from press releases of HM Inspectorate of Constabulary, with the "
    "exact source text of every extracted fact. One named graph per release."
)

_W3C_FORMATS = {
    "turtle": "Turtle",
    "json-ld": "JSON-LD",
    "nt": "N-Triples",
    "trig": "TriG",
    "nquads": "N-Quads",
}
_TITLES = {
    "turtle": "Turtle (all releases merged)",
    "json-ld": "JSON-LD (all releases merged)",
    "nt": "N-Triples (all releases merged)",
    "trig": "TriG (one named graph per release)",
    "nquads": "N-Quads (one named graph per release)",
}


def mint(base: str, *parts: str) -> URIRef:
    """The description IRI ``{base}dataset/{parts...}``.

    >>> mint("https://w3id.org/hmic-graph/id/", "build", "20240102T030405Z")
    rdflib.term.URIRef('https://w3id.org/hmic-graph/id/dataset/build/20240102T030405Z')
    """
    if not base.endswith(("/", "#")):
        base += "/"
    return URIRef(base + "/".join(("dataset", *parts)))


#: The predicates of a release, read from its own graph, that the description
#: repeats or uses: its checksum, publisher, web page and date.
RELEASE_FACTS: tuple[URIRef, ...] = (HMIC.sha256, DCTERMS.publisher, SCHEMA.url, DCTERMS.issued)


@dataclass(frozen=True)
class ReleaseStatistics:
    """What the description needs of one release graph (see :func:`release_statistics`)."""

    #: The number of triples in the release's graph.
    triples: int
    #: The ``hmic:sha256`` values of the release.
    sha256: frozenset[Node]
    #: The IRIs the release names as its ``dcterms:publisher``.
    publishers: frozenset[URIRef]
    #: The release's ``schema:url`` (the first, as :meth:`rdflib.Graph.value` picks), if any.
    url: Node | None
    #: The latest ``dcterms:issued`` of the release as ``YYYY-MM-DD``, if any is a date.
    issued: str | None


@dataclass(frozen=True)
class DatasetStatistics:
    """What :func:`describe_dataset` derives a description from: the counts over the
    merged graph of the releases, where a triple stated by two releases counts once,
    and the few facts of each release.

    Make it with :func:`dataset_statistics` (from rdflib graphs) or
    :meth:`hmic_graph.store.ReleaseStore.statistics` (from a store). The
    mappings are not to be changed.
    """

    #: Distinct triples of the merged graph (``void:triples``).
    triples: int
    #: Distinct IRI subjects of the merged graph (``void:entities``).
    entities: int
    #: Class (an IRI ``rdf:type`` object) -> its distinct subjects.
    classes: Mapping[URIRef, int]
    #: Property -> the distinct triples that have it.
    properties: Mapping[URIRef, int]
    #: Release IRI (the graph name) -> what the description says of that release.
    releases: Mapping[str, ReleaseStatistics]

    @property
    def latest_issued(self) -> str | None:
        """The latest ``dcterms:issued`` date (``YYYY-MM-DD``) of the releases, if any."""
        return max((r.issued for r in self.releases.values() if r.issued is not None), default=None)


def release_statistics(triples: int, facts: Iterable[tuple[Node, Node]]) -> ReleaseStatistics:
    """The :class:`ReleaseStatistics` of a release graph of ``triples`` triples.

    :param triples: the number of triples in the release's graph.
    :param facts: ``(predicate, object)`` of the triples of the graph whose
        subject is the release, at least those with a predicate of
        :data:`RELEASE_FACTS`, in the graph's order (the first ``schema:url``
        is the one kept).
    """
    sha256: set[Node] = set()
    publishers: set[URIRef] = set()
    url: Node | None = None
    dates: list[str] = []
    for predicate, value in facts:
        if predicate == HMIC.sha256:
            sha256.add(value)
        elif predicate == DCTERMS.publisher and isinstance(value, URIRef):
            publishers.add(value)
        elif predicate == SCHEMA.url and url is None:
            url = value
        elif predicate == DCTERMS.issued and isinstance(value, Literal) and _DATE.match(str(value)):
            dates.append(str(value)[:10])
    return ReleaseStatistics(
        triples=triples,
        sha256=frozenset(sha256),
        publishers=frozenset(publishers),
        url=url,
        issued=max(dates, default=None),
    )


def dataset_statistics(graphs: Mapping[str, Graph]) -> DatasetStatistics:
    """The :class:`DatasetStatistics` of ``graphs`` (release IRI -> graph), counted in rdflib.

    Costs a pass over every triple; a store's
    :meth:`~hmic_graph.store.ReleaseStore.statistics` gives the same for its
    graphs without reading them into rdflib.

    >>> from hmic_graph.ingest.releases import load_release
    >>> g = load_release("Kent Police praised\\n\\nKent Police works well.", published="2017-03-02")
    >>> name = str(next(g.subjects(RDF.type, HMIC.PressRelease)))
    >>> counts = dataset_statistics({name: g, name + "-copy": g})
    >>> counts.triples == len(g), counts.releases[name].issued, counts.latest_issued
    (True, '2017-03-02', '2017-03-02')
    """
    # Counts over the merged graph: a triple stated by two releases counts once.
    merged: set[tuple[Node, Node, Node]] = set()
    for graph in graphs.values():
        merged.update(graph)
    classes: dict[URIRef, set[Node]] = {}
    properties: Counter[URIRef] = Counter()
    subjects: set[Node] = set()
    for s, p, o in merged:
        properties[p] += 1  # type: ignore[index]
        if isinstance(s, URIRef):
            subjects.add(s)
        if p == RDF.type and isinstance(o, URIRef):
            classes.setdefault(o, set()).add(s)
    releases = {}
    for name in sorted(graphs):
        graph, release = graphs[name], URIRef(name)
        facts = ((p, o) for p in RELEASE_FACTS for o in graph.objects(release, p))
        releases[name] = release_statistics(len(graph), facts)
    return DatasetStatistics(
        triples=len(merged),
        entities=len(subjects),
        classes={cls: len(members) for cls, members in sorted(classes.items())},
        properties=dict(sorted(properties.items())),
        releases=releases,
    )


def describe_dataset(
    graphs: Mapping[str, Graph] | DatasetStatistics,
    *,
    title: str = DEFAULT_TITLE,
    description: str = DEFAULT_DESCRIPTION,
    base: str = DEFAULT_BASE,
    sparql_endpoint: str | None = None,
    build_time: datetime | None = None,
    sources: Mapping[str, str] | None = None,
    publisher: str | None = None,
    formats: Iterable[RdfFormat | str] = ("trig", "nquads", "turtle", "json-ld", "nt"),
    download_base: str | None = None,
) -> Graph:
    """A VoID + DCAT + PROV-O description of ``graphs`` (release IRI -> graph).

    :param graphs: one graph per release, keyed by the release IRI (the graph
        name), such as a store's ``graphs()``; or their
        :class:`DatasetStatistics`, such as a store's ``statistics()``, which
        gives the same description without reading the graphs.
    :param title: ``dcterms:title`` of the dataset.
    :param description: ``dcterms:description`` of the dataset.
    :param base: the namespace the description's IRIs are minted under.
    :param sparql_endpoint: the URL of a SPARQL endpoint serving the data
        (``void:sparqlEndpoint`` and a ``dcat:DataService``).
    :param build_time: when the build started (``prov:startedAtTime``,
        ``dcterms:modified``, and part of the build activity's IRI). Default:
        ``SOURCE_DATE_EPOCH`` when set (reproducible builds); else the date
        of the latest release is ``dcterms:modified`` and the build's IRI
        (no ``prov:startedAtTime``: nobody knows when that was), and with no
        dated release neither is written and the build is ``build/undated``.
        Never the clock, so dumps are byte for byte repeatable. A naive
        datetime is taken as UTC; the time is kept to the second.
    :param sources: release IRI -> URL of the press release as published,
        written as ``prov:hadPrimarySource``. Default: each release's
        ``schema:url``, when it has one.
    :param publisher: IRI of whoever publishes this dataset (``dcterms:publisher``).
        Default: the publishers the releases name (the inspectorate).
    :param formats: the export formats to list as distributions.
    :param download_base: a URL folder where the dumps will be published;
        gives each distribution a ``dcat:downloadURL`` (``{download_base}hmic-graph.{ext}``)
        and the dataset ``void:dataDump``.
    :raises HmicGraphError: a graph name, ``publisher`` or a source is not an
        absolute IRI, ``sparql_endpoint`` or ``download_base`` is not an
        http(s) URL, ``SOURCE_DATE_EPOCH`` is not a number, or ``formats``
        names an unknown format.

    >>> from datetime import datetime, timezone
    >>> from hmic_graph.ingest.releases import load_release
    >>> g = load_release("Kent Police praised\\n\\nKent Police works well.")
    >>> name = str(next(g.subjects(RDF.type, HMIC.PressRelease)))
    >>> d = describe_dataset({name: g}, build_time=datetime(2024, 1, 2, tzinfo=timezone.utc))
    >>> dataset = mint(DEFAULT_BASE)
    >>> d.value(dataset, VOID.triples).toPython() == len(g)
    True
    >>> str(d.value(dataset, DCTERMS.license))
    'http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/'
    >>> str(d.value(dataset, PROV.wasGeneratedBy))
    'https://w3id.org/hmic-graph/id/dataset/build/20240102T000000Z'
    >>> dated = load_release("Kent Police praised\\n\\nKent Police works well.", published="2017-03-02")
    >>> name = str(next(dated.subjects(RDF.type, HMIC.PressRelease)))
    >>> d = describe_dataset({name: dated})
    >>> d.value(dataset, DCTERMS.modified), str(d.value(dataset, PROV.wasGeneratedBy))[-16:]
    (rdflib.term.Literal('2017-03-02', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#date')), '20170302T000000Z')
    """
    from hmic_graph import __version__
    from hmic_graph.rdf.export import RdfFormat

    names = graphs.releases if isinstance(graphs, DatasetStatistics) else graphs
    for name in names:
        _check_iri(name, "graph name")
    if publisher is not None:
        _check_iri(publisher, "publisher")
    for value, what in ((sparql_endpoint, "SPARQL endpoint"), (download_base, "download base")):
        if value is not None and not (
            is_absolute_iri(value) and value.startswith(("http://", "https://"))
        ):
            raise HmicGraphError(f"the {what} must be an http:// or https:// URL, not {value!r}")
    chosen = [f if isinstance(f, RdfFormat) else RdfFormat.from_name(f) for f in formats]
    when = _build_time(build_time)
    counts = graphs if isinstance(graphs, DatasetStatistics) else dataset_statistics(graphs)
    modified: Literal | None = None
    if when is not None:
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        modified = Literal(when.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)
    else:
        latest = counts.latest_issued
        stamp = latest.replace("-", "") + "T000000Z" if latest is not None else "undated"
        if latest is not None:
            modified = Literal(latest, datatype=XSD.date)

    out = bind_prefixes(Graph(bind_namespaces="none"), base=base)
    extra: tuple[tuple[str, str], ...] = (
        ("void", str(VOID)),
        ("dcat", str(DCAT)),
        ("sd", str(SD)),
        ("formats", str(_FORMATS_NS)),
    )
    for prefix, uri in extra:
        out.bind(prefix, Namespace(uri), override=True, replace=True)

    dataset = mint(base)
    build = mint(base, "build", stamp)
    agent = mint(base, "software", "hmic-graph", quote(__version__, safe=".-_~"))

    add = out.add
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(title)))
    add((dataset, DCTERMS.description, Literal(description)))
    add((dataset, DCTERMS.license, OGL_V3))
    if modified is not None:
        add((dataset, DCTERMS.modified, modified))
    add((dataset, VOID.triples, Literal(counts.triples)))
    add((dataset, VOID.entities, Literal(counts.entities)))
    add((dataset, VOID.classes, Literal(len(counts.classes))))
    add((dataset, VOID.properties, Literal(len(counts.properties))))
    add((dataset, VOID.uriSpace, Literal(base)))
    if sparql_endpoint is not None:
        add((dataset, VOID.sparqlEndpoint, URIRef(sparql_endpoint)))
    for namespace in _vocabularies(set(counts.properties) | set(counts.classes)):
        add((dataset, VOID.vocabulary, URIRef(namespace)))

    for cls in sorted(counts.classes):
        partition = mint(base, "class", _key(cls))
        add((dataset, VOID.classPartition, partition))
        add((partition, VOID["class"], cls))
        add((partition, VOID.entities, Literal(counts.classes[cls])))
    for prop in sorted(counts.properties):
        partition = mint(base, "property", _key(prop))
        add((dataset, VOID.propertyPartition, partition))
        add((partition, VOID.property, prop))
        add((partition, VOID.triples, Literal(counts.properties[prop])))

    publishers: set[URIRef] = set()
    found_sources: dict[str, str] = {}
    for name in sorted(counts.releases):
        facts, release = counts.releases[name], URIRef(name)
        subset = _subset_iri(base, name)
        add((dataset, VOID.subset, subset))
        add((subset, RDF.type, VOID.Dataset))
        add((subset, RDF.type, SD.NamedGraph))
        add((subset, SD.name, release))
        add((subset, VOID.triples, Literal(facts.triples)))
        add((dataset, DCTERMS.source, release))
        add((build, PROV.used, release))
        add((release, RDF.type, PROV.Entity))
        for checksum in facts.sha256:
            add((release, HMIC.sha256, checksum))
        publishers.update(facts.publishers)
        if facts.url is not None and is_absolute_iri(str(facts.url)):
            found_sources[name] = str(facts.url)
    for name, location in sorted((sources if sources is not None else found_sources).items()):
        if name not in counts.releases:
            raise HmicGraphError(f"sources names <{name}>, which is not one of the graphs")
        _check_iri(location, f"source of <{name}>")
        add((URIRef(name), PROV.hadPrimarySource, URIRef(location)))

    for who in [URIRef(publisher)] if publisher is not None else sorted(publishers):
        add((dataset, DCTERMS.publisher, who))

    for fmt in chosen:
        distribution = mint(base, "distribution", fmt.file_extension)
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(_TITLES.get(fmt.value, fmt.value))))
        add((distribution, DCAT.mediaType, URIRef(_IANA + fmt.media_type)))
        add((distribution, DCTERMS.format, _FORMATS_NS[_W3C_FORMATS[fmt.value]]))
        add((distribution, DCTERMS.license, OGL_V3))
        if download_base is not None:
            url = URIRef(f"{download_base}hmic-graph.{fmt.file_extension}")
            add((distribution, DCAT.downloadURL, url))
            add((dataset, VOID.dataDump, url))
    if sparql_endpoint is not None:
        service = mint(base, "service", "sparql")
        distribution = mint(base, "distribution", "sparql")
        add((service, RDF.type, DCAT.DataService))
        add((service, DCTERMS.title, Literal("SPARQL endpoint")))
        add((service, DCAT.endpointURL, URIRef(sparql_endpoint)))
        add((service, DCAT.servesDataset, dataset))
        add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal("SPARQL endpoint")))
        add((distribution, DCAT.accessURL, URIRef(sparql_endpoint)))
        add((distribution, DCAT.accessService, service))
        add((distribution, DCTERMS.license, OGL_V3))

    add((build, RDF.type, PROV.Activity))
    add((build, RDFS.label, Literal(f"hmic-graph build {stamp}")))
    if when is not None and modified is not None:
        add((build, PROV.startedAtTime, modified))
    add((build, PROV.wasAssociatedWith, agent))
    add((build, PROV.generated, dataset))
    add((dataset, PROV.wasGeneratedBy, build))
    add((dataset, RDF.type, PROV.Entity))
    add((agent, RDF.type, PROV.SoftwareAgent))
    add((agent, RDFS.label, Literal(f"hmic-graph {__version__}")))
    add((agent, SCHEMA.softwareVersion, Literal(__version__)))
    return out


def _check_iri(value: str, what: str) -> None:
    if not is_absolute_iri(value):
        raise HmicGraphError(f"the {what} must be an absolute IRI, not {value!r}")


def _build_time(value: datetime | None) -> datetime | None:
    """The given build time, or ``SOURCE_DATE_EPOCH``'s, in UTC to the second; else ``None``."""
    if value is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        if not epoch:
            return None
        try:
            value = datetime.fromtimestamp(int(epoch), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise HmicGraphError(
                f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not {epoch!r}"
            ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0)


_DATE = re.compile(r"^\d{4}-\d\d-\d\d")


def _vocabularies(terms: set[URIRef]) -> list[str]:
    namespaces = sorted({str(ns) for ns in PREFIXES.values()}, key=len, reverse=True)
    used: set[str] = set()
    for term in terms:
        for namespace in namespaces:
            if str(term).startswith(namespace):
                used.add(namespace)
                break
    return sorted(used)


def _key(term: URIRef) -> str:
    """A readable, stable path segment for a class or property: ``hmic-PressRelease``."""
    text = str(term)
    best: tuple[int, str, str] | None = None
    for prefix, namespace in PREFIXES.items():
        ns = str(namespace)
        local = text[len(ns) :]
        if (
            text.startswith(ns)
            and re.fullmatch(r"[A-Za-z0-9_.-]+", local)
            and (best is None or len(ns) > best[0])
        ):
            best = (len(ns), prefix, local)
    if best is not None:
        return f"{best[1]}-{best[2]}"
    return "iri-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _subset_iri(base: str, name: str) -> URIRef:
    root = base if base.endswith(("/", "#")) else base + "/"
    if name.startswith(root) and re.fullmatch(r"[A-Za-z0-9_.~/-]+", name[len(root) :]):
        return mint(base, "graph", name[len(root) :])
    return mint(base, "graph", "iri-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:16])
