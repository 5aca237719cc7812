"""One release text to one :class:`~hmic_graph.model.records.Release` of plain records.

Over 500 lines on purpose: :func:`extract_release` is a short list of named
steps, and the steps that join the extractors' outputs (subject, publisher,
people and posts, inspections) live beside it because each reads the others'
results; the extractors themselves are the other modules of this package.
"""

from __future__ import annotations

import bisect
import itertools
import re

from hmic_graph.extract.concepts import pref_label
from hmic_graph.extract.contacts import extract_contact_points
from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.dates import full_date
from hmic_graph.extract.findings import extract_findings
from hmic_graph.extract.gazetteer import Mention, gazetteer
from hmic_graph.extract.judgements import (
    extract_inspection_kind,
    extract_judgements,
    extract_period,
)
from hmic_graph.extract.lexicon import lexicon
from hmic_graph.extract.organisations import find_named_organisations
from hmic_graph.extract.partners import extract_alliances, extract_partners
from hmic_graph.extract.people import People, Speaker, indirect_speech
from hmic_graph.extract.quotes import read_quotes
from hmic_graph.extract.reports import extract_reports
from hmic_graph.extract.segment import BlockKind, segment, sentences
from hmic_graph.model.ids import release_id_for, slugify
from hmic_graph.model.records import (
    Alliance,
    ContactPoint,
    Inspection,
    NamedPartner,
    Organisation,
    OrganisationChange,
    OrganisationKind,
    Person,
    Post,
    Quote,
    Release,
    Report,
    Source,
    Span,
)

_PUBLISHED_LINE = re.compile(
    r"^\s*(?:published|date)\s*:\s*(?P<date>.+)$", re.IGNORECASE | re.MULTILINE
)
_INSPECTS = re.compile(r"\b(?:inspects|inspected|inspecting|inspect|regulates)\b")


# A dateline opening the lead paragraph: "Leamington Spa, 12 July 2012 –".
_DATELINE = re.compile(
    r"^[A-Z][\w'’. -]{1,40},\s+(?P<date>\d{1,2}\s+[A-Z][a-z]+\s+\d{4})\s*[–—-]",
    re.MULTILINE,
)


def _published(text: str, layout_blocks: list[tuple[int, str]]) -> str | None:
    match = _PUBLISHED_LINE.search(text)
    if match:
        value = full_date(match.group("date"))
        if value:
            return value
    dateline = _DATELINE.search(text)
    if dateline:
        value = full_date(dateline.group("date"))
        if value:
            return value
    for _start, line in layout_blocks[:4]:
        if len(line) <= 60:
            value = full_date(line)
            if value:
                return value
    return None


def _subjects(ctx: ReleaseContext) -> tuple[str, ...]:
    """The bodies a release is about, tried in order: forces named in the headline's
    first clause; one subject per numbered section of a page listing several
    releases; forces the headline names only by their place; forces named in
    the lead sentence."""
    headline = ctx.layout.headline
    national = headline is not None and bool(ctx.lexicon.national_markers.search(headline.text))
    if headline is not None:
        first = sentences(ctx.text, headline.span)[0]
        clause = first.of(ctx.text).split(";")[0]
        found = ctx.forces_in(Span(first.start, first.start + len(clause))) if clause else []
        if found:
            return tuple(found)
    sections = _section_subjects(ctx)
    if len(sections) > 1:
        return tuple(sections)
    if national:
        return ()
    if headline is not None:
        places = _places_standing_for_forces(ctx, headline.span)
        if places:
            return tuple(places)
    body = [b for b in ctx.layout.blocks if b.kind is BlockKind.BODY]
    lead_sentences = sentences(ctx.text, body[0].span) if body else []
    if lead_sentences:
        lead = lead_sentences[0]
        if ctx.lexicon.national_markers.search(lead.of(ctx.text)):
            return ()
        found = ctx.forces_in(lead) or _places_standing_for_forces(ctx, lead)
        if found:
            return tuple(found)
    return tuple(
        _found_about(ctx) or _headline_place_of_the_force(ctx) or _inspected_forces(ctx)
    )


#: How many body paragraphs from the top :func:`_inspected_forces` reads.
_EARLY_PARAGRAPHS = 3


