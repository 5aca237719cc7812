"""Deterministic IRIs for everything the builder writes.

Every node gets an IRI built from stable parts (names, the release id,
character offsets), never a blank node, so the same input always gives the
same triples and the same entity named in two releases meets itself.
"""

from __future__ import annotations

from rdflib import URIRef

from hmic_graph.model.ids import release_id_for, slugify
from hmic_graph.model.records import Span

__all__ = ["IriMinter", "release_id_for", "slugify"]

class IriMinter:
    """Mints the IRIs of one release's nodes under ``base``."""

    def __init__(self, base: str, release_id: str) -> None:
        if not base.endswith(("/", "#")):
            base += "/"
        self.base = base
        self.release_id = release_id

    def _iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(parts))

    def release(self) -> URIRef:
        return self._iri("release", self.release_id)

    def _in_release(self, kind: str, span: Span) -> URIRef:
        return self._iri("release", self.release_id, kind, f"{span.start}-{span.end}")

    def organisation(self, kind_path: str, key: str) -> URIRef:
        return self._iri(kind_path, key)

    def person(self, name: str) -> URIRef:
        return self._iri("person", slugify(name))

    def post(self, label: str, organisation_key: str | None) -> URIRef:
        if organisation_key is None:
            return self._iri("post", slugify(label))
        return self._iri("post", organisation_key, slugify(label))

    def report(self, name: str, *, titled: bool) -> URIRef:
        if titled:
            return self._iri("report", slugify(name))
        # An untitled "full report for X" is only identifiable within its release.
        return self._iri("release", self.release_id, "report", slugify(name))

    def alliance(self, member_keys: tuple[str, ...]) -> URIRef:
        return self._iri("alliance", "-and-".join(sorted(member_keys)))

    def partner(self, name: str) -> URIRef:
        return self._iri("partner", slugify(name))

    def partner_kind(self, concept: str) -> URIRef:
        return self._iri("partner-kind", concept)

    def change_event(self, original: str, resulting: str) -> URIRef:
        return self._iri("change", f"{original}-to-{resulting}")

    def inspection(self, body_key: str) -> URIRef:
        return self._iri("release", self.release_id, "inspection", body_key)

    def quote(self, span: Span) -> URIRef:
        return self._in_release("quote", span)

    def finding(self, span: Span) -> URIRef:
        return self._in_release("finding", span)

    def evidence(self, span: Span) -> URIRef:
        return self._in_release("evidence", span)

    def contact_point(self, digits: str) -> URIRef:
        return self._iri("release", self.release_id, "contact", digits)

    def opening_hours(self, digits: str) -> URIRef:
        return self._iri("release", self.release_id, "contact", digits, "hours")
