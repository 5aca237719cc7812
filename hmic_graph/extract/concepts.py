"""Words for the ontology's SKOS concepts: partner kinds, judgements, inspection kinds.

Each concept's preferred and alternative labels, singular and plural, are
the written forms the extractor looks for, so adding a kind or a judgement
is a change to ``ontology/hmic.ttl``, not to code.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyoxigraph as ox

from hmic_graph.model.ids import DEFAULT_BASE
from hmic_graph.model.resources import read_text

PARTNER_KINDS = DEFAULT_BASE + "partner-kind"
JUDGEMENTS = DEFAULT_BASE + "judgement"
INSPECTION_KINDS = DEFAULT_BASE + "inspection-kind"

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


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


def plural_forms(form: str) -> set[str]:
    words = form.split()
    last = words[-1]
    if last.endswith("y") and not last.endswith(("ay", "ey", "oy")):
        plural = last[:-1] + "ies"
    elif last.endswith(("s", "sh", "ch", "x")):
        plural = last + "es"
    else:
        plural = last + "s"
    return {form, " ".join([*words[:-1], plural])}


@dataclass(frozen=True)
class Concept:
    """A SKOS concept of the ontology, as the extractor needs it: its IRI and its labels."""

    iri: str
    pref_label: str
    alt_labels: tuple[str, ...]


@functools.cache
def concepts(scheme: str) -> tuple[Concept, ...]:
    """The concepts of ``scheme`` in the bundled ontology, sorted by IRI.

    Read with pyoxigraph rather than rdflib: extraction makes no RDF and
    needs only the labels.
    """
    store = ox.Store()
    store.load(read_text("ontology", "hmic.ttl"), format=ox.RdfFormat.TURTLE)
    in_scheme = ox.NamedNode(_SKOS + "inScheme")
    concept_class = ox.NamedNode(_SKOS + "Concept")
    found = []
    for quad in store.quads_for_pattern(None, in_scheme, ox.NamedNode(scheme)):
        iri = quad.subject
        if not isinstance(iri, ox.NamedNode) or not any(store.quads_for_pattern(iri, ox.NamedNode(_RDF_TYPE), concept_class)):
            continue
        pref = _labels(store, iri, "prefLabel")
        found.append(Concept(iri.value, pref[0], tuple(sorted(_labels(store, iri, "altLabel")))))
    return tuple(sorted(found, key=lambda c: c.iri))


def _labels(store: ox.Store, concept: ox.NamedNode, predicate: str) -> list[str]:
    quads = store.quads_for_pattern(concept, ox.NamedNode(_SKOS + predicate), None)
    return [q.object.value for q in quads if isinstance(q.object, ox.Literal)]


def pref_label(iri: str) -> str | None:
    """The preferred label of the concept ``iri`` in any scheme, or ``None``."""
    for scheme in (PARTNER_KINDS, JUDGEMENTS, INSPECTION_KINDS):
        for concept in concepts(scheme):
            if concept.iri == iri:
                return concept.pref_label
    return None


@functools.cache
def concept_lexicon(
    scheme: str, *, plurals: bool = True, case_sensitive_short: bool = True
) -> ConceptLexicon:
    """The written forms of every concept in ``scheme``.

    Short all-capital labels ("ASB", "PEEL") match only in capitals, so they
    are not found inside ordinary words.
    """
    by_form: dict[str, tuple[str, str]] = {}
    exact: set[str] = set()
    for concept in concepts(scheme):
        pref = concept.pref_label
        for label in [pref, *concept.alt_labels]:
            if case_sensitive_short and label.isupper():
                exact.add(label)
                by_form.setdefault(normalise(label), (concept.iri, pref))
                continue
            forms = plural_forms(label.lower()) if plurals else {label.lower()}
            for form in forms:
                by_form.setdefault(normalise(form), (concept.iri, pref))
    loose = sorted((f for f in by_form if f.upper() not in exact), key=len, reverse=True)
    body = "|".join(re.escape(f).replace(r"\ ", r"[\s-]+") for f in loose)
    strict = "|".join(re.escape(f) for f in sorted(exact, key=len, reverse=True))
    alternatives = [f"(?i:{body})"] if body else []
    if strict:
        alternatives.append(strict)
    pattern = re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])")
    return ConceptLexicon(pattern, by_form)