def _inspected_forces(ctx: ReleaseContext) -> list[str]:
    """The forces an early body sentence says were inspected (``inspected_cues``:
    "Inspectors looked at how A and B tackle ...", "a letter to the council and A
    Police"), in a release whose headline and lead name none."""
    cue = ctx.lexicon.inspected_cues
    body = [b for b in ctx.layout.blocks if b.kind is BlockKind.BODY][:_EARLY_PARAGRAPHS]
    for block in body:
        for sentence in sentences(ctx.text, block.span):
            if cue.search(sentence.of(ctx.text)):
                found = [
                    k
                    for k in ctx.forces_in(sentence)
                    if ctx.gazetteer.body(k).kind is OrganisationKind.POLICE_FORCE
                ]
                if found:
                    return found
    return []


def _headline_place_of_the_force(ctx: ReleaseContext) -> list[str]:
    """The one place a headline names ("Crime data integrity: Thames Valley"), in a
    release whose body speaks of "the force" and names no force in full."""
    headline = ctx.layout.headline
    if headline is None or ctx.forces_in(Span(0, len(ctx.text))):
        return []
    places = ctx.gazetteer.places(ctx.text, headline.span.start, headline.span.end)
    body = " ".join(b.text for b in ctx.layout.blocks if b.kind is BlockKind.BODY)
    if len({p.key for p in places}) == 1 and ctx.lexicon.back_references.search(body):
        # The place names the force: it is a mention of it.
        for place in places:
            bisect.insort(ctx.mentions, place, key=lambda m: m.span.start)
        return [places[0].key]
    return []


def _found_about(ctx: ReleaseContext) -> list[str]:
    """The one force that inspectors' findings are stated about ("Inspectors found
    that X Police ..."), in a release whose title names only a place."""
    found: list[str] = []
    for _block, sentence in ctx.body_sentences():
        chunk = sentence.of(ctx.text)
        for cue in re.finditer(r"\bfound\s+that\s+", chunk):
            at = sentence.start + cue.end()
            mention = next((m for m in ctx.mentions_in(sentence) if m.span.start == at), None)
            if mention is not None and mention.key in ctx.forces_in(sentence):
                found.append(mention.key)
    distinct = list(dict.fromkeys(found))
    return distinct if len(distinct) == 1 else []


def _section_subjects(ctx: ReleaseContext) -> list[str]:
    """The forces heading the numbered sections of a page that lists several releases
    ("1. Derbyshire Constabulary", "2. Greater Manchester's response – good")."""
    found: list[str] = []
    for block in ctx.layout.blocks:
        if block.kind is not BlockKind.BODY or len(block.text) > 120:
            continue
        number = re.match(r"^\s*\d{1,2}[.)]\s", block.text)
        if number is None or re.search(r"[.!?]\s", block.text[number.end() :]):
            continue
        heading = ctx.forces_in(block.span) or _places_standing_for_forces(ctx, block.span)
        if heading and heading[0] not in found:
            found.append(heading[0])
    return found


def _places_standing_for_forces(ctx: ReleaseContext, span: Span) -> list[str]:
    """Forces a title names only by their place ("Police custody in North Wales",
    "Offender management in Sussex"): a place counts where the force is named in
    full elsewhere in the release or where its police are the title's topic
    ("Greater Manchester's response")."""
    named = {m.key for m in ctx.mentions}
    found: list[str] = []
    for place in ctx.gazetteer.places(ctx.text, span.start, span.end):
        possessive = re.match(r"['’]s?\b", ctx.text[place.span.end : place.span.end + 2])
        if (place.key in named or possessive) and place.key not in found:
            found.append(place.key)
    return found


def _publisher(ctx: ReleaseContext, people: list[tuple[str, str]]) -> str | None:
    """The inspectorate that published the release. In a joint inspection the police
    inspectorate leads whichever partner the text names first (``lead_inspectorates``)."""
    named = [
        m.key
        for m in ctx.mentions
        if ctx.gazetteer.body(m.key).kind is OrganisationKind.INSPECTORATE
    ]
    leads = [k for k in named if k in ctx.lexicon.raw["lead_inspectorates"]]
    if leads or named:
        return (leads or named)[0]
    for label, _name in people:
        key = ctx.lexicon.inspectorate_for_post(label, ctx.published)
        if key and key in ctx.gazetteer.bodies:
            return key
    key = ctx.lexicon.inspectorate_for_phrase(ctx.text, ctx.published)
    if key and key in ctx.gazetteer.bodies:
        return key
    return None


