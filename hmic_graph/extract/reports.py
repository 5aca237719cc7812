"""Reports and reviews named in a release, with their dates and publishers."""

from __future__ import annotations

import re

from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.dates import DATE_EXPRESSION, iso_from_match
from hmic_graph.extract.segment import Block
from hmic_graph.model.ids import slugify
from hmic_graph.model.records import Report, Span

# A title in quotation marks: the opening mark must start a word and the
# closing one, of the same pair, end it; an apostrophe inside a word
# ("Everyone's") neither opens nor closes.
_QUOTED = re.compile(
    r"(?:(?<=[\s(])|^)(?:"
    r"'(?P<single>[A-Z0-9](?:[^'\n]|(?<=\w)'(?=\w)){2,160}?)'"
    r"|‘(?P<curly_single>[A-Z0-9](?:[^’\n]|(?<=\w)’(?=\w)){2,160}?)’"
    r"|\"(?P<double>[A-Z0-9][^\"\n]{2,160}?)\""
    r"|“(?P<curly_double>[A-Z0-9][^”\n]{2,160}?)”"
    r")(?![A-Za-z])"
)
_TITLE_GROUPS = ("single", "curly_single", "double", "curly_double")
# "The 2010 review of X was 'Title: Sub'": a report word is the subject the title names.
_NAMED_AS_REPORT = re.compile(
    r"\b(?:report|review|inspection|assessment|study|audit|inquiry)\b[^,;.:]{0,50}\b(?:was|is)\s*$",
    re.IGNORECASE,
)
_THEN_PUBLISHED = re.compile(r"^\s*,?\s*(?:was\s+|is\s+|were\s+|are\s+)?(?:published|available)\b")
# Between two titles of one list: "'A', 'B' and 'C'".
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s*and)\s*$")
_PUBLISHED_TODAY = re.compile(
    r"\bpublished\s+today\b|\btoday\s+(?:\w+\s+){0,8}?publishe[sd]\b"
    r"|\bhas\s+today\s+published\b|\bone\s+of\s+\d+\s+published\s+today\b",
    re.IGNORECASE,
)
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


_RUN_ON = re.compile(
    r"\s+and\s+(?:the\s+|its\s+|their\s+)?(?:\d+|all|reports?|other|supporting|individual|"
    r"accompanying|separate|recommendations|findings|annexes|appendices|data)\b"
    r"|,\s+(?:and|or|but)\s+[a-z]"
)


def _names_a_person(ctx: ReleaseContext, piece: str, people: frozenset[str]) -> bool:
    """Whether words read as a title name a person ("In the report, Sir Jane Doe says")."""
    first = piece.split()[0].rstrip(".")
    honorifics = {h.rstrip(".") for h in ctx.lexicon.honorifics}
    return first in honorifics or piece in people


def _only_bodies(ctx: ReleaseContext, piece: str, start: int) -> bool:
    """Whether every capitalised word of a would-be title belongs to a body the
    gazetteer knows ("the joint report HMIC and HMIP.")."""
    covered = ctx.mentions_in(Span(start, start + len(piece)))
    # "Kent Police custody suites: joint inspection": words of its own make a title.
    for word in re.finditer(r"\b[a-z][\w'’-]{3,}", piece):
        at = start + word.start()
        if not any(m.span.start <= at < m.span.end for m in covered):
            return False
    for word in re.finditer(r"[A-Z][\w'’-]*", piece):
        at = start + word.start()
        if not any(m.span.start <= at < m.span.end for m in covered):
            return False
    return True


