"""Splitting a release into its parts: headline, paragraphs, quotes, notes.

Each :class:`Block` keeps the span it covers in the source text, so every
later record can point back to the exact characters it was read from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from hmic_graph.extract.lexicon import lexicon
from hmic_graph.model.records import Span

OPENING_QUOTES = '"“‘'
CLOSING_QUOTES = '"”’'
_BULLET = re.compile(r"^\s*(?:[•\-–*·▪●]|\d{1,2}[.)])\s+")
_RELEASE_NUMBER = re.compile(
    r"^\s*(?:#|No\.?\s*|Release\s+)?(\d{1,4}\s*/\s*(?:19|20)\d{2})\b\s*[-–:]?\s*"
)
_FURNITURE_WITH_TITLE = re.compile(r"^(?P<furniture>[^:\n]{3,40}?)\s*:\s+(?P<title>\S.{3,})$")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9£])")
_ABBREVIATIONS = (
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "St.",
    "No.",
    "e.g.",
    "i.e.",
    "etc.",
    "Prof.",
    "Cllr.",
)


class BlockKind(StrEnum):
    HEADLINE = "headline"
    BODY = "body"
    QUOTE = "quote"
    NOTES_HEADING = "notes-heading"
    NOTE = "note"
    FURNITURE = "furniture"


@dataclass(frozen=True)
class Block:
    """A paragraph (or line of a list) with its span and role."""

    span: Span
    text: str
    kind: BlockKind
    bullet: bool = False


@dataclass
class Layout:
    """The blocks of a release in order, with the headline and notes found."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    release_number: str | None = None
    furniture_titles: list[Span] = field(default_factory=list)

    @property
    def headline(self) -> Block | None:
        return next((b for b in self.blocks if b.kind is BlockKind.HEADLINE), None)

    def body(self) -> list[Block]:
        return [b for b in self.blocks if b.kind in (BlockKind.BODY, BlockKind.QUOTE)]

    def notes(self) -> list[Block]:
        return [b for b in self.blocks if b.kind is BlockKind.NOTE]


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines, stripped of surrounding white space."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        spans.append((start, start + len(stripped)))
    return spans


def _open_quote(text: str) -> bool:
    return bool(text) and text[0] in OPENING_QUOTES


def _still_open(paragraph: str) -> bool:
    """Whether a paragraph that opens with a quotation mark leaves it open at its end."""
    if "“" in paragraph or "”" in paragraph:
        return paragraph.rfind("“") > paragraph.rfind("”")
    return paragraph.count('"') % 2 == 1


def _joins(previous: str, current: str, in_open_quote: bool) -> bool:
    """Whether ``current`` continues the paragraph of ``previous`` (a hard line break)."""
    if _BULLET.match(current) or _open_quote(current):
        return False
    if in_open_quote and not previous.rstrip().endswith((":",)):
        return True
    ends_sentence = previous.rstrip()[-1:] in '.!?:;"”’)'
    return not ends_sentence and current[:1].islower()


