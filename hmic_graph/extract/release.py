"""One release text to one :class:`~hmic_graph.model.records.Release` of plain records."""

from __future__ import annotations

import re

from hmic_graph.extract.concepts import pref_label
from hmic_graph.extract.contacts import extract_contact_points
from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.dates import full_date
from hmic_graph.extract.findings import extract_findings
from hmic_graph.extract.gazetteer import gazetteer
from hmic_graph.extract.judgements import (
    extract_inspection_kind,
    extract_judgements,
    extract_period,
)
from hmic_graph.extract.lexicon import lexicon
from hmic_graph.extract.organisations import find_named_organisations
from hmic_graph.extract.partners import extract_alliances, extract_partners
from hmic_graph.extract.people import (
    _AFTER_QUOTE,
    _INDIRECT,
    People,
    Speaker,
    find_inline_intro,
    inline_quotes,
    intro_phrase,
    quote_body,
)
from hmic_graph.extract.reports import extract_reports
from hmic_graph.extract.segment import BlockKind, segment, sentences
from hmic_graph.model.ids import release_id_for, slugify
from hmic_graph.model.records import (
    Inspection,
    Organisation,
    OrganisationChange,
    OrganisationKind,
    Person,
    Post,
    Quote,
    Release,
    Source,
    Span,
)

_PUBLISHED_LINE = re.compile(
    r"^\s*(?:published|date)\s*:\s*(?P<date>.+)$", re.IGNORECASE | re.MULTILINE
)
_INSPECTS = re.compile(r"\b(?:inspects|inspected|inspecting|inspect|regulates)\b")


def _published(text: str, layout_blocks: list[tuple[int, str]]) -> str | None:
    match = _PUBLISHED_LINE.search(text)
    if match:
        value = full_date(match.group("date"))
        if value:
            return value
    for _start, line in layout_blocks[:4]:
        if len(line) <= 60:
            value = full_date(line)
            if value:
                return value
    return None


def _subjects(ctx: ReleaseContext) -> tuple[str, ...]:
    headline = ctx.layout.headline
    if headline is not None:
        first = sentences(ctx.text, headline.span)[0]
        clause = first.of(ctx.text).split(";")[0]
        found = ctx.forces_in(Span(first.start, first.start + len(clause))) if clause else []
        if found:
            return tuple(found)
        if ctx.lexicon.national_markers.search(headline.text):
            return ()
    body = [b for b in ctx.layout.blocks if b.kind is BlockKind.BODY]
    if body:
        lead_sentences = sentences(ctx.text, body[0].span)
        if lead_sentences:
            lead = lead_sentences[0]
            if not ctx.lexicon.national_markers.search(lead.of(ctx.text)):
                found = ctx.forces_in(lead)
                if found:
                    return tuple(found)
    return ()


def _publisher(ctx: ReleaseContext, people: list[tuple[str, str]]) -> str | None:
    for mention in ctx.mentions:
        if ctx.gazetteer.body(mention.key).kind is OrganisationKind.INSPECTORATE:
            return mention.key
    for label, _name in people:
        key = ctx.lexicon.inspectorate_for_post(label, ctx.published)
        if key and key in ctx.gazetteer.bodies:
            return key
    key = ctx.lexicon.inspectorate_for_phrase(ctx.text, ctx.published)
    if key and key in ctx.gazetteer.bodies:
        return key
    return None


def _speakers_for_quote(people: People, rest: str, offset: int) -> list[Speaker] | None:
    match = _AFTER_QUOTE.match(rest)
    if match is None:
        return None
    phrase = match.group("after") or match.group("before")
    if not phrase:
        return None
    at = rest.index(phrase)
    speakers = people.parse_attribution(phrase, offset + at)
    return speakers or None


