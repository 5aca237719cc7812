"""Named organisations the gazetteer does not know ("Leeds City Council",
"Hywel Dda University Health Board"): capitalised names ending in a word
that names a kind of organisation, as listed in ``data/patterns.json``.
"""

from __future__ import annotations

import functools
import re

from ..records import Span
from .context import ReleaseContext
from .lexicon import lexicon

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
    dropped = set(ctx.lexicon.raw["organisation_leading_words_dropped"])
    taken = [m.span for m in ctx.mentions]
    found: list[tuple[str, Span]] = []
    for match in _pattern().finditer(ctx.text):
        name = match.group(1)
        start = match.start(1)
        words = name.split()
        while words and words[0] in dropped:
            start = ctx.text.index(words[1], start + len(words[0])) if len(words) > 1 else start
            words = words[1:]
        if len(words) < 2 or words[0][0].islower():
            continue
        name = " ".join(words)
        if "\n" in ctx.text[start : start + len(name) + 5] and ctx.text[start : start + len(name)] != name:
            continue
        span = Span(start, start + len(ctx.text[start:].split(words[-1], 1)[0]) + len(words[-1]))
        if span.of(ctx.text) != name:
            name = re.sub(r"\s+", " ", span.of(ctx.text))
        if any(t.start < span.end and span.start < t.end for t in taken):
            continue
        if ctx.gazetteer.lookup(name) is not None:
            continue
        found.append((name, span))
    return found
