"""Partners (by kind and by name) and strategic alliances between forces.

Kinds of partner are read as written (:mod:`hmic_graph.extract.partner_kinds`);
a named partner's kind comes from the labels of the ontology's partner-kind
scheme found in its name ("Leeds City Council" is a council).
"""

from __future__ import annotations

import re

from hmic_graph.extract.concepts import PARTNER_KINDS, concept_lexicon, pref_label
from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.dates import DATE_EXPRESSION, iso_from_match
from hmic_graph.extract.partner_kinds import kinds_in, worker_heads
from hmic_graph.model.records import Alliance, NamedPartner, PartnerKind, Span


def extract_partners(
    ctx: ReleaseContext, named: list[tuple[str, Span]]
) -> tuple[list[PartnerKind], list[NamedPartner]]:
    """Kinds of partner and named partners (from ``named``) the subject forces work with.

    A sentence that names one subject is about that subject; otherwise it is
    about every subject of the release.
    """
    if not ctx.subjects:
        return [], []
    lex = concept_lexicon(PARTNER_KINDS)
    workers = worker_heads()
    kinds: dict[tuple[str, str], PartnerKind] = {}
    partners: dict[tuple[str, str], NamedPartner] = {}
    for _block, sentence in ctx.body_sentences():
        chunk = sentence.of(ctx.text)
        if not ctx.lexicon.partner_context.search(chunk):
            continue
        named_forces = ctx.forces_in(sentence)
        subjects = [k for k in named_forces if k in ctx.subjects]
        # A sentence about another force is not about the subject, unless it opens
        # by referring back to the subject ("The service works with ... and X Police").
        opens_with_subject = ctx.lexicon.back_references.match(chunk)
        if named_forces and not subjects and not opens_with_subject:
            continue
        forces = subjects or list(ctx.subjects)
        inside = [(n, s) for n, s in named if sentence.start <= s.start and s.end <= sentence.end]
        for name, span in inside:
            form = lex.pattern.search(name)
            if form is None:
                continue
            concept, pref = lex.concept(form.group())
            for force in forces:
                partners.setdefault((force, name), NamedPartner(name, concept, pref, force, span))
        for kind in kinds_in(ctx.text, sentence.start, sentence.end):
            if any(s.start < kind.end and kind.start < s.end for _n, s in inside):
                continue
            # "its healthcare provider, Acme Health Ltd,": the kind of a partner named.
            # In a list ("the referral centre, Leeds City Council and ...") it is another.
            if any(
                re.fullmatch(r",\s*", ctx.text[kind.end : s.start])
                and not re.match(r"\s+(?:and|or)\b", ctx.text[s.end : s.end + 8])
                for _n, s in inside
            ):
                continue
            # "the health board" where Vale University Health Board is named: that body.
            written = ctx.text[kind.start : kind.end].lower()
            if written == kind.label and any(
                re.search(rf"\b{re.escape(written)}\b", n.lower()) for n, _s in named
            ):
                continue
            # "probation staff" where Teesside Probation Trust is named: that body's staff.
            if kind.label.split()[-1] in workers and any(
                set(kind.label.split()[:-1]) <= set(n.lower().split()) for n, _s in named
            ):
                continue
            for force in forces:
                kinds.setdefault(
                    (force, kind.concept),
                    PartnerKind(
                        kind.concept,
                        pref_label(kind.concept) or kind.label,
                        force,
                        Span(kind.start, kind.end),
                        kind.broader,
                    ),
                )
    return list(kinds.values()), list(partners.values())


def extract_alliances(ctx: ReleaseContext) -> list[Alliance]:
    """Collaborations between named forces ("the strategic alliance with X",
    "Cleveland shares its custody contract with Durham", "run in collaboration
    with A and B", "A and B have a joint major crime team")."""
    alliances: dict[tuple[str, ...], Alliance] = {}
    pattern = ctx.lexicon.alliance_pattern
    for block, sentence in (
        (block, clause) for block, whole in ctx.all_sentences() for clause in _clauses(ctx, whole)
    ):
        chunk = sentence.of(ctx.text)
        word = pattern.search(chunk)
        if word is None:
            continue
        if _with_no_force(ctx, chunk, word, sentence) or _shares_no_service(ctx, chunk, word):
            continue
        forces = _alliance_forces(ctx, sentence, sentence.start + word.start())
        forces = forces if len(forces) >= 2 else _counted_subjects(ctx, chunk) or forces
        subject = _subject_at(ctx, sentence.start)
        if (
            subject is not None
            and subject not in forces
            and block.kind.value != "note"
            and _refers_to_subject(ctx, chunk, word, sentence)
        ):
            forces = [subject, *forces]
        if len(forces) < 2:
            continue
        members = tuple(sorted(set(forces)))
        if members in alliances:
            continue
        names = sorted(ctx.gazetteer.body(k).name for k in members)
        noun = word.group().lower()
        noun = (
            "strategic alliance"
            if "strategic" in noun
            else ("alliance" if "alliance" in noun else "collaboration")
        )
        name = f"{', '.join(names[:-1])} and {names[-1]} {noun}"
        alliances[members] = Alliance(
            name=name, members=members, span=sentence, founded=_founded(chunk)
        )
    return list(alliances.values())


