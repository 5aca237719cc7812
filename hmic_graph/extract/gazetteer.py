"""Recognising UK policing bodies by the names in ``data/gazetteer.csv``.

Full names and other written forms match anywhere (apostrophes, white space
and ``&``/``and`` are forgiven); abbreviations match case-sensitively as
whole words; short forms such as "Norfolk" match only where the sentence
makes clear they name forces ("Norfolk and Suffolk police forces"), since
they are also the names of places.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from hmic_graph.extract.lexicon import lexicon
from hmic_graph.model.errors import ResourceError
from hmic_graph.model.records import Organisation, OrganisationKind, Span
from hmic_graph.model.resources import read_text

_KINDS = {
    "police-force": OrganisationKind.POLICE_FORCE,
    "inspectorate": OrganisationKind.INSPECTORATE,
    "inspected-body": OrganisationKind.INSPECTED_BODY,
    "other": OrganisationKind.OTHER,
}


@dataclass(frozen=True)
class Body:
    """One row of the gazetteer."""

    key: str
    name: str
    kind: OrganisationKind
    abbreviations: tuple[str, ...]
    alt_names: tuple[str, ...]
    short_names: tuple[str, ...]
    ons_code: str | None
    police_uk_id: str | None
    wikidata: str | None
    valid_from: str | None
    valid_to: str | None
    successor: str | None

    def organisation(self, spans: tuple[Span, ...] = ()) -> Organisation:
        return Organisation(
            key=self.key,
            name=self.name,
            kind=self.kind,
            alternate_names=tuple(sorted(set(self.abbreviations) | set(self.alt_names))),
            ons_code=self.ons_code,
            police_uk_id=self.police_uk_id,
            wikidata=self.wikidata,
            spans=spans,
        )


@dataclass(frozen=True, order=True)
class Mention:
    """Where a body is named in the text, and by which kind of form."""

    span: Span
    key: str
    form: str  # "name", "abbreviation" or "short"


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _form_regex(form: str) -> str:
    escaped = re.escape(form)
    escaped = escaped.replace(r"\ ", r"\s+").replace("'", "['’]?").replace("’", "['’]?")
    escaped = escaped.replace(r"\&", r"(?:&|and)").replace(r"\-", r"[-–\s]?")
    return escaped


_TOKEN = re.compile(r"\w+|&")


def _token_key(token: str) -> str:
    return "and" if token == "&" else token.lower()


class _FormIndex:
    """Finds written forms in text by looking word sequences up in a dictionary.

    One regular expression alternating every form took longer to compile
    (about 40 ms, paid by every process) than all the matching it then did.
    Here a form is its words, lower-cased, with ``&`` read as ``and``; the
    text between two words of a form becomes a small pattern the text between
    the matched words must fit, written as :func:`_form_regex` writes it (so
    white space may vary, an apostrophe may be left out, a hyphen may be a
    dash or a space). A word that is only joined to the next by an apostrophe
    ("Majesty's") is also indexed joined ("Majestys"), as the pattern allows.
    """

    def __init__(self, forms: dict[str, str]) -> None:
        self._forms: dict[tuple[str, ...], list[tuple[tuple[re.Pattern[str], ...], str]]] = {}
        self._longest = 0
        gap_patterns: dict[str, re.Pattern[str]] = {}
        for form, key in sorted(forms.items(), key=lambda item: (-len(item[0]), item[0])):
            words = [m.group() for m in _TOKEN.finditer(form)]
            gaps = [
                form[a.end() : b.start()]
                for a, b in zip(
                    _TOKEN.finditer(form), list(_TOKEN.finditer(form))[1:], strict=False
                )
            ]
            for joined_words, joined_gaps in _apostrophe_variants(words, gaps):
                compiled = tuple(
                    gap_patterns.setdefault(gap, re.compile(_form_regex(gap)))
                    for gap in joined_gaps
                )
                entry = tuple(_token_key(w) for w in joined_words)
                self._forms.setdefault(entry, []).append((compiled, key))
                self._longest = max(self._longest, len(entry))
        self._first_words = {entry[0] for entry in self._forms}

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, key)`` of each form in ``text``, leftmost first, longest first, not overlapping."""
        tokens = [(m.start(), m.end(), _token_key(m.group())) for m in _TOKEN.finditer(text)]
        index = 0
        while index < len(tokens):
            start = tokens[index][0]
            if tokens[index][2] not in self._first_words or (
                start > 0
                and (text[start - 1] == "-" or text[start - 1].isalnum() or text[start - 1] == "_")
            ):
                index += 1
                continue
            hit = self._longest_at(text, tokens, index)
            if hit is None:
                index += 1
                continue
            count, key = hit
            yield start, tokens[index + count - 1][1], key
            index += count

    def _longest_at(
        self, text: str, tokens: list[tuple[int, int, str]], index: int
    ) -> tuple[int, str] | None:
        for count in range(min(self._longest, len(tokens) - index), 0, -1):
            candidates = self._forms.get(tuple(t[2] for t in tokens[index : index + count]))
            if not candidates:
                continue
            end = tokens[index + count - 1][1]
            if end < len(text) and (text[end] == "-" or text[end].isalnum() or text[end] == "_"):
                continue
            for gaps, key in candidates:
                if all(
                    gap.fullmatch(text, tokens[index + i][1], tokens[index + i + 1][0])
                    for i, gap in enumerate(gaps)
                ):
                    return count, key
        return None


