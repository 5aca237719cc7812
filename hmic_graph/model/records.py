"""Plain records that extraction produces and the builder turns into triples.

No RDF here: each record says what the text says, with the :class:`Span`
it was read from, so every fact stays traceable to its sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Character offsets in the source text: Unicode code points, end exclusive."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def of(self, text: str) -> str:
        """The slice of ``text`` this span covers."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Source:
    """A release's text as read, with where it came from."""

    text: str
    path: str | None = None
    url: str | None = None
    sha256: str = ""
    encoding: str = "utf-8"
    published: str | None = None  # from a page's metadata, when it gives one


class OrganisationKind(StrEnum):
    """What kind of body an organisation is; decides its class and IRI path."""

    POLICE_FORCE = "police-force"
    INSPECTORATE = "inspectorate"
    INSPECTED_BODY = "inspected-body"
    PARTNER = "partner"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Organisation:
    """A named body: a force, an inspectorate, an agency or a partner."""

    key: str
    name: str
    kind: OrganisationKind
    alternate_names: tuple[str, ...] = ()
    ons_code: str | None = None
    police_uk_id: str | None = None
    wikidata: str | None = None
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    """A named person; ``name`` is without honorific ("Denis O'Connor")."""

    name: str
    honorific: str | None = None
    alternate_names: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()


@dataclass(frozen=True, slots=True)
class Post:
    """A post as written ("HM Inspector of Constabulary for the Western Region")."""

    label: str
    organisation: str | None
    holders: tuple[str, ...] = ()
    span: Span | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """One quoted paragraph; ``span`` covers the text without quotation marks."""

    text: str
    speakers: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Report:
    """A report or review named in the release.

    ``issued`` is an ISO form as precise as the text: "2010", "2010-09" or
    "2012-06-21".
    """

    name: str
    title: str | None
    span: Span
    issued: str | None = None
    publisher: str | None = None
    concerns: tuple[str, ...] = ()
    kind: str = "report"


@dataclass(frozen=True, slots=True)
class Alliance:
    """A named collaboration between forces."""

    name: str
    members: tuple[str, ...]
    span: Span
    founded: str | None = None  # ISO year or month, "formed in 2013"


@dataclass(frozen=True, slots=True)
class PartnerKind:
    """A kind of partner (a SKOS concept) a force works with.

    ``broader`` is set for a kind the ontology lacks, written as the text
    words it ("parish council"): the ontology concept it falls under.
    """

    concept: str
    label: str
    force: str
    span: Span
    broader: str | None = None


@dataclass(frozen=True, slots=True)
class NamedPartner:
    """A named partner organisation a force works with."""

    name: str
    concept: str
    label: str
    force: str
    span: Span


class FindingKind(StrEnum):
    STRENGTH = "strength"
    AREA_FOR_IMPROVEMENT = "area-for-improvement"


@dataclass(frozen=True, slots=True)
class Finding:
    """A sentence saying what the inspection found about a body."""

    kind: FindingKind
    concerns: str
    description: str
    span: Span


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Hours a contact point is open; ``days`` are schema.org day names."""

    text: str
    opens: str | None = None
    closes: str | None = None
    days: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """A telephone line of an organisation, from the notes to editors."""

    organisation: str
    label: str
    telephone: str
    span: Span
    hours: OpeningHours | None = None


@dataclass(frozen=True, slots=True)
class Inspection:
    """An inspection of one body that the release reports."""

    body: str
    inspectorates: tuple[str, ...] = ()
    topic: str | None = None
    reports: tuple[str, ...] = ()
    kind: str | None = None  # IRI of an inspection-kind concept
    judgements: tuple[str, ...] = ()  # IRIs of judgement concepts
    started: str | None = None  # when the inspection's fieldwork began, ISO, as precise as written
    ended: str | None = None


@dataclass(frozen=True, slots=True)
class OrganisationChange:
    """A body renamed or reconstituted as another (HMIC became HMICFRS in 2017)."""

    original: str
    resulting: str
    date: str | None = None


@dataclass(frozen=True, slots=True)
class Release:
    """Everything extraction found in one press release.

    Organisations are referred to by their ``key`` and people by their
    ``name`` from the other records.
    """

    release_id: str
    source: Source
    headline: str
    release_number: str | None = None
    published: str | None = None
    about: tuple[str, ...] = ()
    publisher: str | None = None
    organisations: tuple[Organisation, ...] = ()
    people: tuple[Person, ...] = ()
    posts: tuple[Post, ...] = ()
    quotes: tuple[Quote, ...] = ()
    reports: tuple[Report, ...] = ()
    alliances: tuple[Alliance, ...] = ()
    partner_kinds: tuple[PartnerKind, ...] = ()
    partners: tuple[NamedPartner, ...] = ()
    findings: tuple[Finding, ...] = ()
    contact_points: tuple[ContactPoint, ...] = ()
    inspects: tuple[tuple[str, str], ...] = ()
    inspections: tuple[Inspection, ...] = field(default=())
    changes: tuple[OrganisationChange, ...] = ()