def extract_release(
    source: Source | str,
    *,
    release_id: str | None = None,
    published: str | None = None,
) -> Release:
    """Read one release into plain records; no RDF is made here.

    :param source: the release as a :class:`Source` or as text.
    :param release_id: the id its IRIs are minted from (default: the first 16
        hex digits of the SHA-256 of its text, see :func:`~hmic_graph.model.ids.release_id_for`).
    :param published: the publication date (``YYYY-MM-DD``) if known from outside the text.

    >>> release = extract_release("Kent Police praised\\n\\nKent Police works well with councils.")
    >>> release.about
    ('kent-police',)
    """
    if isinstance(source, str):
        from hmic_graph.extract.sources import source_from_text

        source = source_from_text(source)
    ctx = _context(source, published)
    people = People(ctx.lexicon)
    quotes, speakers = _quotes_and_speakers(ctx, people)
    ctx.publisher = _publisher(ctx, [(s.post, s.name) for s in speakers if s.post])
    posts = _posts(ctx, speakers)
    reports = extract_reports(ctx, frozenset(people.entries))
    named_orgs = find_named_organisations(ctx, frozenset(people.entries))
    partner_kinds, partners = extract_partners(ctx, named_orgs)
    contacts = extract_contact_points(ctx)
    alliances = extract_alliances(ctx)
    changes, organisations = _organisations(
        ctx, posts, contacts, named_orgs, partners, alliances
    )
    headline = ctx.layout.headline
    return Release(
        release_id=release_id
        or release_id_for(sha256=source.sha256),
        source=source,
        headline=headline.text if headline else _first_line(ctx.text),
        release_number=ctx.layout.release_number,
        published=ctx.published,
        about=ctx.subjects,
        publisher=ctx.publisher,
        organisations=organisations,
        people=_person_records(people),
        posts=tuple(posts),
        quotes=tuple(quotes),
        reports=tuple(reports),
        alliances=tuple(alliances),
        partner_kinds=tuple(partner_kinds),
        partners=tuple(partners),
        findings=tuple(extract_findings(ctx)),
        contact_points=tuple(contacts),
        inspects=_inspects(ctx),
        inspections=_inspections(ctx, reports),
        changes=changes,
    )


def _context(source: Source, published: str | None) -> ReleaseContext:
    """The layout, gazetteer mentions, date and subjects every later step reads."""
    text = source.text
    gaz = gazetteer()
    layout = segment(text)
    ctx = ReleaseContext(
        text=text, layout=layout, gazetteer=gaz, lexicon=lexicon(), mentions=gaz.find(text)
    )
    ctx.published = (
        published
        or source.published
        or _published(text, [(b.span.start, b.text) for b in layout.blocks])
    )
    ctx.subjects = _subjects(ctx)
    _add_places_paired_with_subject(ctx)
    return ctx


def _add_places_paired_with_subject(ctx: ReleaseContext) -> None:
    """A place joined by "and" to the subject's place where forces are compared as
    bodies ("Surrey and Sussex, which share a command"; "Kent and Essex were both
    inspected") stands for its force: it becomes a mention of that force."""
    cues = ctx.lexicon.raw.get("place_pair_cues", [])
    if not ctx.subjects or not cues:
        return
    cue = re.compile(
        r"\b(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues) + r")\b",
        re.IGNORECASE,
    )
    known = {m.key for m in ctx.mentions}
    added: list[Mention] = []
    for _block, sentence in ctx.all_sentences():
        chunk = sentence.of(ctx.text)
        if not cue.search(chunk):
            continue
        places = ctx.gazetteer.places(ctx.text, sentence.start, sentence.end)
        for left, right in itertools.pairwise(places):
            if not re.fullmatch(r"\s+and\s+", ctx.text[left.span.end : right.span.start]):
                continue
            # "crime in Kent and Essex, which share a coastline": places, not forces.
            before = ctx.text[sentence.start : left.span.start]
            if ctx.lexicon.place_preposition.search(before) or re.search(
                r"\b(?:between|from|of|to|the)\s+$", before, re.IGNORECASE
            ):
                continue
            for one, other in ((left, right), (right, left)):
                is_force = ctx.gazetteer.body(one.key).kind is OrganisationKind.POLICE_FORCE
                if other.key in ctx.subjects and one.key not in known and is_force:
                    added.append(Mention(one.span, one.key, "short"))
                    known.add(one.key)
    if added:
        ctx.mentions = sorted([*ctx.mentions, *added], key=lambda m: (m.span.start, m.span.end))