# Where a sentence holds two collaborations: at a semicolon, or at ", and" before the
# subject spoken of again ("A and B merged their teams, and the force shares a room with C").
_CLAUSE_BREAK = re.compile(
    r";\s+|,\s+and\s+(?=(?:the\s+(?:force|constabulary|service)|it|its|they|their)\b)",
    re.IGNORECASE,
)


def _clauses(ctx: ReleaseContext, sentence: Span) -> list[Span]:
    """The clauses of ``sentence`` that may each state a collaboration of their own."""
    spans: list[Span] = []
    start = sentence.start
    for cut in _CLAUSE_BREAK.finditer(ctx.text, sentence.start, sentence.end):
        spans.append(Span(start, cut.start()))
        start = cut.end()
    spans.append(Span(start, sentence.end))
    return [span for span in spans if span.end > span.start]


def _is_force(ctx: ReleaseContext, key: str) -> bool:
    return ctx.gazetteer.body(key).kind.value == "police-force"


def _alliance_forces(ctx: ReleaseContext, sentence: Span, cue: int) -> list[str]:
    """The forces of an alliance sentence: those named, and places standing for forces
    the release names in full or is about ("Cleveland shares its contract with
    Durham"), but not a place where something is ("patrols at stations in Kent") nor
    a place inside a longer name ("Kent County Council"). A place for a force the
    release does not otherwise name counts when it is paired with a counted force
    ("Norfolk and Suffolk run a joint unit") or follows the cue's "with" or
    "neighbours" ("shares its dog unit with Bedfordshire and Cambridgeshire"), or is
    written with a slash ("the Surrey/Sussex collaboration")."""
    forces = [k for k in ctx.forces_in(sentence) if _is_force(ctx, k)]
    known = {m.key for m in ctx.mentions} | set(ctx.subjects)
    mentioned = [(m.span.start, m.span.end) for m in ctx.mentions_in(sentence)]
    counted = [m.span.end for m in ctx.mentions_in(sentence) if _is_force(ctx, m.key)]
    located = False
    for place in ctx.gazetteer.places(ctx.text, sentence.start, sentence.end):
        start, end = place.span.start, place.span.end
        before = ctx.text[sentence.start : start]
        if re.search(r"(?:,|\band|&|/)\s*$", before) is None:
            located = bool(ctx.lexicon.place_preposition.search(before))
        if located or any(s <= start < e for s, e in mentioned):
            continue
        if re.match(r"\s+(?!and\b)[A-Z]", ctx.text[end : end + 3]):
            continue
        if not _is_force(ctx, place.key) or place.key in forces:
            continue
        paired = any(
            re.fullmatch(r"\s*(?:,|and|&|/)\s*", ctx.text[e:start]) for e in counted if e <= start
        )
        joined = (
            start > cue and re.search(r"(?<!compared )\b(?:with|neighbours,?|forces,?)\s+$", before)
        ) or re.search(r"\bjoin(?:s|ed)?\s+$", before)  # "Wiltshire has joined Avon and …"
        slashed = ctx.text[end : end + 1] == "/" or ctx.text[start - 1 : start] == "/"
        if place.key in known or paired or joined or slashed:
            forces.append(place.key)
            counted.append(end)
    return forces


def _shares_no_service(ctx: ReleaseContext, chunk: str, word: re.Match[str]) -> bool:
    """Whether the cue shares what forces share without collaborating ("shares a border
    with", "shares its learning with"; ``alliance_not_shared``)."""
    things = "|".join(
        re.escape(t).replace(r"\ ", r"\s+") for t in ctx.lexicon.raw["alliance_not_shared"]
    )
    return bool(
        re.match(
            rf"shar\w*\s+(?:[\w-]+\s+){{0,3}}?(?:{things})\b"
            # "a regional intelligence unit" is a service all the same.
            r"(?!\s+(?:unit|units|team|teams|department|hub|bureau|centre|service|services|"
            r"system|systems|function|functions|command))",
            chunk[word.start() :],
            re.IGNORECASE,
        )
    )


