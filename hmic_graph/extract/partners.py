"""Partners (by kind and by name) and strategic alliances between forces.

Partner kinds come from the ontology's SKOS concept scheme: each concept's
preferred and alternative labels, in singular and plural, are the words the
extractor looks for, so adding a kind is an ontology change.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from ..records import Alliance, NamedPartner, PartnerKind, Span
from ..resources import ontology_graph
from .context import ReleaseContext

PARTNER_KIND_SCHEME = URIRef("https://w3id.org/hmic-graph/id/partner-kind")


@dataclass(frozen=True)
class KindLexicon:
    pattern: re.Pattern[str]
    by_form: dict[str, tuple[str, str]]  # lower-case form -> (concept IRI, prefLabel)


def _plurals(form: str) -> set[str]:
    words = form.split()
    last = words[-1]
    if last.endswith("y") and not last.endswith(("ay", "ey", "oy")):
        plural = last[:-1] + "ies"
    elif last.endswith(("s", "sh", "ch", "x")):
        plural = last + "es"
    else:
        plural = last + "s"
    return {form, " ".join([*words[:-1], plural])}


@functools.cache
def kind_lexicon() -> KindLexicon:
    """Written forms of every partner kind in the ontology's concept scheme."""
    graph = ontology_graph()
    by_form: dict[str, tuple[str, str]] = {}
    for concept in sorted(graph.subjects(SKOS.inScheme, PARTNER_KIND_SCHEME), key=str):
        if (concept, RDF.type, SKOS.Concept) not in graph:
            continue
        pref = str(graph.value(concept, SKOS.prefLabel))
        labels = [pref, *(str(a) for a in graph.objects(concept, SKOS.altLabel))]
        for label in labels:
            for form in _plurals(label.lower()):
                for variant in {form, form.replace("-", " "), form.replace(" ", "-")}:
                    by_form.setdefault(variant, (str(concept), pref))
    ordered = sorted(by_form, key=len, reverse=True)
    body = "|".join(
        re.escape(f).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+") for f in ordered
    )
    return KindLexicon(re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE), by_form)


def extract_partners(
    ctx: ReleaseContext, named: list[tuple[str, Span]]
) -> tuple[list[PartnerKind], list[NamedPartner]]:
    """Kinds of partner and named partners (from ``named``) the subject forces work with.

    A sentence that names one subject is about that subject; otherwise it is
    about every subject of the release.
    """
    if not ctx.subjects:
        return [], []
    lex = kind_lexicon()
    kinds: dict[tuple[str, str], PartnerKind] = {}
    partners: dict[tuple[str, str], NamedPartner] = {}
    for _block, sentence in ctx.body_sentences():
        chunk = sentence.of(ctx.text)
        if not ctx.lexicon.partner_context.search(chunk):
            continue
        named_forces = ctx.forces_in(sentence)
        subjects = [k for k in named_forces if k in ctx.subjects]
        if named_forces and not subjects:
            continue
        forces = subjects or list(ctx.subjects)
        inside = [(n, s) for n, s in named if sentence.start <= s.start and s.end <= sentence.end]
        for name, span in inside:
            kind = lex.pattern.search(name)
            if kind is None:
                continue
            concept, pref = lex.by_form[_norm(kind.group())]
            for force in forces:
                partners.setdefault((force, name), NamedPartner(name, concept, pref, force, span))
        for match in lex.pattern.finditer(chunk):
            start = sentence.start + match.start()
            if any(s.start <= start < s.end for _n, s in inside):
                continue
            if match.group()[0].isupper() and match.start() > 0:
                # Capitalised inside a sentence: part of a proper name, not a kind.
                continue
            concept, pref = lex.by_form[_norm(match.group())]
            for force in forces:
                kinds.setdefault(
                    (force, concept),
                    PartnerKind(concept, pref, force, Span(start, sentence.start + match.end())),
                )
    return list(kinds.values()), list(partners.values())


def _norm(form: str) -> str:
    return re.sub(r"[\s]+", " ", form.lower())


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
        if subject and subject not in forces and refers_to_subject and block.kind.value != "note":
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
        alliances[members] = Alliance(name=name, members=members, span=sentence)
    return list(alliances.values())
