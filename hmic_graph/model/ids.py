"""Path segments and release ids: the plain-string part of minting IRIs.

Kept apart from :mod:`hmic_graph.model.iris` so that extraction, which
makes no RDF, can name releases and slugs without importing rdflib.
"""

from __future__ import annotations

import re
import unicodedata

#: The namespace instance IRIs are minted under unless a caller gives another.
DEFAULT_BASE = "https://w3id.org/hmic-graph/id/"

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


def release_id_for(*, sha256: str) -> str:
    """The id a release's IRIs are minted from, unless a caller names it: the
    first 16 hexadecimal digits of the SHA-256 of its text as read.

    One rule for every input (a file, a saved page, a string), so a release
    keeps its IRI when its file is renamed or moved, and the same text
    always gets the same IRI. A caller that wants another id (a manifest's
    ``release_id``) passes it to the loader instead.

    >>> release_id_for(sha256="3b537c09fbf1200f9f0c6f7e8c1e8c1b2f3a4d5e6f708192a3b4c5d6e7f80912")
    '3b537c09fbf1200f'
    """
    return sha256[:16]