def extract_reports(ctx: ReleaseContext, people: frozenset[str] = frozenset()) -> list[Report]:
    """Titled reports (quoted titles next to a report word, or under "Get the report")
    and untitled force reports ("the full report for X")."""
    text = ctx.text
    found: dict[str, Report] = {}
    for _block, sentence in _sentences_across_question_marks(ctx):
        chunk = sentence.of(text)
        previous_end = -1
        for match in _QUOTED.finditer(chunk):
            group = next(g for g in _TITLE_GROUPS if match.group(g) is not None)
            before = chunk[max(0, match.start() - 60) : match.start()]
            after = chunk[match.end() : match.end() + 40]
            near_before = " ".join(before.split()[-4:])
            near_after = " ".join(after.split()[:3])
            in_list = previous_end >= 0 and _LIST_GAP.match(chunk[previous_end : match.start()])
            if not (
                ctx.lexicon.report_nouns.search(near_before)
                or ctx.lexicon.report_nouns.search(near_after)
                or _THEN_PUBLISHED.match(after)
                or in_list
                or (
                    _NAMED_AS_REPORT.search(before)
                    and _looks_like_title(match.group(group), "the report ")
                )
            ):
                continue
            previous_end = match.end()
            if re.search(
                r"\b(?:partnership|scheme|initiative|programme|operation|project|campaign)\s*$",
                before,
                re.IGNORECASE,
            ):
                continue
            title = match.group(group).strip().rstrip(",.")
            # Speech introduced by a verb and a colon, or a whole sentence, is no title.
            if re.search(r"[a-z]\s*:\s*$", before) and not re.search(
                r"\b(?:report|review|entitled|called|titled)\s*:\s*$", before, re.IGNORECASE
            ):
                continue
            if re.search(r"[.!]$", match.group(group).strip()):
                continue
            rest = chunk[match.end() :]
            start = sentence.start + match.start(group)
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
    for _block, sentence in _sentences_across_question_marks(ctx):
        chunk = sentence.of(text)
        patterns = ctx.lexicon.unquoted_titles
        if _block.kind.value == "note":
            # A bare title opening a sentence is only trusted in the notes to editors.
            patterns += ctx.lexicon.unquoted_titles_in_notes
        # The patterns are tried in order (a title after "the report," first, a title
        # opening the sentence last), and the first that gives a title (or one already
        # found) wins; one whose matches are all refused gives way to the next.
        for pattern in patterns:
            matches = list(pattern.finditer(chunk))
            taken = False
            for match in matches:
                title_text = match.group("title")
                # Two titles in one apposition: "The reports, A: x and B: y, are ...".
                pieces = re.split(r"\s+and\s+(?=[A-Z][^:–]{0,60}[:–])", title_text)
                if not all(re.search(r"[:–?]", p) for p in pieces):
                    # "Fire and Rescue Service Inspection 2018/19: …" is one title.
                    pieces = [title_text]
                for piece in pieces:
                    # "Title and reports on all 43 forces are available": the title ends
                    # where the other documents begin.
                    piece = _RUN_ON.split(piece)[0].strip().rstrip(",.")
                    if piece in found:
                        taken = True
                        continue
                    if not _looks_like_title(piece, chunk[: match.start("title")]):
                        continue
                    if _names_a_person(ctx, piece, people):
                        continue
                    if _LOOSE_END.match(chunk[match.end("title") :]) and not _says_what_it_is(
                        piece
                    ):
                        continue  # "Kent Police: the inspection found that …" is no title
                    start = sentence.start + match.start("title") + title_text.index(piece)
                    if _only_bodies(ctx, piece, start):
                        continue
                    if ctx.gazetteer.lookup(piece) is not None or ctx.lexicon.contact_label.search(
                        piece
                    ):
                        continue
                    rest = chunk[match.end("title") :]
                    taken = True
                    found[piece] = Report(
                        name=piece,
                        title=piece,
                        span=Span(start, start + len(piece)),
                        issued=_issued(ctx, rest) or _issued(ctx, chunk[: match.start("title")]),
                        publisher=ctx.publisher,
                        kind=_kind(chunk),
                    )
            if taken:
                break
    for span in ctx.layout.furniture_titles:
        # A title listed under "Get the reports" may carry its list marker.
        title = _LIST_MARKER.sub("", span.of(text).strip()).strip("'‘’\"“”").rstrip(".").rstrip()
        if title and title not in found and len(title) < 200:
            offset = text.index(title, span.start)
            found[title] = Report(
                name=title,
                title=title,
                span=Span(offset, offset + len(title)),
                # A title under "Get the report" says when it came out only if the
                # text says it is published today.
                issued=ctx.published if _PUBLISHED_TODAY.search(text) else None,
                publisher=ctx.publisher,
                kind="report",
            )
    # "Title (2024)": the year in brackets says when it came out, and is no part of it.
    for title, report in list(found.items()):
        dated = _YEAR_AFTER.search(title)
        if dated is not None:
            del found[title]
            plain = title[: dated.start()]
            found.setdefault(
                plain,
                Report(
                    plain,
                    plain,
                    Span(report.span.start, report.span.start + len(plain)),
                    report.issued or dated.group(1),
                    report.publisher,
                    report.concerns,
                    report.kind,
                ),
            )
    # Titles that differ only in case or accents ("Calm streets" and "Calm Streets")
    # would share one IRI: the first spelling names the report.
    reports: list[Report] = []
    slugs: set[str] = set()
    for report in found.values():
        if _short_form_of_another(report.name, found):
            continue
        if slugify(report.name) not in slugs:
            slugs.add(slugify(report.name))
            reports.append(report)
    reports.extend(_untitled(ctx, set(found)))
    return reports


