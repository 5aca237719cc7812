"""Words for the ontology's SKOS concepts: partner kinds, judgements, inspection kinds.

Each concept's preferred and alternative labels, singular and plural, are
the written forms the extractor looks for, so adding a kind or a judgement
is a change to ``ontology/hmic.ttl``, not to code.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from ..namespaces import DEFAULT_BASE
from ..resources import ontology_graph

PARTNER_KINDS = URIRef(DEFAULT_BASE + "partner-kind")
JUDGEMENTS = URIRef(DEFAULT_BASE + "judgement")
INSPECTION_KINDS = URIRef(DEFAULT_BASE + "inspection-kind")


@dataclass(frozen=True)
class ConceptLexicon:
    """A regex over every written form of a scheme's concepts, and what each form means."""

    pattern: re.Pattern[str]
    by_form: dict[str, tuple[str, str]]  # normalised form -> (concept IRI, prefLabel)

    def concept(self, form: str) -> tuple[str, str]:
        """The ``(IRI, prefLabel)`` a matched form names."""
        return self.by_form[normalise(form)]


def normalise(form: str) -> str:
    return re.sub(r"[\s-]+", " ", form.lower())


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
def concept_lexicon(
    scheme: URIRef, *, plurals: bool = True, case_sensitive_short: bool = True
) -> ConceptLexicon:
    """The written forms of every concept in ``scheme``.

    Short all-capital labels ("ASB", "PEEL") match only in capitals, so they
    are not found inside ordinary words.
    """
    graph = ontology_graph()
    by_form: dict[str, tuple[str, str]] = {}
    exact: set[str] = set()
    for concept in sorted(graph.subjects(SKOS.inScheme, scheme), key=str):
        if (concept, RDF.type, SKOS.Concept) not in graph:
            continue
        pref = str(graph.value(concept, SKOS.prefLabel))
        for label in [pref, *sorted(str(a) for a in graph.objects(concept, SKOS.altLabel))]:
            if case_sensitive_short and label.isupper():
                exact.add(label)
                by_form.setdefault(normalise(label), (str(concept), pref))
                continue
            forms = _plurals(label.lower()) if plurals else {label.lower()}
            for form in forms:
                by_form.setdefault(normalise(form), (str(concept), pref))
    loose = sorted((f for f in by_form if f.upper() not in exact), key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", r"[\s-]+") for f in loose)
    strict = "|".join(re.escape(f) for f in sorted(exact, key=len, reverse=True))
    alternatives = [f"(?i:{body})"] if body else []
    if strict:
        alternatives.append(strict)
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])")
    return ConceptLexicon(pattern, by_form)