def _with_no_force(ctx: ReleaseContext, chunk: str, word: re.Match[str], sentence: Span) -> bool:
    """Whether the collaboration is "with" partners that are no force ("Kent Police and
    Essex Police work together with local councils"): forces named before it
    collaborate with others, not with each other."""
    if re.search(r"\b(?:each\s+other|one\s+another)\b", chunk, re.IGNORECASE):
        return False
    if re.search(r"\bwith\s*$", word.group(), re.IGNORECASE):
        at = word.end()
    else:
        follows = re.match(
            r"\s+(?:(?:[a-z]+ly|well|together|closely)\s+)*with\s+", chunk[word.end() :]
        )
        if follows is None:
            return False
        at = word.end() + follows.end()
    after = Span(sentence.start + at, sentence.end)
    named = [m for m in ctx.mentions_in(after) if _is_force(ctx, m.key)]
    placed = [
        p for p in ctx.gazetteer.places(ctx.text, after.start, after.end) if _is_force(ctx, p.key)
    ]
    return not named and not placed


_COUNTED = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


def _counted_subjects(ctx: ReleaseContext, chunk: str) -> list[str]:
    """The subjects of a release about several forces, where an alliance sentence
    counts them without naming them ("The two forces have set up a joint unit")."""
    match = re.search(r"\b(?:the\s+)?(both|two|three|four|five|six)\s+forces\b", chunk, re.I)
    subjects = [k for k in ctx.subjects if _is_force(ctx, k)]
    if match is None or len(subjects) != _COUNTED[match.group(1).lower()]:
        return []
    return subjects


def _subject_at(ctx: ReleaseContext, position: int) -> str | None:
    """The force a back-reference at ``position`` means: the single subject, or on a
    page of several releases the subject named last before it."""
    subject = ctx.single_subject()
    if subject is None and len(ctx.subjects) > 1:
        before = [m.key for m in ctx.mentions if m.span.end <= position and m.key in ctx.subjects]
        subject = before[-1] if before else None
    return subject if subject is not None and _is_force(ctx, subject) else None


def _refers_to_subject(
    ctx: ReleaseContext, chunk: str, word: re.Match[str], sentence: Span
) -> bool:
    """Whether an alliance sentence counts the subject in: it says "the force", "it" or
    "its", or the collaboration is "with" forces and no force is named before it
    ("Roads policing is run in collaboration with A and B")."""
    if ctx.lexicon.back_references.search(chunk):
        return True
    # "… for Durham Constabulary, under an agreement made by the two forces".
    if re.search(r"\bthe\s+two\s+forces\b", chunk, re.IGNORECASE) and len(
        {m.key for m in ctx.mentions_in(sentence) if _is_force(ctx, m.key)}
    ) == 1:
        return True
    pronoun = re.search(r"\b(?:it|its)\b", chunk, re.IGNORECASE)
    if pronoun is not None:
        # "It shares …" means the subject; "Kent shares its …" means Kent.
        end = sentence.start + pronoun.start()
        named = end > sentence.start and (
            ctx.forces_in(Span(sentence.start, end))
            or ctx.gazetteer.places(ctx.text, sentence.start, end)
        )
        if not named:
            return True
    if not re.search(r"\bwith\s*$", word.group()) and not re.match(
        r"\s+with\b", chunk[word.end() :]
    ):
        return False
    cue = sentence.start + word.start()
    return not any(m.span.start < cue for m in ctx.mentions_in(sentence))


_FOUNDED = re.compile(
    r"\b(?:formed|created|established|set\s+up|launched|began|started|entered\s+into|agreed|"
    r"collaborated|worked\s+together|run|been\s+in\s+place)\b[^.;]*?\b(?:in|since|from)\s+",
    re.IGNORECASE,
)


def _founded(sentence: str) -> str | None:
    """When an alliance began, if the sentence says ("formed in 2013", "since 2010")."""
    match = _FOUNDED.search(sentence)
    if match is None:
        return None
    date = DATE_EXPRESSION.match(sentence, match.end())
    if date is None:
        return None
    value = iso_from_match(date)
    return value[:7] if value else None
