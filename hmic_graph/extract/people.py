"""People, their posts, and who said what.

Attribution in releases takes a handful of shapes: "NAME, POST, said:",
"POST, NAME, said:", "POST NAME said:", "…,” said NAME, POST.", "NAME
added:", "A and B said:", and indirect speech ("said NAME, POST") without a
quotation. Each is parsed into (person, post) pairs; a person named again
by a short form ("Sir Denis", "Ms Billingham") or a pronoun is the same
person.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from hmic_graph.extract.lexicon import Lexicon
from hmic_graph.extract.segment import CLOSING_QUOTES, OPENING_QUOTES
from hmic_graph.model.ids import slugify
from hmic_graph.model.records import Span

_NAME_TOKEN = r"(?:[A-Z][a-zà-ÿ]*['’][A-Z][a-zà-ÿ]+|(?:Mc|Mac)[A-Z][a-zà-ÿ]+|[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?|[A-Z]\.)"
_NAME_TOKEN_RE = re.compile(rf"^{_NAME_TOKEN}$")
_NOT_NAME_WORDS = frozenset(
    {
        "The",
        "HM",
        "Her",
        "His",
        "Majesty's",
        "Majesty’s",
        "Police",
        "Constabulary",
        "Council",
        "Service",
        "Services",
        "Inspectorate",
        "Region",
        "Force",
        "Government",
        "Home",
        "Office",
        "Crime",
        "National",
        "England",
        "Wales",
        "Fire",
        "Rescue",
        "And",
        "For",
        "Of",
        "This",
        "That",
        "It",
        "We",
        "Our",
        "They",
        "She",
        "He",
        "In",
        "However",
        "Speaking",
        "Commenting",
        "Responding",
        "Today",
        "Report",
        "Agency",
        "Authority",
        "County",
        "City",
        "Borough",
    }
)
_PRONOUNS = frozenset({"he", "she", "they"})


@dataclass
class PersonEntry:
    name: str
    honorific: str | None
    forms: set[str] = field(default_factory=set)
    spans: list[Span] = field(default_factory=list)


@dataclass
class Speaker:
    """A person named in an attribution, with the post written beside them."""

    name: str
    post: str | None
    post_span: Span | None


class People:
    """The people of one release, so that short forms resolve to one person."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.entries: dict[str, PersonEntry] = {}
        self.last_speakers: list[str] = []

    def _split_honorific(self, text: str) -> tuple[str | None, str]:
        for honorific in self.lexicon.honorifics:
            if text.startswith(honorific + " "):
                return honorific.rstrip("."), text[len(honorific) + 1 :].strip()
        return None, text

    def looks_like_name(self, text: str) -> bool:
        honorific, rest = self._split_honorific(text.strip())
        tokens = rest.split()
        if not tokens or len(tokens) > 5:
            return False
        if any(not _NAME_TOKEN_RE.match(t) or t in _NOT_NAME_WORDS for t in tokens):
            return False
        if any(t.lower() in self.lexicon.post_words for t in tokens):
            return False
        if len(tokens) == 1:
            return honorific is not None or self.resolve(tokens[0]) is not None
        return True

    def resolve(self, text: str) -> str | None:
        """The canonical name of a person already met, from a short form."""
        honorific, rest = self._split_honorific(text.strip())
        if rest in self.entries:
            return rest
        # Spellings that differ only in accents or case ("Zoë"/"Zoe") would share
        # one IRI (the builder mints it from the slug): they are one person.
        same = next((name for name in self.entries if slugify(name) == slugify(rest)), None)
        if same is not None:
            return same
        tokens = rest.split()
        if not tokens:
            return None
        for name, _entry in self.entries.items():
            parts = name.split()
            if len(tokens) == 1:
                if honorific in {"Sir", "Dame", "Lord", "Lady"} and parts[0] == tokens[0]:
                    return name
                if parts[-1] == tokens[0] and (honorific is not None or len(self.entries) == 1):
                    return name
            elif tokens[-1] == parts[-1] and tokens[0] == parts[0]:
                return name
        return None

    def add(self, text: str, span: Span | None) -> str:
        """Record a person named by ``text``; returns the canonical name."""
        honorific, rest = self._split_honorific(text.strip())
        known = self.resolve(text)
        name = known or rest
        entry = self.entries.setdefault(name, PersonEntry(name, honorific))
        if honorific and not entry.honorific:
            entry.honorific = honorific
        entry.forms.add(text.strip())
        if span is not None:
            entry.spans.append(span)
        return name

    def is_post(self, text: str) -> bool:
        return any(t.strip(",.").lower() in self.lexicon.post_words for t in text.split())

    def _trailing_name(self, text: str) -> tuple[str, str] | None:
        """Split "POST NAME" into its post and its name."""
        tokens = text.split()
        for size in (4, 3, 2, 1):
            if len(tokens) <= size:
                continue
            candidate = " ".join(tokens[-size:])
            head = " ".join(tokens[:-size])
            dangling = head.split()[-1].lower() in {"of", "for", "and", "the", "to", "in"}
            if self.looks_like_name(candidate) and self.is_post(head) and not dangling:
                return head, candidate
        return None

    def posts_in_prose(self, text: str, span: Span) -> list[Speaker]:
        """Inspectors named with their post in running text ("HM Inspector of
        Constabulary Jane Doe has ...", "Jane Doe, HM Inspector of Constabulary, ...")."""
        chunk = text[span.start : span.end]
        speakers = []
        for match in self.lexicon.inspector_post.finditer(chunk):
            post = match.group()
            post_span = Span(span.start + match.start(), span.start + match.end())
            after = re.match(r"\s*,?\s*((?:\S+\s+){0,4}\S+)", chunk[match.end() :])
            before = re.search(r"((?:\S+\s+){0,4}\S+),\s*$", chunk[: match.start()])
            found = None
            if after is not None:
                tokens = after.group(1).split()
                for size in range(len(tokens), 0, -1):
                    candidate = " ".join(tokens[:size]).rstrip(",.;:")
                    if self.looks_like_name(candidate):
                        at = span.start + match.end() + after.start(1)
                        found = (candidate, at)
                        break
            if found is None and before is not None:
                tokens = before.group(1).split()
                for size in range(len(tokens), 0, -1):
                    candidate = " ".join(tokens[-size:])
                    if self.looks_like_name(candidate):
                        at = span.start + before.end(1) - len(candidate)
                        found = (candidate, at)
                        break
            if found is not None:
                name = self.add(found[0], Span(found[1], found[1] + len(found[0])))
                speakers.append(Speaker(name, post, post_span))
        return speakers

    def parse_attribution(self, text: str, offset: int) -> list[Speaker]:
        """The people (and posts) named in an attribution phrase at ``offset``."""
        parts: list[tuple[str, int]] = []
        for match in re.finditer(r"[^,]+", text):
            part = match.group()
            start = match.start()
            stripped = part.strip()
            lead = len(part) - len(part.lstrip())
            if stripped.startswith("and "):
                stripped, lead = stripped[4:], lead + 4
            pieces = re.split(r"\s+and\s+", stripped)
            if len(pieces) > 1 and all(
                self.looks_like_name(p) or self._trailing_name(p) is not None for p in pieces
            ):
                cursor = start + lead
                for piece in pieces:
                    at = text.index(piece, cursor)
                    parts.append((piece, at))
                    cursor = at + len(piece)
            elif stripped:
                parts.append((stripped, start + lead))
        # "Police, Fire and Crime Commissioner for X": a fragment that is neither
        # a name nor a post belongs to the post after it.
        merged: list[tuple[str, int]] = []
        for part, at in parts:
            if (
                merged
                and not self.looks_like_name(merged[-1][0])
                and not self.is_post(merged[-1][0])
                and self.is_post(part)
            ):
                head, head_at = merged.pop()
                merged.append((text[head_at : at + len(part)], head_at))
            else:
                merged.append((part, at))
        parts = merged
        speakers: list[Speaker] = []
        pending_post: tuple[str, Span] | None = None
        for part, at in parts:
            if part.startswith(("The ", "the ")) and self.is_post(part):
                part, at = part[4:], at + 4
            if part.lower() in _PRONOUNS:
                for name in self.last_speakers:
                    speakers.append(Speaker(name, None, None))
                continue
            if self.looks_like_name(part):
                name = self.add(part, Span(offset + at, offset + at + len(part)))
                post, post_span = pending_post or (None, None)
                speakers.append(Speaker(name, post, post_span))
                pending_post = None
                continue
            split = self._trailing_name(part)
            if split is not None:
                head, candidate = split
                name_at = at + part.rindex(candidate)
                name = self.add(
                    candidate, Span(offset + name_at, offset + name_at + len(candidate))
                )
                speakers.append(Speaker(name, head, Span(offset + at, offset + at + len(head))))
                continue
            if self.is_post(part):
                span = Span(offset + at, offset + at + len(part))
                if speakers and speakers[-1].post is None:
                    speakers[-1].post, speakers[-1].post_span = part, span
                else:
                    pending_post = (part, span)
        return speakers