def segment(text: str) -> Layout:
    """Split ``text`` into blocks: headline, body paragraphs, quotes and notes."""
    lex = lexicon()
    layout = Layout(text=text)
    # Group lines into paragraphs: a blank line always ends one; a single line
    # break ends one unless the line is a hard wrap inside a sentence or quote.
    paragraphs: list[tuple[int, int]] = []
    prev_end = -1
    in_quote = False
    for start, end in _lines(text):
        line = text[start:end]
        blank_between = prev_end >= 0 and text.count("\n", prev_end, start) > 1
        if (
            paragraphs
            and not blank_between
            and _joins(text[paragraphs[-1][0] : prev_end], line, in_quote)
        ) or (
            paragraphs
            and blank_between
            and in_quote
            and not _open_quote(line)
            and line[:1].islower()
        ):
            paragraphs[-1] = (paragraphs[-1][0], end)
        else:
            paragraphs.append((start, end))
        para = text[paragraphs[-1][0] : end]
        in_quote = _open_quote(para) and _still_open(para)
        prev_end = end

    in_notes = False
    headline_seen = False
    # Where the last notes heading that is not also a body section heading is.
    last_strong_heading = max(
        (
            i
            for i, (s, e) in enumerate(paragraphs)
            if lex.notes_heading.match(text[s:e])
            and not lex.notes_heading_if_last.match(text[s:e])
        ),
        default=-1,
    )
    # "Get the report" heads one title; "Get the reports" heads the lines after it
    # up to the next blank line.
    expect_title: str | None = None
    titles_taken = 0
    previous_end = 0
    for index, (start, end) in enumerate(paragraphs):
        para = text[start:end]
        blank_before = text.count("\n", previous_end, start) > 1
        previous_end = end
        # "Get the reports" heads the lines after it up to a blank line; a blank
        # line straight after the heading comes before the titles, not after them.
        if expect_title == "many" and blank_before and titles_taken:
            expect_title = None
        # A lead paragraph after a bare "Get the report" is no title: a title is one
        # short line, not several sentences.
        if expect_title is not None and (len(para) > 200 or re.search(r"[.!]\s+[A-Z]", para)):
            expect_title = None
        if expect_title is not None and not lex.furniture_line.match(para):
            layout.furniture_titles.append(Span(start, end))
            layout.blocks.append(Block(Span(start, end), para, BlockKind.FURNITURE))
            expect_title = "many" if expect_title == "many" else None
            titles_taken += 1
            continue
        expect_title = None
        inline = _FURNITURE_WITH_TITLE.match(para)
        if inline is not None and lex.furniture_line.match(inline.group("furniture")):
            # "Get the report : Title" on one line.
            layout.furniture_titles.append(Span(start + inline.start("title"), end))
            layout.blocks.append(Block(Span(start, end), para, BlockKind.FURNITURE))
            continue
        if lex.furniture_line.match(para):
            layout.blocks.append(Block(Span(start, end), para, BlockKind.FURNITURE))
            lowered = para.strip().rstrip(":").strip().lower()
            if "report" in lowered and lowered.startswith(("get the", "download", "read the")):
                expect_title = "many" if lowered.endswith("reports") else "one"
                titles_taken = 0
            continue
        if re.match(r"^\s*published\s*:", para, re.IGNORECASE):
            layout.blocks.append(Block(Span(start, end), para, BlockKind.FURNITURE))
            continue
        if lex.notes_heading.match(para) and not (
            # "Background" heading a section of the body, before "Notes to editors".
            not in_notes
            and lex.notes_heading_if_last.match(para)
            and index < last_strong_heading
        ):
            in_notes = True
            layout.blocks.append(Block(Span(start, end), para, BlockKind.NOTES_HEADING))
            continue
        bullet = bool(_BULLET.match(para))
        if in_notes:
            layout.blocks.append(Block(Span(start, end), para, BlockKind.NOTE, bullet))
        elif not headline_seen:
            headline_seen = True
            number = _RELEASE_NUMBER.match(para)
            if number and not re.match(r"^\s*\d{1,2}\.\s", para):
                layout.release_number = re.sub(r"\s+", "", number.group(1))
                start += number.end()
            if start < end:
                layout.blocks.append(Block(Span(start, end), text[start:end], BlockKind.HEADLINE))
            else:  # the line held only the release number: the next paragraph is the headline
                headline_seen = False
        elif _open_quote(para):
            layout.blocks.append(Block(Span(start, end), para, BlockKind.QUOTE, bullet))
        else:
            layout.blocks.append(Block(Span(start, end), para, BlockKind.BODY, bullet))
    return layout


def sentences(text: str, span: Span) -> list[Span]:
    """Sentence spans inside ``span`` of ``text``."""
    chunk = text[span.start : span.end]
    result: list[Span] = []
    begin = 0
    # Quotation marks in chunk[:counted], counted as the matches advance: counting
    # from the start at every sentence end is quadratic in the paragraph's length.
    counted = opened = closed = straight = 0
    for match in _SENTENCE_END.finditer(chunk):
        before = chunk[begin : match.start() + 1]
        if before.endswith(_ABBREVIATIONS) or re.search(r"\b[A-Z]\.$", before):
            continue
        new = chunk[counted : match.start() + 1]
        opened, closed, straight = (
            opened + new.count("“"), closed + new.count("”"), straight + new.count('"')
        )
        counted = match.start() + 1
        if opened > closed or (opened == 0 and straight % 2 == 1 and chunk[match.start()] != '"'):
            continue
        end = match.start()
        while end < len(chunk) and chunk[end] in '.!?"”’)':
            end += 1
        piece = chunk[begin:end].strip()
        if piece:
            offset = chunk.index(piece, begin)
            result.append(Span(span.start + offset, span.start + offset + len(piece)))
        begin = match.end()
    tail = chunk[begin:].strip()
    if tail:
        offset = chunk.index(tail, begin)
        result.append(Span(span.start + offset, span.start + offset + len(tail)))
    return result
