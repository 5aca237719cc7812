"""The plain data the HTML templates read, and the text helpers that shape it.

Shared by the generic entity pages and the index (:mod:`hmic_graph.serve.pages`)
and the readable pages (:mod:`hmic_graph.serve.profiles`): a :class:`Link`
and the views built of links, :func:`shorten` for labels and
:func:`sentence_context` for evidence. Nothing here writes HTML: the
templates do, with autoescaping, so every string is raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "EntityView",
    "EvidenceView",
    "FactView",
    "IncomingGroup",
    "IndexSection",
    "IndexView",
    "Link",
    "ReleaseRow",
    "ValueView",
    "sentence_context",
    "shorten",
]


@dataclass(frozen=True, slots=True)
class Link:
    """Something to link to.

    :param text: the link text (a name, or a short form of the IRI).
    :param iri: the full IRI (shown as the link's title).
    :param href: where the link goes: a local ``/id/...`` path, an ``/ontology#...``
        anchor, an outside ``http(s)`` IRI, or ``None`` for no link.
    """

    text: str
    iri: str
    href: str | None

    @property
    def local(self) -> bool:
        """Whether the link stays on this server."""
        return self.href is not None and self.href.startswith("/")


@dataclass(frozen=True, slots=True)
class ValueView:
    """One value of a fact: a link, or a literal with its datatype or language."""

    link: Link | None = None
    text: str = ""
    note: str = ""
    long: bool = False


@dataclass(frozen=True, slots=True)
class FactView:
    """One property of an entity with all its values."""

    predicate: Link
    curie: str
    values: list[ValueView]


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """Where an extracted fact was read: the sentence around the span, the span itself marked.

    ``before + exact + after`` is a stretch of the release text;
    ``clipped_before``/``clipped_after`` say whether it was cut short.
    ``matches`` is false when ``oa:exact`` differs from the release text at
    ``[start:end]`` (then only ``exact`` is shown).
    """

    selector: Link
    release: Link
    start: int
    end: int
    before: str
    exact: str
    after: str
    clipped_before: bool
    clipped_after: bool
    matches: bool


@dataclass(frozen=True, slots=True)
class IncomingGroup:
    """Entities that point at this one with one predicate, e.g. releases that mention it."""

    label: str
    predicate: Link
    curie: str
    links: list[Link]
    more: int = 0


@dataclass(frozen=True, slots=True)
class EntityView:
    """Everything an entity page shows."""

    iri: str
    title: str
    types: list[Link]
    facts: list[FactView]
    evidence: list[EvidenceView]
    incoming: list[IncomingGroup]
    path: str


@dataclass(frozen=True, slots=True)
class IndexSection:
    """One list of the index page."""

    anchor: str
    heading: str
    links: list[Link]


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    """One release on the index page."""

    link: Link
    number: str
    issued: str


@dataclass(frozen=True, slots=True)
class IndexView:
    """Everything the index page shows."""

    sections: list[IndexSection]
    releases: list[ReleaseRow] = field(default_factory=list)


# --- text ----------------------------------------------------------------------------


def shorten(text: str, limit: int = 90) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis: a label for a long text."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def sentence_context(
    text: str, start: int, end: int, *, window: int = 320
) -> tuple[str, str, str, bool, bool]:
    """The span ``text[start:end]`` with the rest of its sentence(s) around it.

    Expands left to just after the previous sentence end (``.``, ``!`` or
    ``?``, possibly followed by a closing quote or bracket, then white space)
    or line break, and right to the end of the sentence the span ends in,
    looking at most ``window`` characters either way.

    :returns: ``(before, exact, after, clipped_before, clipped_after)``.

    >>> sentence_context("One. Two three four. Five.", 9, 14)[:3]
    ('Two ', 'three', ' four.')
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    floor = max(0, start - window)
    left = floor
    for match in _SENTENCE_BREAK.finditer(text, floor, start):
        left = match.end()
    if left == floor and floor > 0 and "\n" not in text[floor:start]:
        clipped_before = True
    else:
        clipped_before = False
    # If the span itself ends a sentence, stop there.
    if end > start and (text[end - 1] in _ENDERS or text[end - 1] == "\n"):
        right, clipped_after = end, False
    else:
        ceiling = min(len(text), end + window)
        found = _SENTENCE_END.search(text, end, ceiling)
        if found is not None:
            right, clipped_after = found.end(), False
        else:
            right, clipped_after = ceiling, ceiling < len(text)
    before = text[left:start].lstrip()
    after = text[end:right].rstrip()
    return before, text[start:end], after, clipped_before, clipped_after


_ENDERS = ".!?"
_SENTENCE_BREAK = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+|\n+")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s|$)|(?=\n)")
