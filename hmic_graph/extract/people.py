"""People, their posts, and who said what.

Attribution in releases takes a handful of shapes: "NAME, POST, said:",
"POST, NAME, said:", "POST NAME said:", "…,” said NAME, POST.", "NAME
added:", "A and B said:", and indirect speech ("said NAME, POST") without a
quotation. Each is parsed into (person, post) pairs; a person named again
by a short form ("Sir Denis", "Ms Billingham", "HMI Kerr") is the same
person; pronouns are left to :mod:`hmic_graph.extract.quotes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hmic_graph.extract.lexicon import Lexicon
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


# Words that end the clause before a post ("led by", "was"); never inside a post.
_CLAUSE_WORDS = frozenset({"by", "was", "were", "is", "are", "from", "with", "who"})


# Lower-case words a post may hold besides post words ("police and crime commissioner").
_POST_CONNECTORS = frozenset(
    {"of", "for", "and", "the", "&", "police", "crime", "fire", "rescue", "victims", "in"}
)
_POST_OPENERS = frozenset({"police", "deputy", "assistant", "detective"})
_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){1,3}"
# Where a post may begin: a sentence's start, after "the", "by" or an owner's "'s".
# A capitalised owner stays in the post as written ("Norfolk's police and crime
# commissioner"); a lower-case one does not ("the force's chief constable").
_POST_START = re.compile(
    r"^|(?<=\bthe\s)|(?<=\bThe\s)|(?<=\bby\s)|(?<=['’]s\s)|(?<=\s)(?=[A-Z][\w-]*['’]s\s)"
)
# "POST, NAME," and "POST NAME verb", tried at each place a post may begin.
# The post may name an area of several places: "Commissioner for Devon, Cornwall and
# the Isles of Scilly, Ann Roe,".
_POST_COMMA_NAME = re.compile(
    rf"(?P<post>[A-Za-z][\w'’&-]*(?:\s+[\w'’&-]+){{0,8}}?"
    rf"(?:,\s+[A-Z][\w'’&-]*(?:\s+[\w'’&-]+){{0,5}}?)*?),\s+(?P<name>{_NAME}),"
)
# "led by NAME, POST," (the post after the name, in apposition).
_LED_BY_NAME_POST = re.compile(
    rf"\bled\s+by\s+(?P<name>{_NAME}),\s+(?P<post>[A-Z][^,;.]{{3,80}}?),"
)
_POST_THEN_NAME = re.compile(
    r"(?P<both>[A-Z][\w'’&-]*(?:\s+[\w'’&-]+){1,10}?)(?=\s+(?:has|had|is|was|welcomed|"
    r"accepted|responded|will|would|led|leads|does|did)\b)"
)


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
        self._body_words = frozenset(
            w
            for w in (*lexicon.raw["organisation_heads"], *lexicon.raw["organisation_name_endings"])
            if " " not in w
        )

    def _split_honorific(self, text: str) -> tuple[str | None, str]:
        """The honorific a name opens with, if any, and the rest.

        A title used like an honorific ("HMI Kerr") gives ``""``: it picks out
        a surname as an honorific does, but is not the person's honorific.
        """
        for honorific in self.lexicon.honorifics:
            if text.startswith(honorific + " "):
                return honorific.rstrip("."), text[len(honorific) + 1 :].strip()
        for title in self.lexicon.raw["reference_titles"]:
            if text.startswith(title + " "):
                return "", text[len(title) + 1 :].strip()
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
        if tokens[-1] in self._body_words:
            return False  # "Safety Foundation", "Banking Group": a body, not a person
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
        if honorific != "":
            entry.forms.add(text.strip())
        if span is not None:
            entry.spans.append(span)
        return name

    def is_post(self, text: str) -> bool:
        return any(t.strip(",.").lower() in self.lexicon.post_words for t in text.split())

    def post_and_name(self, text: str) -> tuple[str, str] | None:
        """"POST NAME" split into its post and its name, if it is one."""
        return self._trailing_name(text)

    def _trailing_name(self, text: str) -> tuple[str, str] | None:
        """Split "POST NAME" into its post and its name."""
        tokens = text.split()
        for size in (4, 3, 2, 1):
            if len(tokens) <= size:
                continue
            candidate = " ".join(tokens[-size:])
            head_tokens = tokens[:-size]
            # "The inspection was led by POST NAME": the post starts after the verb.
            cuts = [i for i, t in enumerate(head_tokens) if t in _CLAUSE_WORDS]
            if cuts:
                head_tokens = head_tokens[cuts[-1] + 1 :]
            if not head_tokens:
                continue
            head = " ".join(head_tokens)
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
            post, end = match.group(), match.end()
            # "HM Chief Inspector of the Crown Prosecution Service Jane Doe": the
            # capitalised words of a body's name ran on into the person's name.
            words = post.split()
            surname = re.match(r"\s+([A-Z][\w'’-]*)(?![\w'’-])(?!\s+[A-Z])", chunk[end:])
            if surname is not None:
                # "… Service Inspectorate Jane Doe": only the surname is left after it.
                candidate = f"{words[-1]} {surname.group(1)}"
                if len(words) > 4 and self.looks_like_name(candidate):
                    post = post[: post.rindex(words[-1])].rstrip()
                    end = match.start() + len(post)
            else:
                for size in (3, 2):
                    candidate = " ".join(words[-size:])
                    if len(words) > size + 3 and self.looks_like_name(candidate):
                        post = post[: post.rindex(words[-size])].rstrip()
                        end = match.start() + len(post)
                        break
            post_span = Span(span.start + match.start(), span.start + end)
            after = re.match(r"\s*,?\s*((?:\S+\s+){0,4}\S+)", chunk[end:])
            before = re.search(r"((?:\S+\s+){0,4}\S+)(?:,|\s+as)\s*$", chunk[: match.start()])
            found = None
            if after is not None:
                tokens = after.group(1).split()
                for size in range(len(tokens), 0, -1):
                    candidate = " ".join(tokens[:size]).rstrip(",.;:")
                    if self.looks_like_name(candidate):
                        at = span.start + end + after.start(1)
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

    def posts_in_apposition(self, text: str, span: Span) -> list[Speaker]:
        """A post and a name side by side in running text, whatever the verb: "The
        force's chief constable, Ann Roe, has said …", "Chief Constable of Kent Police
        Ann Roe welcomed …". The post is made only of post words, names and "of",
        "for", "and", "the"; a person already read elsewhere is not read twice."""
        chunk = text[span.start : span.end]
        found: list[Speaker] = []
        for start in _POST_START.finditer(chunk):
            at = start.start()
            if chunk.startswith("Majesty", at) or re.search(
                r"(?:Majesty['’]s|\bHM|\b[A-Z][\w-]*['’]s)\s+$", chunk[:at]
            ):
                # "His Majesty's Chief Inspector …" is read whole by posts_in_prose;
                # "Norfolk's police and crime commissioner" keeps its owner.
                continue
            pair: tuple[str, str, int] | None = None
            comma = _POST_COMMA_NAME.match(chunk, at)
            if comma is not None:
                pair = (comma.group("post"), comma.group("name"), comma.start("name"))
            else:
                bare = _POST_THEN_NAME.match(chunk, at)
                split = self._trailing_name(bare.group("both")) if bare is not None else None
                if bare is not None and split is not None:
                    both = bare.group("both")
                    pair = (split[0], split[1], at + both.rindex(split[1]))
            if pair is None:
                continue
            post, name, name_at = pair
            if post.split()[0] in ("The", "the"):
                continue  # tried again after the article
            if not chunk.startswith(post, at) or self.lexicon.inspector_post.search(post):
                continue  # inspectors are read by posts_in_prose
            if not self._only_post_words(post) or not self.looks_like_name(name):
                continue
            person = self.add(name, Span(span.start + name_at, span.start + name_at + len(name)))
            found.append(Speaker(person, post, Span(span.start + at, span.start + at + len(post))))
        # "The inspection was led by Ann Roe, Ofsted's Regional Director for the North, and …"
        for led in _LED_BY_NAME_POST.finditer(chunk):
            name, post = led.group("name"), led.group("post")
            known = any(s.name == name for s in found)
            if known or not self.looks_like_name(name) or not self.is_post(post):
                continue
            if self.lexicon.inspector_post.search(post):
                continue  # inspectors are read by posts_in_prose
            name_at, post_at = span.start + led.start("name"), span.start + led.start("post")
            person = self.add(name, Span(name_at, name_at + len(name)))
            found.append(Speaker(person, post, Span(post_at, post_at + len(post))))
        return found

    def _only_post_words(self, post: str) -> bool:
        words = post.split()
        openers = self.lexicon.post_words | _POST_OPENERS
        if not words or not any(w.lower() in openers for w in words[:2]):
            return False  # "Chief Constable …", "Home Secretary …"
        lower = [w for w in words if not w[:1].isupper()]
        allowed = self.lexicon.post_words | _POST_CONNECTORS
        return all(w.lower() in allowed for w in lower) and self.is_post(post)

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
                # "In response, Chief Constable X": an adverbial is no part of a post.
                and all(w[:1].isupper() or w in ("and", "&") for w in merged[-1][0].split())
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
            # "NAME, who is POST, said": the relative clause is no part of the post.
            relative = re.match(r"who\s+(?:is|was|has\s+been)\s+(?:the\s+)?", part)
            if relative and self.is_post(part[relative.end() :]):
                part, at = part[relative.end() :], at + relative.end()
            # "The force's deputy chief constable": the owner is no part of the post.
            owner = re.match(r"(?i:force|constabulary|service|inspectorate)['’]s\s+", part)
            if owner and self.is_post(part[owner.end() :]):
                part, at = part[owner.end() :], at + owner.end()
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
                head_at = at + part.index(head)
                speakers.append(
                    Speaker(name, head, Span(offset + head_at, offset + head_at + len(head)))
                )
                continue
            if self.is_post(part) and not self._plural_post(part):
                span = Span(offset + at, offset + at + len(part))
                if speakers and speakers[-1].post is None:
                    speakers[-1].post, speakers[-1].post_span = part, span
                else:
                    pending_post = (part, span)
        return speakers

    def _plural_post(self, text: str) -> bool:
        """Whether a post is in the plural ("the chief constables of both forces"): it
        is held by several people together, and is no one person's post."""
        head = re.split(r"\s+(?:of|for)\s+", text.strip(), maxsplit=1)[0].split()
        if not head:
            return False
        last = head[-1].lower().rstrip(",.")
        return last.endswith("s") and last[:-1] in self.lexicon.post_words


def indirect_speech(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Reported speech with no quotation, which names people and posts, never a quote:
    "said NAME, POST" and, opening a sentence, "POST, NAME, said that ..."."""
    verbs = "|".join(re.escape(v) for v in sorted(lexicon.speech_verbs, key=len, reverse=True))
    after = re.compile(
        rf"(?<![\w])(?:{verbs})\s+(?P<phrase>(?:[A-Z][^.;:!?“”\"]*?))"
        r"(?=[.;:!?“”\"]|\s+(?:that|who|when)\b|$)"
    )
    before = re.compile(
        rf"^(?P<phrase>[A-Z][^.;:!?“”\"]{{2,160}}?),?\s+(?:{verbs})\s+"
        r"(?:in\s+a\s+(?:joint\s+)?statement\s+)?"
        r"(?:that|he|she|they|it|the|this|these|its|their|there"
        # "NAME, POST, said forces would study …"
        r"|[a-z]+\s+(?:would|will|was|were|is|are|had|has|have|could|should|must))\b"
    )
    return after, before


__all__ = ["People", "Speaker", "indirect_speech"]
