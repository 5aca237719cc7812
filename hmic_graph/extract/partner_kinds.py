"""Kinds of partner as written: an open vocabulary of organisation-kind noun phrases.

Releases name partners by kind in endless ways ("registered social
landlords", "parish councils", "substance misuse services", "a mental
health provider"). A kind is read as lower-case modifier words before a
head noun that names a kind of organisation (``data/partner_kinds.json``),
and kept with the words as written, in the singular. A phrase that is a
label of the ontology's partner-kind scheme is that concept; any other is a
concept of its own placed under the broader concept its words point to
("district council" under "council"), so coarse and fine queries both work.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from hmic_graph.extract.concepts import (
    PARTNER_KINDS,
    concept_lexicon,
    concepts,
    normalise,
    plural_forms,
)
from hmic_graph.model.ids import slugify
from hmic_graph.model.resources import read_text

_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# What the shapes accept as a partner kind's label (shapes/hmic.shacl.ttl).
_LABEL = re.compile(r"^[a-z]+'?([ '-][a-z]+'?)*$")  # "tenants' association"


@dataclass(frozen=True)
class WrittenKind:
    """A kind of partner found in the text, and the concept it names."""

    label: str  # singular, lower case, as written
    concept: str  # the concept's IRI
    broader: str | None  # the IRI of the broader concept of a kind not in the ontology
    start: int  # offsets in the text searched
    end: int


@dataclass(frozen=True)
class _Rules:
    singular: dict[str, str]  # any form of a head noun -> its singular
    determiners: frozenset[str]
    bare: frozenset[str]
    mass: frozenset[str]
    possessive: frozenset[str]
    own: frozenset[str]
    kind_possessives: frozenset[str]
    dropped: frozenset[str]
    stops: frozenset[str]
    rejected: frozenset[str]
    accepted: tuple[str, ...]  # phrases a rejected modifier may stand in ("neighbourhood watch")
    own_verbs: tuple[str, ...]  # verbs whose object is the subject's own ("runs panels")
    workers: frozenset[str]  # heads naming kinds of worker ("health visitors")
    acronyms: frozenset[str]  # capitals that modify a kind ("GP surgeries")
    served_before: re.Pattern[str]  # "protection work with" + kind: regulated, no partner
    served_after: re.Pattern[str]  # kind + "and residents": served, no partner
    broader: tuple[tuple[tuple[str, ...], str], ...]  # (words, broader concept IRI)


def _phrase(words: str) -> str:
    return re.escape(words).replace(r"\ ", r"\s+")


@functools.cache
def _rules() -> _Rules:
    raw: dict[str, Any] = json.loads(read_text("data", "partner_kinds.json"))
    singular: dict[str, str] = {}
    for one, many in raw["heads"].items():
        singular[one] = one
        singular[many] = one
    iri_by_label = {c.pref_label: c.iri for c in concepts(PARTNER_KINDS)}
    return _Rules(
        singular=singular,
        determiners=frozenset(raw["singular_determiners"]),
        bare=frozenset(raw["bare_plural_kinds"]),
        mass=frozenset(raw["mass_heads"]),
        possessive=frozenset(raw["possessive_determiners"]),
        own=frozenset(raw["own_heads"]),
        kind_possessives=frozenset(raw["possessives_in_kinds"]),
        dropped=frozenset(raw["leading_words_dropped"]),
        stops=frozenset(raw["words_ending_a_phrase"]),
        rejected=frozenset(raw["modifiers_rejected"]),
        accepted=tuple(raw["modifier_phrases_accepted"]),
        own_verbs=tuple(raw["verbs_before_own_kinds"]),
        workers=frozenset(raw["worker_heads"]),
        acronyms=frozenset(raw["acronym_modifiers"]),
        served_before=re.compile(
            r"\b(?:" + "|".join(_phrase(c) for c in raw["served_not_partner"]["before"]) + r")"
            r"\s+(?:(?:the|its|local|two|three|four|five|six|several|some)\s+)?$",
            re.IGNORECASE,
        ),
        served_after=re.compile(
            r"^\s+(?:" + "|".join(_phrase(c) for c in raw["served_not_partner"]["after"]) + r")\b",
            re.IGNORECASE,
        ),
        broader=tuple(
            (tuple(rule["words"]), iri_by_label[rule["broader"]]) for rule in raw["broader"]
        ),
    )


def worker_heads() -> frozenset[str]:
    """The head nouns (singular) that name kinds of worker rather than of body."""
    return _rules().workers


def kinds_in(text: str, start: int = 0, end: int | None = None) -> list[WrittenKind]:
    """The kinds of partner written in ``text[start:end]``, left to right."""
    rules = _rules()
    stop = len(text) if end is None else end
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, start, stop)]
    found: list[WrittenKind] = []
    for index, (_s, head_end, word) in enumerate(tokens):
        head = rules.singular.get(word)
        if head is None:
            continue
        modifiers = _modifiers(text, tokens, index, rules)
        before = tokens[modifiers[0] - 1][2].lower() if modifiers and modifiers[0] > 0 else ""
        # "local authorities" is a kind of its own; "local councils" are councils.
        while modifiers and tokens[modifiers[0]][2] in rules.dropped:
            if _known(" ".join([*(tokens[i][2].lower() for i in modifiers), word.lower()])):
                break
            modifiers = modifiers[1:]
        first = modifiers[0] if modifiers else index
        if not modifiers:
            before = tokens[first - 1][2].lower() if first > 0 else ""
        before = _determiner_before(tokens, first, rules) or before
        if (
            head == word
            and head not in rules.mass
            and (
                before not in rules.determiners
                or not modifiers
                or (before in rules.possessive and head in rules.own)
            )
        ):
            # A kind in the singular is written "the probation service"; "the
            # council" is one council named before, not a kind; "its dog-handling
            # service" is the force's own.
            continue
        if before in rules.possessive and head in rules.own:
            continue  # "its control room staff": the subject's own, in any number
        if rules.served_before.search(text[max(0, tokens[first][0] - 40) : tokens[first][0]]):
            continue  # "its protection work with businesses": regulated, not a partner
        if rules.served_after.match(text[head_end : head_end + 30]):
            continue  # "the businesses and residents they serve"
        if _after_own_verb(text, tokens[first][0], rules):
            continue  # "the force runs problem-solving panels alongside ..."
        if (
            first > 0
            and re.fullmatch(r"[A-Z][\w-]*['’]s?", tokens[first - 1][2])
            and (
                _POSSESSIVE.search(tokens[first - 1][2])
                or tokens[first - 1][2].endswith(("s'", "s’"))
            )
        ):
            continue  # "Kent County Council's safeguarding staff": a named body's own
        if re.match(r"\s+from\s+(?:the\s+)?[A-Z]", text[head_end : head_end + 12]):
            continue  # "nurses from Vale NHS Trust": the staff of a named partner
        words = [tokens[i][2].lower().replace("’", "'") for i in modifiers]
        phrase = " ".join(words)
        rejected = any(
            re.sub(r"'s$", "", w) in rules.rejected
            and not any(w in a.split() and a in phrase for a in rules.accepted)
            for w in words
        )
        if rejected and not _known(" ".join([*words, word.lower()])):
            continue
        label = " ".join([*words, head])
        written = " ".join([*words, word.lower()])
        # A bare plural ("schools") is a kind only where the head names one by itself.
        bare_kind = _known(written) or head in rules.bare
        if not _LABEL.match(label) or (not words and not bare_kind):
            continue
        concept, broader = _concept(label, written)
        found.append(WrittenKind(label, concept, broader, tokens[first][0], head_end))
    # "children's social care teams": the longer phrase is the kind, not "social care".
    return [
        k
        for k in found
        if not any(o is not k and o.start <= k.start and k.end < o.end for o in found)
    ]


def _worker_forms(rules: _Rules) -> frozenset[str]:
    return frozenset(w for w, one in rules.singular.items() if one in rules.workers)


def _after_own_verb(text: str, start: int, rules: _Rules) -> bool:
    """Whether a kind starting at ``start`` is the object of a verb of the subject's
    own work ("runs problem-solving panels", "chairs community panels")."""
    before = text[max(0, start - 20) : start].lower()
    return any(re.search(rf"\b{re.escape(v)}\s+$", before) for v in rules.own_verbs)


def _determiner_before(tokens: list[tuple[int, int, str]], first: int, rules: _Rules) -> str:
    """The determiner of a kind written in the singular, past words that open a kind's
    phrase ("the local liaison and diversion service") and an owner in the possessive
    after it ("the county's mental health provider"): "the", or ``""``."""
    index = first - 1
    while index >= 0 and tokens[index][2] in rules.dropped:
        index -= 1
    if index < 0:
        return ""
    word = tokens[index][2].lower()
    if _POSSESSIVE.search(word):
        # The owner may be several words long: "the city council's …".
        for back in range(index - 1, max(-1, index - 4), -1):
            word = tokens[back][2].lower()
            if word in rules.determiners:
                break
    return word if word in rules.determiners else ""


_POSSESSIVE = re.compile(r"['’]s$")
_OWNER = re.compile(r"['’]s$|s['’]$")


def _modifiers(
    text: str, tokens: list[tuple[int, int, str]], head: int, rules: _Rules
) -> list[int]:
    """Indexes of the lower-case words written just before the head noun, in order.

    "and" joins modifiers ("drug and alcohol services") unless the word
    before it is itself a kind ("councils and housing associations").
    """
    taken: list[int] = []
    index = head - 1
    while index >= 0 and len(taken) < 4:
        _start, end, word = tokens[index]
        if text[end : tokens[index + 1][0]].strip():
            break  # punctuation between the words
        if word == "and" and taken and index > 0:
            previous = tokens[index - 1][2]
            at_previous = tokens[index - 1][0]
            if re.search(r"(?:^|[.!?:•\n])\s*$", text[max(0, at_previous - 3) : at_previous]):
                previous = previous.lower()  # "Drug and alcohol workers visit ..."
            if (
                previous.islower()
                and previous not in rules.stops
                and not re.search(r"[^su]s$", previous)  # "districts and managers": a list
                and previous not in rules.singular
                and not text[tokens[index - 1][1] : tokens[index][0]].strip()
            ):
                taken.insert(0, index)
                index -= 1
                continue
            break
        at = tokens[index][0]
        opens_sentence = index == 0 or re.search(r"[.!?:•\n]\s*$", text[max(0, at - 3) : at])
        if opens_sentence and word[:1].isupper():
            word = word.lower()  # "Registered social landlords attend ..."
        if word in rules.acronyms:
            word = word.lower()  # "GP surgeries"
        if not word.islower() or word in rules.stops:
            break
        # "school nurses", "university security teams": a singular body word may
        # qualify a kind of worker or a plural kind, and a worker word any kind;
        # "mental health professionals service": workers may qualify a body.
        if (
            word in rules.singular
            and word not in rules.mass
            and not (
                rules.singular[word] == word
                and (
                    tokens[head][2] in _worker_forms(rules)
                    or rules.singular.get(tokens[head][2]) != tokens[head][2]
                    # "the appropriate adult service", "adult social care"
                    or word in rules.workers
                )
            )
            and not (
                rules.singular[word] != word
                and rules.singular[word] in rules.workers
                and rules.singular.get(tokens[head][2]) == tokens[head][2]
            )
        ):
            break
        # "the county's mental health provider", "the city council's team": an owner
        # is no modifier, but "children's services", "magistrates' courts" are kinds.
        if _OWNER.search(word) and word.replace("’", "'") not in rules.kind_possessives:
            break
        taken.insert(0, index)
        index -= 1
    return taken


@functools.cache
def _known(written: str) -> bool:
    """Whether a written kind is a preferred label of the ontology's scheme."""
    return any(
        normalise(written) in {normalise(f) for f in plural_forms(c.pref_label)}
        for c in concepts(PARTNER_KINDS)
    )


@functools.cache
def _concept(label: str, written: str) -> tuple[str, str | None]:
    """The concept a written kind names, and the broader concept of one the ontology lacks.

    Only a concept's preferred label (singular or plural) is that concept; a
    kind written as one of its other labels ("third-sector organisations")
    keeps its own words, under that concept.
    """
    for concept in concepts(PARTNER_KINDS):
        forms = {normalise(f) for f in plural_forms(concept.pref_label)}
        if normalise(label) in forms or normalise(written) in forms:
            return concept.iri, None
    iri = f"{PARTNER_KINDS}/{slugify(label)}"
    known = concept_lexicon(PARTNER_KINDS).by_form.get(normalise(written))
    if known is not None:
        return iri, known[0]
    words = set(label.split())
    for needed, broader in _rules().broader:
        if all(w in words for w in needed):
            return iri, broader
    return iri, None
