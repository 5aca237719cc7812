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
from hmic_graph.extract.partner_kinds import kinds_in
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
    """Collaborations between named forces ("the strategic alliance with X")."""
    alliances: dict[tuple[str, ...], Alliance] = {}
    subject = ctx.single_subject()
    for block, sentence in ctx.all_sentences():
        chunk = sentence.of(ctx.text)
        word = ctx.lexicon.alliance_words.search(chunk)
        if word is None:
            continue
        forces = [
            k for k in ctx.forces_in(sentence) if ctx.gazetteer.body(k).kind.value == "police-force"
        ]
        refers_to_subject = bool(ctx.lexicon.back_references.search(chunk)) or re.search(
            r"\b(?:it|its)\b", chunk, re.IGNORECASE
        )
        subject_is_force = (
            subject is not None and ctx.gazetteer.body(subject).kind.value == "police-force"
        )
        if (
            subject
            and subject_is_force
            and subject not in forces
            and refers_to_subject
            and block.kind.value != "note"
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