def extract_release(
    source: Source | str,
    *,
    release_id: str | None = None,
    published: str | None = None,
) -> Release:
    """Read one release into plain records; no RDF is made here.

    :param source: the release as a :class:`Source` or as text.
    :param release_id: the id its IRIs are minted from (default: the release
        number in the text, else the file name, else a checksum of the text).
    :param published: the publication date (``YYYY-MM-DD``) if known from outside the text.

    >>> release = extract_release("Kent Police praised\\n\\nKent Police works well with councils.")
    >>> release.about
    ('kent-police',)
    """
    if isinstance(source, str):
        from hmic_graph.extract.sources import source_from_text

        source = source_from_text(source)
    text = source.text
    lex = lexicon()
    gaz = gazetteer()
    layout = segment(text)
    ctx = ReleaseContext(
        text=text, layout=layout, gazetteer=gaz, lexicon=lex, mentions=gaz.find(text)
    )
    ctx.published = (
        published
        or source.published
        or _published(text, [(b.span.start, b.text) for b in layout.blocks])
    )
    ctx.subjects = _subjects(ctx)

    people = People(lex)
    quotes: list[Quote] = []
    speaker_posts: list[tuple[Speaker, None]] = []
    pending: list[Speaker] = []
    previous_kind: BlockKind | None = None
    current: list[Speaker] = []
    for block in layout.blocks:
        # A release written as one long paragraph has everything in its "headline".
        long_headline = block.kind is BlockKind.HEADLINE and len(block.text) > 300
        if block.kind is BlockKind.BODY or long_headline:
            inline = find_inline_intro(block.text)
            phrase = intro_phrase(block.text)
            if inline is not None:
                found = people.parse_attribution(
                    inline.group("phrase"), block.span.start + inline.start("phrase")
                )
                speaker_posts.extend((s, None) for s in found)
                quote_start = block.span.start + inline.end()
                inner, rest = quote_body(text, Span(quote_start, block.span.end))
                if inner is not None:
                    quotes.append(Quote(inner.of(text), tuple(s.name for s in found), inner))
                current = found
                pending = []
            elif phrase is not None:
                at = block.text.rindex(phrase) if phrase in block.text else 0
                pending = people.parse_attribution(phrase, block.span.start + at)
                speaker_posts.extend((s, None) for s in pending)
            else:
                pending = []
                current = []
                quoted = inline_quotes(text, block.span)
                for inner, phrase_text, at in quoted:
                    found = people.parse_attribution(phrase_text, at)
                    speaker_posts.extend((s, None) for s in found)
                    if found:
                        quotes.append(Quote(inner.of(text), tuple(s.name for s in found), inner))
                        people.last_speakers = [s.name for s in found]
                for match in _INDIRECT.finditer(block.text):
                    found = people.parse_attribution(
                        match.group("phrase"), block.span.start + match.start("phrase")
                    )
                    speaker_posts.extend((s, None) for s in found)
        elif block.kind is BlockKind.QUOTE:
            inner, rest = quote_body(text, block.span)
            # ``rest`` runs to the end of the block, after the closing mark.
            speakers = _speakers_for_quote(people, rest, block.span.end - len(rest))
            if speakers is None:
                if pending:
                    speakers = pending
                elif previous_kind is BlockKind.QUOTE:
                    speakers = current
                else:
                    speakers = []
            speaker_posts.extend((s, None) for s in speakers)
            if inner is not None:
                quotes.append(Quote(inner.of(text), tuple(s.name for s in speakers), inner))
            current = speakers
            pending = []
            if speakers:
                people.last_speakers = [s.name for s in speakers]
        if block.kind in (BlockKind.BODY, BlockKind.QUOTE):
            previous_kind = block.kind

    for _block, sentence in ctx.body_sentences():
        speaker_posts.extend((s, None) for s in people.posts_in_prose(text, sentence))
    labelled = [(s.post, s.name) for s, _ in speaker_posts if s.post]
    ctx.publisher = _publisher(ctx, labelled)

    posts: dict[tuple[str, str | None], Post] = {}
    for speaker, _ in speaker_posts:
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
        chunk = sentence.of(text)
        for pattern in lex.untitled_posts:
            for match in pattern.finditer(chunk):
                label = re.split(r"\s+(?:and|but|while)\s+", match.group(1).strip())[0].strip()
                start = sentence.start + match.start(1)
                organisation = ctx.single_subject()
                posts.setdefault(
                    (slugify(label), organisation),
                    Post(label, organisation, (), Span(start, start + len(label))),
                )

    reports = extract_reports(ctx)
    alliances = extract_alliances(ctx)
    named_orgs = find_named_organisations(ctx)
    partner_kinds, partners = extract_partners(ctx, named_orgs)
    findings = extract_findings(ctx)
    contacts = extract_contact_points(ctx)
    inspects = _inspects(ctx)

    spans: dict[str, list[Span]] = {}
    for mention in ctx.mentions:
        spans.setdefault(mention.key, []).append(mention.span)
    keys = set(spans)
    for extra in (
        ctx.publisher,
        *(p.organisation for p in posts.values()),
        *(c.organisation for c in contacts),
    ):
        if extra:
            keys.add(extra)
    changes = _changes(ctx, keys)
    keys.update(k for change in changes for k in (change.original, change.resulting))
    organisations = tuple(gaz.body(k).organisation(tuple(spans.get(k, ()))) for k in sorted(keys))
    partner_names = {p.name for p in partners}
    partner_orgs = tuple(
        Organisation(
            key=name,
            name=name,
            kind=OrganisationKind.PARTNER if name in partner_names else OrganisationKind.OTHER,
            spans=tuple(s for n, s in named_orgs if n == name),
        )
        for name in sorted({n for n, _ in named_orgs})
    )
    person_records = tuple(
        Person(
            name=e.name,
            honorific=e.honorific,
            alternate_names=tuple(sorted(f for f in e.forms if f != e.name)),
            spans=tuple(e.spans),
        )
        for e in sorted(people.entries.values(), key=lambda e: e.name)
    )
    judgements = extract_judgements(ctx)
    period = extract_period(ctx)
    kind = extract_inspection_kind(ctx, [r.title for r in reports if r.title])
    topic = None
    if kind is not None:
        topic = pref_label(kind)
    inspections = tuple(
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
    headline = layout.headline
    return Release(
        release_id=release_id
        or release_id_for(
            release_number=layout.release_number, path=source.path, sha256=source.sha256
        ),
        source=source,
        headline=headline.text if headline else _first_line(text),
        release_number=layout.release_number,
        published=ctx.published,
        about=ctx.subjects,
        publisher=ctx.publisher,
        organisations=organisations + partner_orgs,
        people=person_records,
        posts=tuple(posts.values()),
        quotes=tuple(quotes),
        reports=tuple(reports),
        alliances=tuple(alliances),
        partner_kinds=tuple(partner_kinds),
        partners=tuple(partners),
        findings=tuple(findings),
        contact_points=tuple(contacts),
        inspects=inspects,
        inspections=inspections,
        changes=changes,
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
    if any(label.startswith(rank) for rank in ctx.lexicon.force_ranks):
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
