"""Named organisations the gazetteer does not know ("Leeds City Council",
"Hywel Dda University Health Board"): capitalised names ending in a word
that names a kind of organisation, as listed in ``data/patterns.json``.
"""

from __future__ import annotations

import functools
import re

from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.lexicon import lexicon
from hmic_graph.model.records import Span

_WORD = r"(?:[A-Z][\w'’&-]*|and|of|for|&)"


@functools.cache
def _pattern() -> re.Pattern[str]:
    heads = sorted(lexicon().raw["organisation_heads"], key=len, reverse=True)
    head = "|".join(re.escape(h).replace(r"\ ", r"\s+") for h in heads)
    # Greedy: the longest run of capitalised words before the head wins, so
    # "Hywel Dda University Health Board" is one name, not "Hywel Dda University".
    return re.compile(rf"(?<![\w-])((?:[A-Z][\w'’-]*\s+)(?:{_WORD}\s+){{0,6}}(?:{head}))(?![\w-])")


def find_named_organisations(ctx: ReleaseContext) -> list[tuple[str, Span]]:
    """Names and spans of organisations outside the gazetteer, left to right."""
    found: list[tuple[str, Span]] = []
    for match in _pattern().finditer(ctx.text):
        # "Wiltshire Council and Swindon Borough Council" names two bodies.
        start = match.start(1)
        pieces = re.split(r"\s+and\s+(?=[A-Z])", match.group(1))
        if not all(_pattern().fullmatch(piece) for piece in pieces):
            pieces = [match.group(1)]
        for piece in pieces:
            at = ctx.text.index(piece, start)
            start = at + len(piece)
            _add(ctx, piece, at, found)
    return found


def _add(ctx: ReleaseContext, name: str, start: int, found: list[tuple[str, Span]]) -> None:
    dropped = set(ctx.lexicon.raw["organisation_leading_words_dropped"])
    # "Leader of X Council": the post is not part of the name.
    if name.split()[0].lower() in ctx.lexicon.post_words and " of " in name:
        cut = name.index(" of ") + 4
        start, name = start + cut, name[cut:]
    words = name.split()
    while len(words) > 1 and words[0] in dropped:
        start = ctx.text.index(words[1], start + len(words[0]))
        words = words[1:]
    if len(words) < 2 or words[0][0].islower():
        return
    end = ctx.text.index(words[-1], start + sum(len(w) for w in words[:-1])) + len(words[-1])
    span = Span(start, end)
    name = re.sub(r"\s+", " ", span.of(ctx.text))
    overlapping = [m for m in ctx.mentions if m.span.start < span.end and span.start < m.span.end]
    if any(m.span.end >= span.end for m in overlapping):
        return
    if ctx.gazetteer.lookup(name) is not None or any(n == name for n, _ in found):
        return
    # "X Police Authority" names an authority, not the force X Police.
    for mention in overlapping:
        ctx.mentions.remove(mention)
    found.append((name, span))
