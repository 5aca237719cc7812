"""Reports and reviews named in a release, with their dates and publishers."""

from __future__ import annotations

import re

from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.dates import DATE_EXPRESSION, iso_from_match
from hmic_graph.model.ids import slugify
from hmic_graph.model.records import Report, Span

# A title in quotation marks: the opening mark must start a word and the
# closing one end it, so apostrophes inside words ("everyone's") do not count.
_QUOTED = re.compile(
    r"(?:(?<=[\s(])|^)(?P<open>['‘\"“])(?P<title>[A-Z0-9][^'‘’\"“”\n]{2,160}?)(?P<close>['’\"”])(?![A-Za-z])"
)
_PUBLISHED_TODAY = re.compile(r"\bpublished\s+today\b|\btoday\s+publishe[sd]\b", re.IGNORECASE)
_PUBLISHED_BY = re.compile(r"\b(?:published|produced|commissioned)\s+by\s+", re.IGNORECASE)


def _issued(ctx: ReleaseContext, clause: str) -> str | None:
    if _PUBLISHED_TODAY.search(clause):
        return ctx.published
    match = re.search(r"\b(?:published|issued|released)\b[^.;]*", clause, re.IGNORECASE)
    if match:
        date = DATE_EXPRESSION.search(match.group())
        if date:
            return iso_from_match(date)
    date = re.search(r"\((?P<y>(?:19|20)\d{2})\)", clause)
    if date:
        return date.group("y")
    return None


def _kind(context: str) -> str:
    for word in ("thematic review", "thematic report", "review", "inspection", "report", "study"):
        if word in context.lower():
            return word
    return "report"


def extract_reports(ctx: ReleaseContext) -> list[Report]:
    """Titled reports (quoted titles next to a report word, or under "Get the report")
    and untitled force reports ("the full report for X")."""
    text = ctx.text
    found: dict[str, Report] = {}
    for _block, sentence in ctx.all_sentences():
        chunk = sentence.of(text)
        for match in _QUOTED.finditer(chunk):
            before = chunk[max(0, match.start() - 60) : match.start()]
            after = chunk[match.end() : match.end() + 40]
            near_before = " ".join(before.split()[-4:])
            near_after = " ".join(after.split()[:3])
            if not (
                ctx.lexicon.report_nouns.search(near_before)
                or ctx.lexicon.report_nouns.search(near_after)
            ):
                continue
            if re.search(
                r"\b(?:partnership|scheme|initiative|programme|operation|project|campaign)\s*$",
                before,
                re.IGNORECASE,
            ):
                continue
            title = match.group("title").strip().rstrip(",.")
            rest = chunk[match.end() :]
            start = sentence.start + match.start("title")
            span = Span(start, start + len(title))
            if title not in found:
                found[title] = Report(
                    name=title,
                    title=title,
                    span=span,
                    issued=_issued(ctx, rest),
                    publisher=_publisher(ctx, rest, sentence),
                    kind=_kind(near_before + " " + near_after),
                )
            elif found[title].issued is None:
                issued = _issued(ctx, rest)
                if issued:
                    old = found[title]
                    found[title] = Report(
                        old.name, old.title, old.span, issued, old.publisher, old.concerns, old.kind
                    )
    for _block, sentence in ctx.all_sentences():
        chunk = sentence.of(text)
        # The patterns are tried in order: a title after "the report," first, a
        # title opening the sentence only when there is none.
        matches: list[re.Match[str]] = []
        for index, pattern in enumerate(ctx.lexicon.unquoted_titles):
            if index > 0 and _block.kind.value != "note":
                # A bare title opening a sentence is only trusted in the notes to editors.
                break
            matches = list(pattern.finditer(chunk))
            if matches:
                break
        for match in matches:
            title_text = match.group("title")
            # Two titles in one apposition: "The reports, A: x and B: y, are ...".
            pieces = re.split(r"\s+and\s+(?=[A-Z][^:–]{0,60}[:–])", title_text)
            for piece in pieces:
                piece = piece.strip().rstrip(",.")
                if not re.search(r":\s|\s[–—-]\s", piece) or piece in found:
                    continue
                if ctx.gazetteer.lookup(piece) is not None:
                    continue
                start = sentence.start + match.start("title") + title_text.index(piece)
                rest = chunk[match.end("title") :]
                found[piece] = Report(
                    name=piece,
                    title=piece,
                    span=Span(start, start + len(piece)),
                    issued=_issued(ctx, rest) or _issued(ctx, chunk[: match.start("title")]),
                    publisher=ctx.publisher,
                    kind=_kind(chunk),
                )
    for span in ctx.layout.furniture_titles:
        title = span.of(text).strip().strip("'‘’\"“”")
        if title and title not in found and len(title) < 200:
            offset = text.index(title, span.start)
            found[title] = Report(
                name=title,
                title=title,
                span=Span(offset, offset + len(title)),
                issued=ctx.published,
                publisher=ctx.publisher,
                kind="report",
            )
    # Titles that differ only in case or accents ("Calm streets" and "Calm Streets")
    # would share one IRI: the first spelling names the report.
    reports: list[Report] = []
    slugs: set[str] = set()
    for report in found.values():
        if slugify(report.name) not in slugs:
            slugs.add(slugify(report.name))
            reports.append(report)
    reports.extend(_untitled(ctx, set(found)))
    return reports


def _publisher(ctx: ReleaseContext, rest: str, sentence: Span) -> str | None:
    match = _PUBLISHED_BY.search(rest)
    if match:
        offset = sentence.start + ctx.text[sentence.start : sentence.end].index(rest) + match.end()
        for mention in ctx.mentions:
            if mention.span.start == offset or (offset <= mention.span.start < offset + 8):
                return mention.key
    return ctx.publisher


def _untitled(ctx: ReleaseContext, titles: set[str]) -> list[Report]:
    reports = []
    seen: set[str] = set()
    for _block, sentence in ctx.all_sentences():
        chunk = sentence.of(ctx.text)
        for match in ctx.lexicon.untitled_report.finditer(chunk):
            after = sentence.start + match.end()
            body = next((m for m in ctx.mentions if m.span.start == after), None)
            if body is None:
                continue
            name_start = sentence.start + match.start(1)
            name = ctx.text[name_start : body.span.end]
            canonical = match.group(1) + ctx.gazetteer.body(body.key).name
            if slugify(canonical) in seen or canonical in titles:
                continue
            seen.add(slugify(canonical))
            reports.append(
                Report(
                    name=canonical[:1].upper() + canonical[1:] if False else canonical,
                    title=None,
                    span=Span(name_start, name_start + len(name)),
                    issued=_issued(ctx, chunk),
                    publisher=ctx.publisher,
                    concerns=(body.key,),
                    kind="report",
                )
            )
    return reports
