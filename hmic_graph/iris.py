"""Deterministic IRIs for everything the builder writes.

Every node gets an IRI built from stable parts (names, the release id,
character offsets), never a blank node, so the same input always gives the
same triples and the same entity named in two releases meets itself.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef

from .records import Span

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """A readable path segment: ``"Her Majesty's Inspectorate"`` -> ``"her-majestys-inspectorate"``.

    >>> slugify("Devon & Cornwall Police")
    'devon-and-cornwall-police'
    >>> slugify("Zoë Billingham")
    'zoe-billingham'
    """
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug or "unnamed"


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


def release_id_for(*, release_number: str | None, path: str | None, sha256: str) -> str:
    """The id a release's IRIs are minted from.

    The release number printed in the text is the most stable name; else the
    file name; else a checksum of the text, so a string loaded twice still
    gets the same IRIs.

    >>> release_id_for(release_number="015/2012", path=None, sha256="ab")
    '015-2012'
    """
    if release_number:
        return slugify(release_number)
    if path:
        from pathlib import Path

        return slugify(Path(path).stem)
    return "text-" + sha256[:16]