_VERBS = r"(?:said|says|added|adds|commented|explained|continued|warned|stated|concluded|remarked|observed|noted)"
_INTRO = re.compile(rf"^(?P<phrase>.+?)\s+{_VERBS}(?:\s+that)?\s*:?\s*$", re.DOTALL)
_INTRO_INVERTED = re.compile(rf"^{_VERBS}\s+(?P<phrase>.+?)\s*:\s*$", re.DOTALL)
_AFTER_QUOTE = re.compile(
    rf"^[\s,]*(?:{_VERBS}\s+(?P<after>[^.!?]+?)|(?P<before>[^.!?“”\"]+?)\s+{_VERBS})\s*[.!?]?\s*$",
)
_INDIRECT = re.compile(
    rf"(?<![\w])(?:{_VERBS})\s+(?P<phrase>(?:[A-Z][^.;:!?]*?))(?=[.;:!?]|\s+(?:that|who|when)\b|$)"
)
_INLINE_INTRO = re.compile(rf"(?P<phrase>[^.!?:]+?)\s+{_VERBS}\s*:\s*(?=[{OPENING_QUOTES}])")
_INLINE_INTRO_TAIL = re.compile(rf"\s+{_VERBS}\s*:\s*(?=[{OPENING_QUOTES}])")
_PHRASE_STOP = re.compile(r"[.!?:]")


