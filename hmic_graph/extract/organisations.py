"""Named organisations the gazetteer does not know: capitalised names ending
in a word that names a kind of organisation ("Leeds City Council", "Meridian
Custody Health Ltd"), opening with one ("NHS England", "Office for National
Statistics"), or written where an organisation is expected ("works with
Network Rail", "runs Action Fraud, the national reporting centre"). The
words are listed in ``data/patterns.json``.
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


@functools.cache
def _opening_pattern() -> re.Pattern[str]:
    """Names that open with what they are ("NHS England", "Office for National Statistics",
    "the Mayor's Office for Policing and Crime", "Inquiry into Crisis Care in Cornwall")."""
    openings = "|".join(
        re.escape(o).replace(r"\ ", r"\s+") for o in lexicon().raw["organisation_openings"]
    )
    return re.compile(
        rf"(?<![\w-])((?:[A-Z][\w'’-]*\s+){{0,2}}(?:{openings})"
        rf"(?:\s+(?:(?:and|of|for|in|into|&)\s+)?[A-Z][\w'’-]*)+)"
    )


@functools.cache
def _context_pattern() -> re.Pattern[str]:
    """Two to four capitalised words after a word that introduces an organisation
    ("works with Network Rail", "runs Action Fraud, the …")."""
    cues = "|".join(
        re.escape(c).replace(r"\ ", r"\s+") for c in lexicon().raw["organisation_context_cues"]
    )
    word = r"[A-Z][\w'’&-]*"
    return re.compile(
        rf"\b(?:{cues})\s+(?:the\s+)?({word}(?:\s+(?:&\s+)?{word}){{1,4}})"
        # then punctuation, a linking word or a verb in the present ("… results in").
        r"(?=\s*[,.;:)]|\s+(?:has|have|is|was|which|and|to|in|on|at|for|had|[a-z]{3,}s)\b)"
    )


@functools.cache
def _opening_sentence_pattern() -> re.Pattern[str]:
    """Two to five capitalised words opening a sentence, a line or a bullet and ending
    in a word that ends names of bodies, then a verb or an apposition ("Network Rail
    told …", "- Action Fraud, the national reporting centre …")."""
    endings = "|".join(re.escape(e) for e in lexicon().raw["organisation_name_endings"])
    verbs = "|".join(
        re.escape(v).replace(r"\ ", r"\s+") for v in lexicon().raw["organisation_sentence_verbs"]
    )
    word = r"[A-Z][\w'’-]*"
    return re.compile(
        rf"(?:^[ \t]*(?:[-–•*]|\d{{1,2}}[.)])?[ \t]*|(?<=[.!?])[ \t]+)"
        rf"((?:{word}\s+(?:(?:&|and|of|for)\s+)?){{1,4}}(?:{endings})"
        # before a verb, a name needs "for"/"of" or an abbreviation ("Transport for
        # London told …"): "Ann Roe told …" and "Call Handlers told …" are no bodies.
        rf"|{word}(?:\s+{word}){{0,2}}\s+(?:of|for)\s+{word}(?:\s+{word}){{0,2}}(?=\s+(?:{verbs})\b)"
        rf"|(?:{word}\s+)*[A-Z]{{2,}}(?:\s+{word})*(?=\s+(?:{verbs})\b)"
        # or in apposition to its kind ("Tir Glas, a rural safety charity, runs …").
        rf"|{word}(?:\s+{word}){{1,3}}(?={_apposed_kind().pattern}))"
        r"(?=\s*,|\s+[a-z])",
        re.MULTILINE,
    )


@functools.cache
def _list_item_pattern() -> re.Pattern[str]:
    """A capitalised name that follows another body in a list ("Network Rail, Transport
    for London and …")."""
    word = r"[A-Z][\w'’-]*"
    return re.compile(
        rf"(?:\s*,\s*|\s+and\s+|\s*,\s+and\s+)(?:the\s+)?"
        rf"({word}(?:\s+(?:(?:of|for|&|and)\s+)?{word}){{1,4}})(?=\s*[,.;:)]|\s+and\s+[a-z])"
    )


def find_named_organisations(
    ctx: ReleaseContext, people: frozenset[str] = frozenset()
) -> list[tuple[str, Span]]:
    """Names and spans of organisations outside the gazetteer, left to right.

    :param people: names of the people of the release, never taken for organisations.
    """
    found: list[tuple[str, Span]] = []
    for match in _pattern().finditer(ctx.text):
        # "Wiltshire Council and Swindon Borough Council" names two bodies.
        start = match.start(1)
        pieces = re.split(r"\s+and\s+(?=[A-Z])", match.group(1))
        if not all(_pattern().fullmatch(piece) for piece in pieces):
            # "Kent Police and Vale Probation Trust": a known body, then a name.
            known = 0
            while known < len(pieces) - 1 and ctx.gazetteer.lookup(pieces[known]) is not None:
                known += 1
            if known and _pattern().fullmatch(" and ".join(pieces[known:])):
                start = ctx.text.index(pieces[known], start + len(pieces[0]))
                pieces = [" and ".join(pieces[known:])]
            else:
                pieces = [match.group(1)]
        for piece in pieces:
            at = ctx.text.index(piece, start)
            start = at + len(piece)
            _add(ctx, piece, at, found)
    # The surer readings first: a name overlapping one already found is not another.
    for match in _opening_pattern().finditer(ctx.text):
        _add(ctx, match.group(1), match.start(1), found)
    for match in _context_pattern().finditer(ctx.text):
        if _named_in_context(ctx, match, people):
            _add(ctx, match.group(1), match.start(1), found)
    for match in _opening_sentence_pattern().finditer(ctx.text):
        if _plain_name(ctx, match.group(1), match.start(1), people):
            _add(ctx, match.group(1), match.start(1), found)
    # A capitalised name listed after a body found is a body too.
    for _name, span in sorted(found, key=lambda item: item[1]):
        item = _list_item_pattern().match(ctx.text, span.end)
        if item is not None and _plain_name(ctx, item.group(1), item.start(1), people):
            _add(ctx, item.group(1), item.start(1), found)
    return sorted(found, key=lambda item: item[1])


def _plain_name(ctx: ReleaseContext, name: str, start: int, people: frozenset[str]) -> bool:
    """Whether capitalised words can name a body: no person, place, post, day or month."""
    tokens = [t for t in name.split() if t[0].isupper()]
    raw = ctx.lexicon.raw
    excluded = {*raw["weekday_names"], *_MONTHS, *(h.rstrip(".") for h in raw["honorifics"])}
    if any(t.rstrip(".") in excluded or t.lower() in ctx.lexicon.post_words for t in tokens):
        return False
    if name in people or any(tokens[-1] == p.split()[-1] for p in people):
        return False
    # "Transport for Cumbria": a place after "for"/"of" inside a name is part of it.
    return not any(
        not re.search(r"\s(?:for|of)\s+$", ctx.text[start : p.span.start])
        for p in ctx.gazetteer.places(ctx.text, start, start + len(name))
    )


def _named_in_context(ctx: ReleaseContext, match: re.Match[str], people: frozenset[str]) -> bool:
    """Whether capitalised words after an organisation cue name an organisation:
    they stand in apposition to a kind of body ("a private provider, NAME,"),
    an abbreviation leads them ("UK Finance"), a word that ends names of bodies
    closes them ("Network Rail"), or "which" follows; never a person, a place,
    a post, a day or a month."""
    name = match.group(1)
    tokens = name.split()
    raw = ctx.lexicon.raw
    excluded = {*raw["weekday_names"], *_MONTHS, *(h.rstrip(".") for h in raw["honorifics"])}
    if any(t.rstrip(".") in excluded or t.lower() in ctx.lexicon.post_words for t in tokens):
        return False
    if name in people or any(name.split()[-1] == p.split()[-1] for p in people):
        return False
    if ctx.gazetteer.places(ctx.text, match.start(1), match.end(1)):
        return False
    following = ctx.text[match.end(1) : match.end(1) + 8]
    # "a private provider, NAME," names the body in apposition to its kind.
    in_apposition = ctx.text[match.start() : match.start(1)].rstrip().endswith(",")
    return (
        in_apposition
        or any(len(t) > 1 and t.isupper() for t in tokens)
        or tokens[-1] in raw["organisation_name_endings"]
        or bool(re.match(r",?\s+which\b", following))
        or bool(_apposed_kind().match(ctx.text, match.end(1)))
    )


@functools.cache
def _apposed_kind() -> re.Pattern[str]:
    """A kind after a name (", a charity,"): the name is of a body of that kind."""
    kinds = "|".join(
        re.escape(k).replace(r"\ ", r"\s+") for k in lexicon().raw["organisation_apposition_kinds"]
    )
    # The kind ends the apposition ("a charity that …"), not "the charity's director".
    return re.compile(
        rf",\s+(?:a|an|the)\s+(?:[a-z-]+\s+){{0,2}}(?:{kinds})"
        r"(?=\s*[,.;]|\s+(?:that|which|who|based|working|in|for|from)\b)"
    )


_MONTHS = frozenset(
    {
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    }
)


def _add(ctx: ReleaseContext, name: str, start: int, found: list[tuple[str, Span]]) -> None:
    dropped = set(ctx.lexicon.raw["organisation_leading_words_dropped"])
    # "Leader of X Council": the post is not part of the name.
    if name.split()[0].lower() in ctx.lexicon.post_words and " of " in name:
        cut = name.index(" of ") + 4
        start, name = start + cut, name[cut:]
    # "Kent Police and Vale Health Trust" read from inside "Kent Police": the name
    # begins after the known body and "and".
    for mention in ctx.mentions:
        if mention.span.start < start < mention.span.end:
            joined = re.match(r"\s+(?:and|&)\s+", ctx.text[mention.span.end :])
            if joined is None or mention.span.end + joined.end() >= start + len(name):
                return
            cut = mention.span.end + joined.end() - start
            start, name = start + cut, name[cut:]
            break
    words = name.split()
    while len(words) > 1 and words[0] in dropped:
        start = ctx.text.index(words[1], start + len(words[0]))
        words = words[1:]
    if len(words) < 2 or words[0][0].islower():
        return
    end = ctx.text.index(words[-1], start + sum(len(w) for w in words[:-1])) + len(words[-1])
    if re.search(r"\w['’]s$", ctx.text[start:end]):
        end -= 2  # "the College of Policing's guidance": the body, not its possessive
    span = Span(start, end)
    name = re.sub(r"\s+", " ", span.of(ctx.text))
    overlapping = [m for m in ctx.mentions if m.span.start < span.end and span.start < m.span.end]
    if any(m.span.end >= span.end for m in overlapping):
        return
    if ctx.gazetteer.lookup(name) is not None or any(n == name for n, _ in found):
        return
    # A longer reading ("Independent Inquiry into Crisis Care in Cornwall") replaces
    # the shorter one inside it; names that only partly overlap are not both names.
    inside = [(n, s) for n, s in found if span.start <= s.start and s.end <= span.end]
    if any(s.start < span.end and span.start < s.end for n, s in found if (n, s) not in inside):
        return
    for item in inside:
        found.remove(item)
    # "X Police Authority" names an authority, not the force X Police.
    for mention in overlapping:
        ctx.mentions.remove(mention)
    found.append((name, span))
