"""Who said what: quotation attribution as a small state machine over paragraphs.

Each paragraph of the body is read as a sequence of quoted runs (opening
mark to closing mark, or to the paragraph's end when the mark is left open)
and the unquoted text around them. One paragraph gives at most one quote,
attributed by the first of these that applies:

1. an attribution after its first run: ``"…," said NAME, POST.``,
   ``"…," NAME said.``, ``"…," she said.``, ``"…," the inspector said.``,
   ``"…," added HMI NAME.``; the runs after it in the same paragraph (an
   interrupted quote, ``"…," said X. "…"``) belong to the same quote;
2. an introduction before it in the same paragraph: ``NAME said: "…``,
   ``One victim told inspectors: "…``;
3. an introduction paragraph just before (``NAME said:``, ``He added:``,
   ``The Chief Inspectors said:``);
4. the quote paragraph just before it (a statement over several
   paragraphs), above all one whose last quotation mark was left open.

Pronouns and back-references resolve to people already named; when the
text does not say who speaks, the quote has no speaker: a wrong speaker is
worse than none.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from hmic_graph.extract.context import ReleaseContext
from hmic_graph.extract.lexicon import Lexicon, words_pattern
from hmic_graph.extract.people import People, Speaker
from hmic_graph.extract.segment import Block, BlockKind
from hmic_graph.model.records import Quote, Span

_TRIM = '\t\n\r "“”‘’'
# A sentence end inside an attribution, but not the point of "Dr." or "J.".
_PHRASE_END = re.compile(r"(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\b[A-Z])[.!?;](?=\s|$)")
_CLAUSE_AFTER_NAME = re.compile(
    r",\s+(?:adding|who|and|as|when|after|before|because|in|on|speaking|commenting)\b.*$",
    re.DOTALL,
)
_PRONOUNS = {"he": False, "she": False, "they": True}
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}


@dataclass(frozen=True)
class _Run:
    """One quoted run of a paragraph, in absolute offsets."""

    opened: int  # the opening mark
    start: int  # the quoted text, without marks or surrounding white space
    end: int
    after: int  # just after the closing mark; the paragraph's end when left open
    closed: bool

    def words(self, text: str) -> int:
        return len(text[self.start : self.end].split())


@functools.cache
def _patterns(verbs: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """Attribution after a run, introduction before one (plain, inverted, with an object)."""
    verb = "(?:" + "|".join(re.escape(v) for v in sorted(verbs, key=len, reverse=True)) + ")"
    after = re.compile(
        rf"^[\s,”\"’]*(?:{verb}\s+(?P<after>[^\"“”]+?)|(?P<before>[^\"“”]{{1,120}}?)\s+{verb})"
        r"\s*[.!?;,]?\s*$"
    )
    intro = re.compile(rf"^(?P<phrase>.+?)\s+{verb}(?:\s+that)?\s*[:,]?\s*$", re.DOTALL)
    inverted = re.compile(rf"^{verb}\s+(?P<phrase>.+?)\s*:\s*$", re.DOTALL)
    # "NAME told the committee:", "NAME and NAME said in a joint statement:".
    told = re.compile(
        rf"^(?P<phrase>.+?)\s+{verb}\s+(?:(?:in|to)\s+)?(?:(?:the|a|an)\s+)?(?:[a-z]+\s+){{0,2}}[a-z]+\s*:\s*$",
        re.DOTALL,
    )
    return after, intro, inverted, told


# "“…” – NAME, POST": a dash after the quote gives its speaker.
_DASH_AFTER = re.compile(r"^\s*[–—-]\s+(?P<dash>[A-Z][^\"“”]{2,160}?)\s*[.]?\s*$")
# "NAME, POST: “…”": a named person and a colon introduce speech without a verb.
_NAME_COLON = re.compile(r"^(?P<phrase>[A-Z][^.!?:;\"“”]{2,160}?)\s*:\s*$")
# "According to NAME, POST:" introduces speech without a verb.
_ACCORDING = re.compile(r"^(?:[Aa]ccording\s+to)\s+(?P<phrase>.+?)\s*:\s*$", re.DOTALL)


def quoted_runs(text: str, span: Span) -> list[_Run]:
    """The quoted runs of the paragraph ``span``, left to right.

    A curly or straight double mark opens a run where a word may start; a
    single mark only where :func:`_single_mark_opens` says (elsewhere it is an
    apostrophe or a title's mark). An opening mark typed where a closing one belongs
    ("…end.“") closes the run.
    """
    para = text[span.start : span.end]
    runs: list[_Run] = []
    index = 0
    while index < len(para):
        mark = para[index]
        opens = mark in '“"' or (mark in "‘'" and _single_mark_opens(para, index))
        if not opens or (index > 0 and not (para[index - 1].isspace() or para[index - 1] in "(:—–-[")):
            index += 1
            continue
        close = index + 1
        while close < len(para):
            char = para[close]
            following = para[close + 1 : close + 2]
            if mark in "‘'":
                if char == ("’" if mark == "‘" else "'") and not following.isalpha():
                    break
            elif char in '”"' or (char == "“" and not following.isalnum()):
                break
            close += 1
        closed = close < len(para)
        start, end = index + 1, close
        while start < end and para[start] in _TRIM:
            start += 1
        while end > start and para[end - 1] in _TRIM:
            end -= 1
        if end > start and para[end - 1] == "," and closed:
            end -= 1
            while end > start and para[end - 1] in _TRIM:
                end -= 1
        if end > start:
            runs.append(
                _Run(
                    span.start + index,
                    span.start + start,
                    span.start + end,
                    span.start + (close + 1 if closed else len(para)),
                    closed,
                )
            )
        index = close + 1
    return runs


def _single_mark_opens(para: str, index: int) -> bool:
    """Single marks open speech only where no apostrophe or title can be: at the
    paragraph's start, (curly) after a colon or a sentence's end, or (straight)
    after a colon when a sentence runs from it to the paragraph's end
    ("NAME said: 'We are pleased.'")."""
    if index == 0:
        return True
    after_colon = para[:index].rstrip()[-1:] == ":"
    if para[index] == "'":
        # Speech left open for the next paragraph ("NAME said: 'We are pleased.")
        # holds no other straight single mark than apostrophes inside words.
        rest = para[index + 1 :]
        left_open = re.search(r"[.!?]\s*$", rest) and not re.search(r"(?<!\w)'|'(?!\w)", rest)
        return after_colon and bool(re.search(r"[.!?]'\s*$", para[index:]) or left_open)
    if para[:index].rstrip()[-1:] in (":", ".", "!", "?"):
        return True
    # "‘…,’ she said, ‘and …": an interrupted quote goes on after its attribution.
    return bool(_resumed_after().search(para[:index]))


_IN_A_STATEMENT = re.compile(r"in\s+a\s+(?:joint\s+)?statement,?\s+", re.IGNORECASE)


@functools.cache
def _resumed_after() -> re.Pattern[str]:
    """A closing curly single mark, an attribution with a verb of speech, and a comma."""
    from hmic_graph.extract.lexicon import lexicon

    verbs = words_pattern([*lexicon().speech_verbs, "went on"]).pattern
    return re.compile(rf"’\s+[^‘’.!?]{{0,60}}?{verbs}[^‘’.!?]{{0,40}},\s*$")


@dataclass
class _State:
    """What the next quote paragraph inherits."""

    # Speakers a quote paragraph without its own attribution takes; ``None``
    # when the paragraph before says nothing about who speaks next.
    carry: list[Speaker] | None = None
    carry_from_quote: bool = False
    left_open: bool = False


@dataclass
class QuoteReader:
    """Reads the quotes of one release; ``speakers`` collects every attribution."""

    ctx: ReleaseContext
    people: People
    roles: list[tuple[int, str, str]]  # (position, person, post) of posts met in the text
    quotes: list[Quote] = field(default_factory=list)
    speakers: list[Speaker] = field(default_factory=list)

    @property
    def lexicon(self) -> Lexicon:
        return self.ctx.lexicon

    def read(self) -> None:
        state = _State()
        blocks = self.ctx.layout.blocks
        for index, block in enumerate(blocks):
            long_headline = block.kind is BlockKind.HEADLINE and len(block.text) > 300
            if block.kind in (BlockKind.BODY, BlockKind.QUOTE) or long_headline:
                state = self._paragraph(index, block, state)
            elif block.kind is not BlockKind.FURNITURE:
                state = _State()

    def _paragraph(self, index: int, block: Block, state: _State) -> _State:
        text = self.ctx.text
        runs = quoted_runs(text, block.span)
        after_pattern, *_ = _patterns(self.lexicon.speech_verbs)
        for number, run in enumerate(runs):
            at_start = run.opened == block.span.start
            following = runs[number + 1].opened if number + 1 < len(runs) else block.span.end
            attribution = self._attribution_after(run, following, after_pattern)
            intro = None if at_start else self._intro_before(block, run)
            if attribution is not None:
                speakers = self._resolve(*attribution, index, state)
            elif intro is not None:
                speakers = self._resolve(*intro, index, state)
            elif at_start:
                # A quote paragraph with no attribution of its own continues
                # the statement introduced or quoted just before.
                speakers = list(state.carry or [])
            elif self._speech_opens_sentence(block, run):
                speakers = []
            else:
                continue
            self.speakers.extend(speakers)
            self.quotes.append(
                Quote(text[run.start : run.end], tuple(s.name for s in speakers), Span(run.start, run.end))
            )
            return _State(speakers, True, not runs[-1].closed)
        intro = self._intro_paragraph(block)
        if intro is not None:
            speakers = self._resolve(*intro, index, state)
            self.speakers.extend(speakers)
            return _State(speakers, False, False)
        return _State()

    def _attribution_after(
        self, run: _Run, following: int, pattern: re.Pattern[str]
    ) -> tuple[str, int] | None:
        """The speaker phrase right after a closed run (", said NAME, POST.")."""
        if not run.closed:
            return None
        between = self.ctx.text[run.after : following]
        cut = _PHRASE_END.search(between)
        if cut is not None:
            between = between[: cut.end()]
        match = pattern.match(between) or _DASH_AFTER.match(between)
        if match is None:
            return None
        group = next(g for g in ("after", "before", "dash") if match.groupdict().get(g))
        phrase = _CLAUSE_AFTER_NAME.sub("", match.group(group)).strip()
        return (phrase, run.after + match.start(group)) if phrase else None

    def _intro_before(self, block: Block, run: _Run) -> tuple[str, int] | None:
        """The speaker phrase of "NAME said: “…" in the run's own paragraph."""
        prefix = self.ctx.text[block.span.start : run.opened]
        if not prefix.strip():
            return None
        sentence_start = 0
        for end in re.finditer(r"[.!?]\s+", prefix):
            if not re.search(r"\b(?:Dr|Mr|Mrs|Ms|St|[A-Z])$", prefix[: end.start()]):
                sentence_start = end.end()
        return self._intro(prefix[sentence_start:], block.span.start + sentence_start)

    def _intro_paragraph(self, block: Block) -> tuple[str, int] | None:
        """The speaker phrase of a paragraph ending "… NAME said:"."""
        if not block.text.rstrip().endswith(":"):
            return None
        last = re.split(r"(?<=[.!?])\s+", block.text.rstrip())[-1]
        return self._intro(last, block.span.end - len(block.text) + block.text.rindex(last))

    def _intro(self, clause: str, offset: int) -> tuple[str, int] | None:
        _after, intro, inverted, told = _patterns(self.lexicon.speech_verbs)
        match = intro.match(clause) or inverted.match(clause)
        if match is None and clause.rstrip().endswith(":"):
            match = told.match(clause) or _ACCORDING.match(clause)
        if match is None:
            match = _NAME_COLON.match(clause)
            if match is None or not self._names_someone(match.group("phrase")):
                return None
        phrase = match.group("phrase")
        at = offset + match.start("phrase")
        # "Speaking about the report, NAME said:": the clause before the speaker goes.
        lead_ins = tuple(self.lexicon.raw["attribution_lead_ins"])
        while "," in phrase and phrase.split()[0] in lead_ins:
            cut = phrase.index(",") + 1
            at += cut + len(phrase[cut:]) - len(phrase[cut:].lstrip())
            phrase = phrase[cut:].strip()
        return phrase, at

    def _names_someone(self, phrase: str) -> bool:
        """Whether a phrase before a bare colon names a person ("Sir Jane Doe, HM
        Inspector of Constabulary"), not a heading ("Key findings")."""
        first = phrase.split(",")[0].strip()
        return self.people.looks_like_name(first) or self.people.post_and_name(first) is not None

    def _speech_opens_sentence(self, block: Block, run: _Run) -> bool:
        """A long quotation opening a sentence of prose is speech, named or not."""
        before = self.ctx.text[block.span.start : run.opened].rstrip()
        quoted = self.ctx.text[run.start : run.end]
        return (
            (not before or before[-1] in ".!?:")
            and run.words(self.ctx.text) >= 6
            and bool(re.search(r"[.!?,]$", quoted) or not run.closed)
        )

    def _resolve(self, phrase: str, offset: int, index: int, state: _State) -> list[Speaker]:
        """The people an attribution phrase names, through pronouns and roles if need be."""
        bare = phrase.strip()
        # "In a joint statement they said:": the speakers are after the adverbial.
        statement = _IN_A_STATEMENT.match(bare)
        if statement is not None:
            bare = bare[statement.end() :]
            offset += len(phrase) - len(phrase.lstrip()) + statement.end()
            phrase = bare
        lowered = bare.lower()
        if lowered in _PRONOUNS:
            return self._pronoun(offset, index, state, plural=_PRONOUNS[lowered])
        role = self._role(bare, offset)
        if role is not None:
            return role
        found = self.people.parse_attribution(phrase, offset)
        for speaker in found:
            if speaker.post:
                self.roles.append((offset, speaker.name, speaker.post))
        return found

    def _pronoun(self, position: int, index: int, state: _State, *, plural: bool) -> list[Speaker]:
        """He, she or they: the speakers just quoted, else the people last named."""
        block = self.ctx.layout.blocks[index]
        # Someone named earlier in the pronoun's own paragraph ("X agreed. “…,” he
        # said.") comes before the speakers of the quote before it.
        candidates = self._named_in(block.span.start, position)
        if not candidates and state.carry_from_quote and state.carry:
            candidates = [s.name for s in state.carry]
        elif not candidates:
            candidates = self._last_named(position, index)
        wanted = len(candidates) >= 2 if plural else len(candidates) == 1
        return [Speaker(name, None, None) for name in candidates] if wanted else []

    def _named_in(self, start: int, end: int) -> list[str]:
        """The people named between ``start`` and ``end``, in text order."""
        mentions = sorted(
            (span.start, name)
            for name, entry in self.people.entries.items()
            for span in entry.spans
            if start <= span.start < end
        )
        return list(dict.fromkeys(name for _at, name in mentions))

    def _last_named(self, position: int, index: int) -> list[str]:
        """The people named in the latest paragraph before ``position`` that names anyone."""
        for block in reversed(self.ctx.layout.blocks[:index]):
            names = self._named_in(block.span.start, min(block.span.end, position))
            if names:
                return names
        return []

    def _role(self, phrase: str, position: int) -> list[Speaker] | None:
        """Speakers named by their role ("the inspector", "The three chief inspectors").

        ``None`` when the phrase is not a role; an empty list when it is one
        that does not single out the people met so far.
        """
        words = phrase.split()
        count = None
        while words and words[0].lower() in {"the", "all", "our", *_NUMBER_WORDS}:
            count = _NUMBER_WORDS.get(words.pop(0).lower(), count)
        # "the HMI said": a title used as a role.
        roles_of_titles = self.lexicon.raw["reference_title_roles"]
        if len(words) == 1 and words[0] in roles_of_titles:
            words = roles_of_titles[words[0]].split()
        if not words or len(words) > 4 or not self.people.is_post(" ".join(words)):
            return None
        if any(w[:1].isupper() and w.lower() not in self.lexicon.post_words for w in words):
            return None  # a name or a place, not a bare role
        head = words[-1].lower()
        plural = head.endswith("s") and head[:-1] in self.lexicon.post_words
        role = " ".join([*words[:-1], head[:-1] if plural else head]).lower()
        holders = list(
            dict.fromkeys(
                name
                for at, name, post in self.roles
                if at < position and re.search(rf"\b{re.escape(role)}\b", post.lower())
            )
        )
        if plural:
            fits = len(holders) >= 2 and (count is None or count == len(holders))
        else:
            fits = len(holders) == 1
        return [Speaker(name, None, None) for name in holders] if fits else []


def read_quotes(
    ctx: ReleaseContext, people: People, known_posts: list[Speaker]
) -> tuple[list[Quote], list[Speaker]]:
    """The quotes of a release and every (person, post) their attributions name.

    :param known_posts: people already read with their posts from the prose,
        so "the inspector said" can find the one inspector named before.
    """
    roles = [
        (s.post_span.start, s.name, s.post)
        for s in known_posts
        if s.post and s.post_span is not None
    ]
    reader = QuoteReader(ctx, people, roles)
    reader.read()
    return reader.quotes, reader.speakers