def find_inline_intro(text: str) -> re.Match[str] | None:
    """``_INLINE_INTRO.search(text)``, in time linear in ``text``.

    The plain search tries every start and scans each to the next stop, so a
    long text with no "said: “" in it takes quadratic time. Every "said: “"
    ends a run between stops (``.!?:``), and a match can only start at the
    beginning of such a run, so the pattern is tried there only.
    """
    stops = [m.start() for m in _PHRASE_STOP.finditer(text)]
    for tail in _INLINE_INTRO_TAIL.finditer(text):
        index = bisect.bisect_left(stops, tail.start())
        match = _INLINE_INTRO.match(text, stops[index - 1] + 1 if index else 0)
        if match is not None:
            return match
    return None


_QUOTED_RUN = re.compile(r"(?:“(?P<curly>[^“”]{20,}?)”|(?<![\w])\"(?P<straight>[^\"]{20,}?)\")")
_ATTRIBUTION_AFTER = re.compile(
    rf"^\s*,?\s*(?:{_VERBS}\s+(?P<after>[A-Z][^.;:!?“”\"]*?)(?=,\s+(?:adding|who|and\s+(?:that|he|she))\b|[.;:!?]|$)"
    rf"|(?P<before>[A-Z][^.;:!?“”\"]*?)\s+{_VERBS}\b)"
)


