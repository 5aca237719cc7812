"""What kind of inspection a release reports, and the judgement it gives.

Kinds and judgements are SKOS concepts of the ontology. A grade counts only
where the text says a body was graded ("has been graded inadequate", "is
good at", "requires improvement"); "good examples" is not a grade.
"""

from __future__ import annotations

import re

from hmic_graph.extract.concepts import INSPECTION_KINDS, JUDGEMENTS, concept_lexicon
from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.dates import parse_date
from hmic_graph.extract.segment import BlockKind, sentences

_GRADE_CONTEXT = re.compile(
    r"(?:\b(?:graded|judged|rated|assessed|grades|judges)\s+(?:\S+\s+){0,4}?(?:as\s+)?(?:an?\s+)?$"
    r"|\b(?:found\s+to\s+be|been|is|was|are|were|remains|remain)\s+(?:as\s+)?(?:an?\s+)?(?:overall\s+)?$"
    # A verdict in a headline: "X: crime recording now good".
    r"|\b(?-i:[A-Z])[\w'’-]*:\s+(?:[a-z-]+\s+){1,3}now\s+$"
    # A verdict after a dash in a title: "Police custody in X – good overall".
    r"|\s[–—-]\s+$)",
    re.IGNORECASE,
)
# "good at X and outstanding at Y": a second grade joined to the first.
_JOINED = re.compile(r"(?:\band|,|\bbut)\s+(?:is\s+|was\s+)?$", re.IGNORECASE)
_GRADE_AFTER = re.compile(r"^\s*(?:at|in|for|overall|across|,)\b", re.IGNORECASE)
_PROGRESS_CONTEXT = re.compile(
    r"\b(?:made|makes|making|shown|shows|showed|achieved|there\s+has\s+been|is|was|a)\s+$",
    re.IGNORECASE,
)


_COUNT = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_COUNTED_FORCES = re.compile(r"\b(?:the\s+)?(both|two|three|four|five|six)\s+forces\b", re.I)


def extract_judgements(ctx: ReleaseContext) -> dict[str, list[str]]:
    """Judgement concepts per subject, in the order first stated."""
    if not ctx.subjects:
        return {}
    lexicon = concept_lexicon(JUDGEMENTS, plurals=False)
    result: dict[str, list[str]] = {s: [] for s in ctx.subjects}
    blocks = [b for b in ctx.layout.blocks if b.kind in (BlockKind.HEADLINE, BlockKind.BODY)]
    for block in blocks:
        for sentence in sentences(ctx.text, block.span):
            chunk = sentence.of(ctx.text)
            named = [k for k in ctx.forces_in(sentence) if k in ctx.subjects]
            others = [k for k in ctx.forces_in(sentence) if k not in ctx.subjects]
            if others and not named:
                continue
            targets = named or (list(ctx.subjects) if len(ctx.subjects) == 1 else [])
            counted = _COUNTED_FORCES.search(chunk)
            if not targets and counted and _COUNT[counted.group(1).lower()] == len(ctx.subjects):
                targets = list(ctx.subjects)  # "Both forces were graded good"
            graded = False
            for match in lexicon.pattern.finditer(chunk):
                concept, label = lexicon.concept(match.group())
                before = chunk[: match.start()]
                after = chunk[match.end() :]
                ends_clause = bool(_GRADE_AFTER.match(after)) or after.strip() in {"", "."}
                if "progress" in label or "picture" in label:
                    accepted = bool(_PROGRESS_CONTEXT.search(before))
                elif label == "requires improvement":
                    accepted = True
                else:
                    in_context = _GRADE_CONTEXT.search(before) or (
                        graded and _JOINED.search(before)
                    )
                    accepted = bool(in_context) and ends_clause
                if not accepted:
                    continue
                graded = True
                for subject in targets:
                    if concept not in result[subject]:
                        result[subject].append(concept)
    return {s: c for s, c in result.items() if c}


def extract_inspection_kind(ctx: ReleaseContext, report_titles: list[str]) -> str | None:
    """The inspection-kind concept of the release: from its headline, first
    paragraph or report titles, the first kind named."""
    lexicon = concept_lexicon(INSPECTION_KINDS)
    places = []
    headline = ctx.layout.headline
    if headline is not None:
        places.append(headline.text)
    places.extend(report_titles)
    body = [b for b in ctx.layout.blocks if b.kind is BlockKind.BODY]
    if body:
        places.append(body[0].text)
    for place in places:
        for match in lexicon.pattern.finditer(place):
            concept, label = lexicon.concept(match.group())
            if label != "other":  # the catch-all concept is never named in a text
                return concept
    return None


_INSPECTION_WORDS = re.compile(
    r"\b(?:inspect\w*|review\w*|fieldwork|visited|carried\s+out|examined|looked\s+at)\b",
    re.IGNORECASE,
)
_BETWEEN = re.compile(
    r"\b(?:between|from)\s+(?P<a>[^.;]{3,30}?)\s+(?:and|to|until)\s+(?P<b>[^.;,]{3,30})"
)
# Only "took place / was carried out in DATE": a bare "In 2010, HMIC carried out
# a review" in a follow-up release is about the earlier review, not this one.
_IN = re.compile(
    r"\b(?:took\s+place|(?:was|were)\s+carried\s+out|inspected\s+the\s+force|visits?\b|visited\b)"
    r"[^.;]{0,80}?\s+(?:in|during)\s+(?P<a>(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter|[A-Z][a-z]+)\s+(?:19|20)\d{2})\b"
)


def extract_period(ctx: ReleaseContext) -> tuple[str | None, str | None]:
    """When the inspection was carried out, if the text says: "carried out
    between September 2013 and January 2014", "the inspection took place in July 2013"."""
    for block in ctx.layout.blocks:
        if block.kind not in (BlockKind.BODY, BlockKind.NOTE):
            continue
        for sentence in sentences(ctx.text, block.span):
            chunk = sentence.of(ctx.text)
            if not _INSPECTION_WORDS.search(chunk) or "published" in chunk.lower():
                continue
            between = _BETWEEN.search(chunk)
            if between:
                start, end = parse_date(between.group("a")), parse_date(between.group("b"))
                if start and end and start <= end:
                    return start, end
            single = _IN.search(chunk)
            if single:
                value = parse_date(single.group("a"))
                if value:
                    return value, value
    return None, None