def _quotes_and_speakers(ctx: ReleaseContext, people: People) -> tuple[list[Quote], list[Speaker]]:
    """Quotes with their speakers, and every person named with a post.

    Inspectors named in the prose are read first, so that a later "the
    inspector said" can find them.
    """
    in_prose = [
        s
        for _block, sentence in ctx.body_sentences()
        for s in [
            *people.posts_in_prose(ctx.text, sentence),
            *people.posts_in_apposition(ctx.text, sentence),
        ]
    ]
    quotes, attributed = read_quotes(ctx, people, in_prose)
    after, before = indirect_speech(ctx.lexicon)
    reported: list[Speaker] = []
    for _block, sentence in ctx.body_sentences():
        chunk = sentence.of(ctx.text)
        for match in [*after.finditer(chunk), *before.finditer(chunk)]:
            reported.extend(
                people.parse_attribution(match.group("phrase"), sentence.start + match.start("phrase"))
            )
    return quotes, [*attributed, *reported, *in_prose]


def _posts(ctx: ReleaseContext, speakers: list[Speaker]) -> list[Post]:
    """Posts held by the people named, and unnamed posts stated about the subject."""
    posts: dict[tuple[str, str | None], Post] = {}
    for speaker in speakers:
        if not speaker.post:
            continue
        organisation = _post_organisation(ctx, speaker.post, speaker.post_span)
        # Keyed as the builder mints the post's IRI, so two spellings make one post.
        key = (slugify(speaker.post), organisation)
        old = posts.get(key)
        holders = tuple(sorted({*(old.holders if old else ()), speaker.name}))
        # The label and its evidence come from one occurrence, the first with a span.
        keep = old is not None and (old.span is not None or speaker.post_span is None)
        label, span = (old.label, old.span) if old and keep else (speaker.post, speaker.post_span)
        posts[key] = Post(label, organisation, holders, span)
    for _block, sentence in ctx.body_sentences():
        chunk = sentence.of(ctx.text)
        for pattern in ctx.lexicon.untitled_posts:
            for match in pattern.finditer(chunk):
                label = re.split(r"\s+(?:and|but|while)\s+(?=[a-z])", match.group(1).strip())[0].strip()
                start = sentence.start + match.start(1)
                organisation = ctx.single_subject()
                posts.setdefault(
                    (slugify(label), organisation),
                    Post(label, organisation, (), Span(start, start + len(label))),
                )
    # "Wessex's Police and Crime Commissioner" read inside "North Wessex's …", or
    # "Commissioner for Wessex" inside "Commissioner for Wessex, Mercia and …", for the
    # same holder is the longer post.
    return [
        post
        for post in posts.values()
        if not post.holders
        or not any(
            (other.label.endswith(" " + post.label) or other.label.startswith(post.label + ", "))
            and set(post.holders) <= set(other.holders)
            for other in posts.values()
        )
    ]


def _organisations(
    ctx: ReleaseContext,
    posts: list[Post],
    contacts: list[ContactPoint],
    named: list[tuple[str, Span]],
    partners: list[NamedPartner],
    alliances: list[Alliance],
) -> tuple[tuple[OrganisationChange, ...], tuple[Organisation, ...]]:
    """Gazetteer bodies named or implied (a place standing for a force in an alliance),
    their renamings, and the other named bodies."""
    spans: dict[str, list[Span]] = {}
    for mention in ctx.mentions:
        spans.setdefault(mention.key, []).append(mention.span)
    for alliance in alliances:
        # A place standing for a force in an alliance names that force there.
        for place in ctx.gazetteer.places(ctx.text, alliance.span.start, alliance.span.end):
            if place.key in alliance.members and place.key not in spans:
                spans.setdefault(place.key, []).append(place.span)
    keys = set(spans)
    for extra in (
        ctx.publisher,
        *(p.organisation for p in posts),
        *(c.organisation for c in contacts),
    ):
        if extra:
            keys.add(extra)
    changes = _changes(ctx, keys)
    keys.update(k for change in changes for k in (change.original, change.resulting))
    known = tuple(ctx.gazetteer.body(k).organisation(tuple(spans.get(k, ()))) for k in sorted(keys))
    partner_names = {p.name for p in partners}
    others = tuple(
        Organisation(
            key=name,
            name=name,
            kind=OrganisationKind.PARTNER if name in partner_names else OrganisationKind.OTHER,
            spans=tuple(s for n, s in named if n == name),
        )
        for name in sorted({n for n, _ in named})
    )
    return changes, known + others