_LEADING_MARKS = re.compile(r'^[\s"“”]+')
_TRAILING_MARKS = re.compile(r'[\s"“”]+$')


def inline_quotes(text: str, span: Span) -> list[tuple[Span, str, int]]:
    """Quotations inside a prose paragraph, each with the attribution phrase after it.

    Returns ``(inner span, phrase, phrase offset)``; only quotations of several
    words count, so titles and scare quotes are left alone.
    """
    chunk = text[span.start : span.end]
    found = []
    for match in _QUOTED_RUN.finditer(chunk):
        group = "curly" if match.group("curly") is not None else "straight"
        inner = match.group(group)
        if len(inner.split()) < 6:
            continue
        after = _ATTRIBUTION_AFTER.match(chunk[match.end() :])
        if after is None:
            continue
        phrase_group = "after" if after.group("after") else "before"
        phrase = after.group(phrase_group)
        # No white space or stray mark at either end ("“ The force ... year “").
        lead = len(inner) - len(_LEADING_MARKS.sub("", inner))
        body = _TRAILING_MARKS.sub("", _TRAILING_MARKS.sub("", inner).rstrip(","))[lead:]
        if not body:
            continue
        start = span.start + match.start(group) + lead
        found.append(
            (
                Span(start, start + len(body)),
                phrase,
                span.start + match.end() + after.start(phrase_group),
            )
        )
    return found




def quote_body(text: str, span: Span) -> tuple[Span | None, str]:
    """The span of a quoted paragraph without its quotation marks, and what follows them.

    Returns the inner span (``None`` when nothing but marks is quoted) and
    the text after the closing mark (an attribution such as ", said NAME."
    when present).
    """
    para = text[span.start : span.end]
    start = 0
    while start < len(para) and (para[start] in OPENING_QUOTES or para[start].isspace()):
        start += 1
    close = -1
    for index in range(start, len(para)):
        char = para[index]
        if char in '”"' or (
            char == "’"
            and (index + 1 == len(para) or not para[index + 1].isalpha())
            and para[start - 1] == "‘"
        ):
            close = index
            break
    if close == -1:
        end = len(para)
        rest = ""
    else:
        end = close
        rest = para[close + 1 :]
    # A mark typed the wrong way round ("...end.“") is not part of the quotation.
    inner = _TRAILING_MARKS.sub("", para[start:end])
    if inner.endswith(",") and rest.strip():
        inner = _TRAILING_MARKS.sub("", inner[:-1])
    if not inner:
        return None, rest
    inner_end = start + len(inner)
    return Span(span.start + start, span.start + inner_end), rest


def intro_phrase(paragraph: str) -> str | None:
    """The speaker phrase of a paragraph that introduces a quotation ("X said:")."""
    stripped = paragraph.strip()
    if not stripped.endswith(":"):
        return None
    last = re.split(r"(?<=[.!?])\s+", stripped)[-1]
    match = _INTRO.match(last) or _INTRO_INVERTED.match(last)
    if match is None:
        return None
    phrase = match.group("phrase")
    # "Speaking about the report, NAME said:" - drop clauses before the speaker.
    parts = [p.strip() for p in phrase.split(",")]
    while (
        len(parts) > 1
        and parts[0]
        and parts[0].split()[0]
        in {"Speaking", "Commenting", "Responding", "Welcoming", "Today", "Reacting"}
    ):
        parts.pop(0)
    return ", ".join(parts)


def strip_closing(text: str) -> str:
    return text.rstrip().rstrip(CLOSING_QUOTES).rstrip()


__all__ = [
    "_AFTER_QUOTE",
    "_INDIRECT",
    "_INLINE_INTRO",
    "People",
    "Speaker",
    "intro_phrase",
    "quote_body",
]
