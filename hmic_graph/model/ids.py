"""Path segments and release ids: the plain-string part of minting IRIs.

Kept apart from :mod:`hmic_graph.model.iris` so that extraction, which
makes no RDF, can name releases and slugs without importing rdflib.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

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
        return slugify(Path(path).stem)
    return "text-" + sha256[:16]