def _apostrophe_variants(
    words: list[str], gaps: list[str]
) -> Iterator[tuple[list[str], list[str]]]:
    """The form as written, and with words joined where only an apostrophe parts them."""
    yield words, gaps
    joinable = [i for i, gap in enumerate(gaps) if gap in ("'", "’")]
    if not joinable:
        return
    joined_words = [words[0]]
    joined_gaps: list[str] = []
    for i, gap in enumerate(gaps):
        if i in joinable:
            joined_words[-1] += words[i + 1]
        else:
            joined_gaps.append(gap)
            joined_words.append(words[i + 1])
    yield joined_words, joined_gaps


class Gazetteer:
    """All bodies of the gazetteer, with compiled matchers."""

    def __init__(self, bodies: list[Body]) -> None:
        self.bodies = {b.key: b for b in bodies}
        full_forms: dict[str, str] = {}
        abbreviations: dict[str, str] = {}
        short_forms: dict[str, str] = {}
        for body in bodies:
            for form in (body.name, *body.alt_names):
                full_forms.setdefault(form, body.key)
            for form in body.abbreviations:
                abbreviations.setdefault(form, body.key)
            if body.kind is OrganisationKind.POLICE_FORCE:
                for form in body.short_names:
                    short_forms.setdefault(form, body.key)
        self._full = _FormIndex(full_forms)
        self._abbr = self._compile(abbreviations, 0)
        self._short_lookup = {f.lower().replace("&", "and"): k for f, k in short_forms.items()}
        short_alt = "|".join(_form_regex(f) for f in sorted(short_forms, key=len, reverse=True))
        item = rf"(?:{short_alt})"
        # A place that shares or works jointly with others is its force.
        joint = r"shares?\s+(?:its|their)|shared\s+(?:its|their)|works?\s+jointly"
        # A list of short names ending in a word that says they are forces.
        # "Kent and Essex, the two forces that", "Kent and Essex were both visited".
        # "the A, B and C collaboration", "A and B's joint unit".
        counted = (
            r"\s*,\s+the\s+(?:two|three|four|five|six)\s+forces\b|\s+(?:were|are)\s+both\b"
            r"|\s+(?i:collaboration|alliance)\b|['’]s\s+(?i:joint|shared|combined)\b"
        )
        self._short_list = re.compile(
            rf"(?<![\w-])({item}(?:\s*,\s*{item})*\s*,?\s+(?:and|&)\s+{item})"
            rf"(?=\s+(?i:police\s+forces|forces|constabularies|police\b|have|has|forces'|{joint}|share\b|collaborate\b)|{counted})"
            rf"|(?<![\w-])({item})(?=\s+(?i:police\s+force|force|constabulary|{joint})\b)",
        )
        self._short_item = re.compile(item)
        self._short_word = re.compile(rf"(?<![\w-]){item}(?![\w-])")
        # A list of short names after words that make them forces, not places
        # ("custody in Norfolk and Suffolk", "the PCCs for Derbyshire and Leicestershire").
        cues = "|".join(
            re.escape(c).replace(r"\ ", r"\s+")
            for c in sorted(lexicon().raw["force_place_cues"], key=len, reverse=True)
        )
        places = rf"({item}(?:\s*,\s*{item})*(?:\s*,?\s+(?:and|&)\s+{item})?)"
        self._cued_list = re.compile(rf"(?<![\w-])(?i:{cues})\s+{places}(?![\w-])")
        # A list the words before it make forces: "visited six forces – A, B and C".
        lead_ins = "|".join(lexicon().raw["force_list_lead_ins"])
        self._led_list = re.compile(
            rf"(?i:{lead_ins}){places}(?![\w-])(?!\s+(?!and\b|or\b)[A-Z])"
        )
        self._lookup_full = {self._norm(f): k for f, k in full_forms.items()}
        self._place_preposition = lexicon().place_preposition

    @staticmethod
    def _norm(form: str) -> str:
        text = form.lower().replace("’", "'").replace("&", "and").replace("–", "-")
        return re.sub(r"[\s-]+", " ", text).replace("'", "")

    @staticmethod
    def _compile(forms: dict[str, str], flags: int) -> re.Pattern[str] | None:
        if not forms:
            return None
        alternation = "|".join(_form_regex(f) for f in sorted(forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", flags)

    def body(self, key: str) -> Body:
        return self.bodies[key]

    def find(self, text: str) -> list[Mention]:
        """Every mention of a gazetteer body in ``text``, left to right, not overlapping."""
        found: list[tuple[int, int, str, str]] = []
        for start, end, body_key in self._full.finditer(text):
            matched = text[start:end]
            if matched == matched.lower():
                # "victim support services" is a kind of service, not Victim Support.
                continue
            found.append((start, end, body_key, "name"))
        if self._abbr is not None:
            for match in self._abbr.finditer(text):
                key = self._abbreviation_key(match.group())
                if key is not None:
                    found.append((match.start(), match.end(), key, "abbreviation"))
        lists = [
            (m.group(1) or m.group(2), m.start(1) if m.group(1) else m.start(2))
            for m in self._short_list.finditer(text)
            if not self._place_after_preposition(text, m)
        ]
        names = [(f[0], f[1]) for f in found]
        lists.extend(
            (m.group(1), m.start(1))
            for m in self._cued_list.finditer(text)
            # "British Transport Police in Kent": the cue's "police" is part of a name.
            if not any(s <= m.start() < e for s, e in names)
        )
        lists.extend((m.group(1), m.start(1)) for m in self._led_list.finditer(text))
        for group, offset in lists:
            for item in self._short_item.finditer(group):
                key = self.short_key(item.group())
                if key is not None:
                    found.append((offset + item.start(), offset + item.end(), key, "short"))
        # Longest match wins where forms overlap ("... Constabulary and Fire & Rescue
        # Services" over "... Constabulary").
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        result: list[Mention] = []
        last_end = -1
        for start, end, key, form in found:
            if start >= last_end:
                result.append(Mention(Span(start, end), key, form))
                last_end = end
        return result

    def _place_after_preposition(self, text: str, match: re.Match[str]) -> bool:
        """Whether a list of places followed only by a verb ("have", "share") stands
        after a preposition of place ("stations in Kent and Sussex have"): there the
        places are where something is, not forces."""
        if match.group(1) is None:
            return False
        following = text[match.end(1) : match.end(1) + 40].lower()
        if re.match(r"\s+(?:police|forces|constabularies)\b", following):
            return False
        before = text[max(0, match.start(1) - 30) : match.start(1)]
        return bool(self._place_preposition.search(before))

    def short_key(self, form: str) -> str | None:
        """The force a short name ("Norfolk", "Devon & Cornwall") stands for."""
        key = self._short_lookup.get(form.lower().replace("&", "and"))
        return key or self._short_lookup.get(re.sub(r"\s+", " ", form.lower()))

    def places(self, text: str, start: int, end: int) -> list[Mention]:
        """Short names of forces in ``text[start:end]`` whatever their context: places,
        which stand for the force only where the caller knows they do."""
        found = []
        for match in self._short_word.finditer(text, start, end):
            key = self.short_key(match.group())
            if key is not None:
                found.append(Mention(Span(match.start(), match.end()), key, "short"))
        return found

    def _abbreviation_key(self, form: str) -> str | None:
        for body in self.bodies.values():
            if form in body.abbreviations:
                return body.key
        return None

    def lookup(self, name: str) -> Body | None:
        """The body a written form names, if the gazetteer knows it."""
        key = self._lookup_full.get(self._norm(name))
        if key is None:
            key = self._abbreviation_key(name)
        return self.bodies.get(key) if key else None


def _none(value: str) -> str | None:
    return value.strip() or None


@functools.cache
def gazetteer() -> Gazetteer:
    """The bundled gazetteer, read once per process.

    :raises ResourceError: the file is missing or a row is malformed.
    """
    text = read_text("data", "gazetteer.csv")
    bodies: list[Body] = []
    for number, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        try:
            kind = _KINDS[row["kind"].strip()]
            bodies.append(
                Body(
                    key=row["id"].strip(),
                    name=row["name"].strip(),
                    kind=kind,
                    abbreviations=_split(row["abbreviations"]),
                    alt_names=_split(row["alt_names"]),
                    short_names=_split(row["short_names"]),
                    ons_code=_none(row["ons_code"]),
                    police_uk_id=_none(row["police_uk_id"]),
                    wikidata=_none(row["wikidata"]),
                    valid_from=_none(row["valid_from"]),
                    valid_to=_none(row["valid_to"]),
                    successor=_none(row["successor"]),
                )
            )
        except (KeyError, AttributeError) as exc:
            raise ResourceError(
                f"malformed gazetteer row: {exc}", path="data/gazetteer.csv", line=number
            ) from exc
    return Gazetteer(bodies)