def _person_records(people: People) -> tuple[Person, ...]:
    return tuple(
        Person(
            name=e.name,
            honorific=e.honorific,
            alternate_names=tuple(sorted(f for f in e.forms if f != e.name)),
            spans=tuple(e.spans),
        )
        for e in sorted(people.entries.values(), key=lambda e: e.name)
    )


def _inspections(ctx: ReleaseContext, reports: list[Report]) -> tuple[Inspection, ...]:
    """One inspection per subject, with its judgements, period and kind."""
    judgements = extract_judgements(ctx)
    period = extract_period(ctx)
    kind = extract_inspection_kind(ctx, [r.title for r in reports if r.title])
    topic = pref_label(kind) if kind is not None else None
    return tuple(
        Inspection(
            body=subject,
            inspectorates=_inspectorates(ctx),
            topic=topic,
            reports=tuple(r.name for r in reports if subject in r.concerns),
            kind=kind,
            judgements=tuple(judgements.get(subject, ())),
            started=period[0],
            ended=period[1],
        )
        for subject in ctx.subjects
    )


def _first_line(text: str) -> str:
    """The headline of a text with no headline paragraph (only notes, say): its first line."""
    return next(line.strip() for line in text.splitlines() if line.strip())


def _post_organisation(ctx: ReleaseContext, label: str, span: Span | None) -> str | None:
    if span is not None:
        inside = ctx.mentions_in(span)
        if inside:
            return inside[-1].key
    inspectorate = ctx.lexicon.inspectorate_for_post(label, ctx.published)
    if inspectorate:
        if ctx.publisher and inspectorate in (
            ctx.publisher,
            _successor(ctx, ctx.publisher),
            _predecessor(ctx, ctx.publisher),
        ):
            return ctx.publisher
        return inspectorate if inspectorate in ctx.gazetteer.bodies else None
    if any(label.lower().startswith(rank.lower()) for rank in ctx.lexicon.force_ranks):
        return ctx.single_subject()
    return None


def _changes(ctx: ReleaseContext, keys: set[str]) -> tuple[OrganisationChange, ...]:
    """Renamings of the bodies in ``keys`` that the gazetteer records, either way."""
    changes = set()
    for key in keys:
        body = ctx.gazetteer.body(key)
        if body.successor and body.successor in ctx.gazetteer.bodies:
            changes.add(OrganisationChange(key, body.successor, body.valid_to))
        for other in ctx.gazetteer.bodies.values():
            if other.successor == key:
                changes.add(OrganisationChange(other.key, key, other.valid_to))
    return tuple(sorted(changes, key=lambda c: (c.original, c.resulting)))


def _inspectorates(ctx: ReleaseContext) -> tuple[str, ...]:
    """The publisher, and in a joint inspection the other inspectorates the body text names."""
    found: list[str] = [ctx.publisher] if ctx.publisher else []
    for block in ctx.layout.blocks:
        if block.kind not in (BlockKind.HEADLINE, BlockKind.BODY):
            continue
        for mention in ctx.mentions_in(block.span):
            is_inspectorate = ctx.gazetteer.body(mention.key).kind is OrganisationKind.INSPECTORATE
            if is_inspectorate and mention.key not in found:
                found.append(mention.key)
    return tuple(found)


def _successor(ctx: ReleaseContext, key: str) -> str | None:
    return ctx.gazetteer.body(key).successor


def _predecessor(ctx: ReleaseContext, key: str) -> str | None:
    return next((b.key for b in ctx.gazetteer.bodies.values() if b.successor == key), None)


def _inspects(ctx: ReleaseContext) -> tuple[tuple[str, str], ...]:
    pairs: set[tuple[str, str]] = set()
    for _block, sentence in ctx.all_sentences():
        chunk = sentence.of(ctx.text)
        verb = _INSPECTS.search(chunk)
        if verb is None:
            continue
        verb_at = sentence.start + verb.start()
        mentions = ctx.mentions_in(sentence)
        inspectorates = [
            m.key
            for m in mentions
            if m.span.end <= verb_at
            and ctx.gazetteer.body(m.key).kind is OrganisationKind.INSPECTORATE
        ]
        if not inspectorates:
            continue
        for mention in mentions:
            kind = ctx.gazetteer.body(mention.key).kind
            if mention.span.start > verb_at and kind in (
                OrganisationKind.POLICE_FORCE,
                OrganisationKind.INSPECTED_BODY,
            ):
                pairs.add((inspectorates[-1], mention.key))
    if ctx.publisher:
        pairs.update((ctx.publisher, subject) for subject in ctx.subjects)
    return tuple(sorted(pairs))