def _short_form_of_another(title: str, found: dict[str, Report]) -> bool:
    """Whether ``title`` is the main title of a longer one found ("Counting the Cost"
    of "Counting the Cost: the police response to fraud", or "Name: Subtitle" of
    "Name: Subtitle – A national overview"): one report, the full title. A title with
    its own subtitle stays a report of its own where the longer one is a follow-up
    ("… – A Follow-up") or the two carry different dates."""
    short = slugify(title)
    has_subtitle = bool(re.search(r":\s|\s[–—-]\s|\?", title))
    for other, report in found.items():
        if other == title or not re.match(rf"{re.escape(short)}-?(?:\b|$)", slugify(other)):
            continue
        if not re.match(rf"{re.escape(title)}\s*(?::|\s[–—-]\s|\?)", other, re.IGNORECASE):
            continue
        if not has_subtitle:
            return True
        # "PEEL: Police effectiveness 2014 – Kent Police", "… 2015: An inspection of Kent
        # Police" is one force's report of a series.
        if _FORCE_REPORT.fullmatch(other[len(title) :]):
            continue
        own = found[title].issued
        if _FOLLOW_UP.search(other[len(title) :]) or (own and report.issued not in (None, own)):
            continue
        return True
    return False


_FORCE_REPORT = re.compile(
    r"\s*(?:[–—-]|:)\s+(?:[Aa]n\s+inspection\s+of\s+)?(?:[A-Z][\w'’&-]*\s+){1,5}"
    r"(?:Police|Constabulary|Police Service)"
)
_FOLLOW_UP = re.compile(
    r"\b(?:follow[- ]?up|revisit(?:ed)?|update|progress|one year on|two years on)\b",
    re.IGNORECASE,
)


_YEAR_AFTER = re.compile(r"\s*\(((?:19|20)\d\d)\)$")
_LIST_MARKER = re.compile(r"^(?:[-–—•*]|\d{1,2}[.)])\s+")


def _sentences_across_question_marks(ctx: ReleaseContext) -> list[tuple[Block, Span]]:
    """Sentences, with one that ends in "?" joined to the next of its paragraph: a
    title may hold a question ("Built to Last? A joint inspection of …")."""
    joined: list[tuple[Block, Span]] = []
    for block, sentence in ctx.all_sentences():
        if joined and joined[-1][0] is block and ctx.text[joined[-1][1].end - 1] == "?":
            joined[-1] = (block, Span(joined[-1][1].start, sentence.end))
        else:
            joined.append((block, sentence))
    return joined


def _looks_like_title(piece: str, before: str) -> bool:
    """A title with a subtitle ("Name: what it is about", "Name – …", "Name? A …"),
    or in title case in apposition after "the report," ("Calm Streets, Safer Homes")
    or straight after it ("the national report Calm Streets.")."""
    if re.search(r":\s|\s[–—-]\s|\?\s", piece):
        return True
    long_words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", piece) if len(w) > 3]
    # In apposition ("the report, Title, is"), or straight after the report word.
    in_apposition = before.rstrip().endswith(",") or bool(
        re.search(r"\b(?:report|review|entitled|titled|called)\s+$", before)
    )
    if in_apposition and len(long_words) >= 4 and _SENTENCE_CASE_TITLE.match(piece):
        # "The joint letter, Joint targeted area inspection of …, is published today."
        return True
    return in_apposition and len(long_words) >= 2 and all(w[0].isupper() for w in long_words)


# Ends that follow a title opening a sentence, but also plain prose ("X: the
# inspection found that …"): the words before them must read as a title.
_LOOSE_END = re.compile(
    r"\s+(?:found\s+(?:a|an|that)|was\s+(?:carried\s+out|conducted))\b"
    r"|,\s+(?:HMIC\w*|inspectors|the\s+inspectorate)\s+(?:examined|found|looked|inspected|considered|estimates)\b"
    r"|,\s+(?:Her|His)\s+Majesty['’]s\s+Inspectorate\b"
    r"|\s+(?:is|was|has\s+been)\s+published\b|\s+look(?:s|ed)\s+at\b"
    r"|\s+(?:is|was)\s+(?:one\s+of|commissioned)\b"
)


def _says_what_it_is(piece: str) -> bool:
    """Whether a would-be title says what it is ("…: An inspection of X") or is in
    title case with at least three long words ("Lost and Found: The Police Response")."""
    if re.search(
        r"\b(?:inspection|review|assessment|audit|inquiry|report)\s+(?:of|into|on)\s+\S",
        piece,
        re.I,
    ):
        return True
    long_words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", piece) if len(w) > 3]
    return len(long_words) >= 3 and all(w[0].isupper() for w in long_words)


# A title in sentence case names what it is in its first words.
_SENTENCE_CASE_TITLE = re.compile(
    r"^[A-Z][\w-]*\s+(?:[\w-]+\s+){0,3}?(?:inspection|review|report|assessment|audit|inquiry)\s+(?:of|into|on)\s"
)


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
