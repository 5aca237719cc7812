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
from dataclasses import dataclass

from ..errors import ResourceError
from ..records import Organisation, OrganisationKind, Span
from ..resources import read_text

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
        self._full = self._compile(full_forms, re.IGNORECASE)
        self._abbr = self._compile(abbreviations, 0)
        self._short_lookup = {f.lower().replace("&", "and"): k for f, k in short_forms.items()}
        short_alt = "|".join(_form_regex(f) for f in sorted(short_forms, key=len, reverse=True))
        item = rf"(?:{short_alt})"
        # A list of short names ending in a word that says they are forces.
        self._short_list = re.compile(
            rf"(?<![\w-])({item}(?:\s*,\s*{item})*\s*,?\s+(?:and|&)\s+{item})"
            rf"(?=\s+(?i:police\s+forces|forces|constabularies|police\b|have|has|forces'))"
            rf"|(?<![\w-])({item})(?=\s+(?i:police\s+force|force|constabulary)\b)",
        )
        self._short_item = re.compile(item)
        self._lookup_full = {self._norm(f): k for f, k in full_forms.items()}

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
        if self._full is not None:
            for match in self._full.finditer(text):
                if match.group() == match.group().lower():
                    # "victim support services" is a kind of service, not Victim Support.
                    continue
                key = self._lookup_full.get(self._norm(match.group()))
                if key is not None:
                    found.append((match.start(), match.end(), key, "name"))
        if self._abbr is not None:
            for match in self._abbr.finditer(text):
                key = self._abbreviation_key(match.group())
                if key is not None:
                    found.append((match.start(), match.end(), key, "abbreviation"))
        for match in self._short_list.finditer(text):
            group = match.group(1) or match.group(2)
            offset = match.start(1) if match.group(1) else match.start(2)
            for item in self._short_item.finditer(group):
                key = self._short_lookup.get(item.group().lower().replace("&", "and"))
                if key is None:
                    key = self._short_lookup.get(re.sub(r"\s+", " ", item.group().lower()))
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
