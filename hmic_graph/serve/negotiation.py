"""HTTP content negotiation: pick the best offered media type for an ``Accept`` header.

Pure functions, no web framework: the server's routes and the tests use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MediaRange", "negotiate", "parse_accept"]


@dataclass(frozen=True, slots=True)
class MediaRange:
    """One entry of an ``Accept`` header, e.g. ``text/*;q=0.5``.

    :param type: the main type, or ``*``.
    :param subtype: the subtype, or ``*``.
    :param q: the quality, 0 to 1.
    """

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How precisely this range matches ``media_type``: 2 exact, 1 ``type/*``, 0 ``*/*``, -1 not at all."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; malformed entries are skipped.

    Parameters other than ``q`` are ignored, so ``text/turtle;charset=utf-8``
    means ``text/turtle``.

    >>> parse_accept("text/html, application/xml;q=0.9, */*;q=0.8")[1]
    MediaRange(type='application', subtype='xml', q=0.9)
    >>> parse_accept("garbage, text/csv;q=x")
    []
    """
    ranges: list[MediaRange] = []
    if not header:
        return ranges
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        main, slash, sub = media.lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        valid = True
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    valid = False
                    break
                if not 0.0 <= q <= 1.0:
                    valid = False
                    break
        if valid:
            ranges.append(MediaRange(main, sub, q))
    return ranges


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or ``None`` if it accepts none of them.

    Each offered type takes the quality of the most specific range that
    matches it (RFC 9110, 12.5.1); ties go to the earlier offer, so
    ``offered`` is in the server's order of preference and its first entry is
    the default when the header is missing, empty or has no valid entry.

    >>> negotiate("text/turtle;q=0.9, application/ld+json", ["text/html", "text/turtle", "application/ld+json"])
    'application/ld+json'
    >>> negotiate(None, ["text/html", "text/turtle"])
    'text/html'
    >>> negotiate("image/png", ["text/html"]) is None
    True
    """
    if not offered:
        return None
    ranges = parse_accept(header)
    if not ranges:
        return offered[0]
    best: str | None = None
    best_q = 0.0
    for media_type in offered:
        specificity, q = -1, 0.0
        for media_range in ranges:
            s = media_range.specificity(media_type.lower())
            if s > specificity:
                specificity, q = s, media_range.q
        if specificity >= 0 and q > best_q:
            best, best_q = media_type, q
    return best
