"""What the inspection found: strengths and areas for improvement, one per sentence.

Only body sentences about a subject of the release count: quotes are the
inspector's voice (kept as quotes), and background paragraphs about the
national picture are not findings about a force.
"""

from __future__ import annotations

import re

from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.segment import sentences
from hmic_graph.model.records import Finding, FindingKind

_NEGATED = re.compile(r"\b(?:not|no longer|never|nor)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)


def _classify(ctx: ReleaseContext, sentence: str) -> FindingKind | None:
    if ctx.lexicon.improvement_cues.search(sentence):
        return FindingKind.AREA_FOR_IMPROVEMENT
    for match in ctx.lexicon.strength_cues.finditer(sentence):
        if _NEGATED.search(sentence[: match.start()]):
            return FindingKind.AREA_FOR_IMPROVEMENT
        return FindingKind.STRENGTH
    return None


def extract_findings(ctx: ReleaseContext) -> list[Finding]:
    """Strengths and areas for improvement about the release's subjects."""
    if not ctx.subjects:
        return []
    findings: list[Finding] = []
    for block in ctx.layout.body():
        if block.kind.value != "body":
            continue
        para_subjects = [k for k in ctx.forces_in(block.span) if k in ctx.subjects]
        refers = bool(ctx.lexicon.back_references.search(block.text))
        if not para_subjects and not (refers and ctx.single_subject()):
            continue
        for sentence in sentences(ctx.text, block.span):
            chunk = sentence.of(ctx.text)
            if chunk.rstrip().endswith(":"):
                continue
            named = ctx.forces_in(sentence)
            named_subjects = [k for k in named if k in ctx.subjects]
            if named and not named_subjects:
                continue
            if len(named_subjects) == 1:
                concerns = named_subjects[0]
            elif len(para_subjects) == 1:
                concerns = para_subjects[0]
            elif ctx.single_subject():
                concerns = ctx.subjects[0]
            else:
                continue
            kind = _classify(ctx, chunk)
            if kind is not None:
                findings.append(Finding(kind, concerns, chunk, sentence))
    return findings
