"""The language patterns the extractor uses, read from ``data/patterns.json``.

Keeping the word lists in data means a new kind of wording is a data change,
and no fact about a particular release can hide in the code.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from hmic_graph.model.errors import ResourceError
from hmic_graph.model.resources import read_text


def words_pattern(words: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive regex matching any of ``words`` as whole words, longest first."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    body = "|".join(re.escape(w).replace("\\ ", r"\s+").replace("'", "['’]") for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    """The patterns of ``data/patterns.json``, compiled."""

    raw: dict[str, Any]
    honorifics: tuple[str, ...]
    post_words: frozenset[str]
    speech_verbs: tuple[str, ...]
    force_ranks: tuple[str, ...]
    strength_cues: re.Pattern[str]
    improvement_cues: re.Pattern[str]
    partner_context: re.Pattern[str]
    alliance_words: re.Pattern[str]
    report_nouns: re.Pattern[str]
    back_references: re.Pattern[str]
    contact_label: re.Pattern[str]
    notes_heading: re.Pattern[str]
    notes_heading_if_last: re.Pattern[str]
    inspected_cues: re.Pattern[str]
    furniture_line: re.Pattern[str]
    national_markers: re.Pattern[str]
    untitled_posts: tuple[re.Pattern[str], ...]
    untitled_report: re.Pattern[str]
    unquoted_titles: tuple[re.Pattern[str], ...]
    unquoted_titles_in_notes: tuple[re.Pattern[str], ...]
    inspector_post: re.Pattern[str]
    alliance_pattern: re.Pattern[str]
    place_preposition: re.Pattern[str]

    def inspectorate_for_post(self, label: str, published: str | None) -> str | None:
        """The gazetteer id of the inspectorate an inspector's post belongs to."""
        return _by_date(self.raw["inspector_posts"], "contains", label, published)

    def inspectorate_for_phrase(self, text: str, published: str | None) -> str | None:
        """The inspectorate a generic phrase such as "the police inspectorate" means."""
        return _by_date(self.raw["generic_inspectorate_phrases"], "phrase", text, published)


def _by_date(
    rules: list[dict[str, Any]], field: str, text: str, published: str | None
) -> str | None:
    lowered = text.lower()
    for rule in rules:
        if rule[field].lower() in lowered:
            chosen: str = rule["inspectorate"]
            for since, other in sorted(rule.get("from_date_use", {}).items()):
                if published is not None and published >= since:
                    chosen = other
            return chosen
    return None


@functools.cache
def lexicon() -> Lexicon:
    """The compiled patterns, read once per process.

    :raises ResourceError: the patterns file is missing or not valid JSON.
    """
    try:
        raw: dict[str, Any] = json.loads(read_text("data", "patterns.json"))
    except json.JSONDecodeError as exc:
        raise ResourceError(
            f"invalid JSON: {exc.msg}", path="data/patterns.json", line=exc.lineno, column=exc.colno
        ) from exc
    return Lexicon(
        raw=raw,
        honorifics=tuple(sorted(raw["honorifics"], key=len, reverse=True)),
        post_words=frozenset(w.lower() for w in raw["post_words"]),
        speech_verbs=tuple(raw["speech_verbs"]),
        force_ranks=tuple(sorted(raw["force_ranks"], key=len, reverse=True)),
        strength_cues=words_pattern(raw["strength_cues"]),
        improvement_cues=words_pattern(raw["improvement_cues"]),
        partner_context=words_pattern(raw["partner_context"]),
        alliance_words=words_pattern(raw["alliance_words"]),
        report_nouns=words_pattern(raw["report_nouns"]),
        back_references=words_pattern(raw["back_references"]),
        contact_label=re.compile(raw["contact_label_pattern"], re.IGNORECASE),
        notes_heading=re.compile(
            r"^\W*(?:" + "|".join(re.escape(h) for h in raw["notes_headings"]) + r")\W*$",
            re.IGNORECASE,
        ),
        notes_heading_if_last=re.compile(
            r"^\W*(?:" + "|".join(re.escape(h) for h in raw["notes_headings_if_last"]) + r")\W*$",
            re.IGNORECASE,
        ),
        furniture_line=re.compile(
            r"^\W*(?:" + "|".join(re.escape(h) for h in raw["furniture_lines"]) + r")\W*$",
            re.IGNORECASE,
        ),
        national_markers=words_pattern(raw["national_markers"]),
        inspected_cues=words_pattern(raw["inspected_cues"]),
        untitled_posts=tuple(re.compile(p, re.IGNORECASE) for p in raw["untitled_post_patterns"]),
        untitled_report=re.compile(raw["untitled_report_pattern"], re.IGNORECASE),
        unquoted_titles=tuple(re.compile(p) for p in raw["unquoted_title_patterns"]["anywhere"]),
        unquoted_titles_in_notes=tuple(
            re.compile(p) for p in raw["unquoted_title_patterns"]["notes_only"]
        ),
        inspector_post=re.compile(raw["inspector_post_pattern"]),
        alliance_pattern=re.compile(
            "|".join(
                [words_pattern(raw["alliance_words"]).pattern, *raw["alliance_patterns"]]
            ),
            re.IGNORECASE,
        ),
        # A preposition of place ending the text before a place: "stations in".
        place_preposition=re.compile(
            rf"\b(?i:{'|'.join(raw['place_prepositions'])})\s+$"
        ),
    )
