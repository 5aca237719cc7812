"""Measuring extraction against releases with expected answers.

A folder of releases (``NAME.txt``) each with its expected answers
(``NAME.json``, see ``tests/releases/README.md``) is extracted and compared
category by category; precision, recall and F1 are micro-averaged over the
folder, so a category with many items weighs more than one with few.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.records import OrganisationKind, Release

__all__ = ["CATEGORIES", "CategoryScore", "Evaluation", "evaluate_folder", "release_items"]

CATEGORIES = (
    "subject",
    "publisher",
    "forces",
    "organisations",
    "people",
    "posts",
    "quotes",
    "reports",
    "alliances",
    "partner_kinds",
    "contact_points",
    "judgements",
)


def _norm(text: str | None) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", text).replace("’", "'").replace("‘", "'")
    text = text.replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().strip("'\"").strip().lower()


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    return "0" + digits[2:] if digits.startswith("44") else digits


def _words(text: str, count: int) -> str:
    return " ".join(_norm(text).split()[:count])


def release_items(release: Release) -> dict[str, set[Any]]:
    """The comparable items of an extracted release, per category."""
    names = {o.key: o.name for o in release.organisations}
    forces = {o.name for o in release.organisations if o.kind is OrganisationKind.POLICE_FORCE}
    return {
        "subject": {_norm(names[k]) for k in release.about},
        "publisher": {_norm(names[release.publisher])} if release.publisher else set(),
        "forces": {_norm(n) for n in forces},
        # Only organisations the text names; an inspectorate implied by an
        # inspector's post is in the graph but not "named".
        "organisations": {_norm(o.name) for o in release.organisations if o.spans},
        "people": {_norm(p.name) for p in release.people},
        "posts": {
            (_norm(p.label), _norm(h)) for p in release.posts for h in (p.holders or (None,))
        },
        "quotes": {
            (frozenset(_norm(s) for s in q.speakers), _words(q.text, 3)) for q in release.quotes
        },
        "reports": {_norm(r.title) for r in release.reports if r.title},
        "alliances": {frozenset(_norm(names[m]) for m in a.members) for a in release.alliances},
        "partner_kinds": {_norm(k.label) for k in release.partner_kinds},
        "contact_points": {_digits(c.telephone) for c in release.contact_points},
        "judgements": {_norm(_pref_label(j)) for i in release.inspections for j in i.judgements},
    }


def _kinds_in_gold_terms(release: Release, wanted: set[Any]) -> set[Any]:
    """The kinds of partner found, each as its written label or, when the expected
    answers use the coarser word, as its broader concept's label: a "parish council"
    found is right where "council" is expected."""
    found = set()
    for kind in release.partner_kinds:
        label = _norm(kind.label)
        broader = _norm(_pref_label(kind.broader)) if kind.broader else None
        found.add(broader if label not in wanted and broader in wanted else label)
    return found


def _canonical(name: str) -> str:
    """A body the gazetteer knows under its canonical name, however the answers write
    it ("Ofsted" is the Office for Standards in Education, ...): one body, one item."""
    from hmic_graph.extract.gazetteer import gazetteer

    body = gazetteer().lookup(name)
    return body.name if body is not None else name


def _pref_label(concept: str) -> str:
    from hmic_graph.extract.concepts import pref_label

    return pref_label(concept) or concept


def expected_items(expected: dict[str, Any]) -> dict[str, set[Any]]:
    """The comparable items of an expected-answers file, per category."""
    return {
        "subject": {_norm(_canonical(n)) for n in expected.get("subject", [])},
        "publisher": {_norm(expected["publisher"])} if expected.get("publisher") else set(),
        "forces": {_norm(n) for n in expected.get("forces", [])},
        "organisations": {_norm(_canonical(n)) for n in expected.get("organisations", [])},
        "people": {_norm(n) for n in expected.get("people", [])},
        "posts": {(_norm(p["label"]), _norm(p.get("holder"))) for p in expected.get("posts", [])},
        "quotes": {
            (frozenset(_norm(s) for s in q.get("speakers", [])), _words(q["starts_with"], 3))
            for q in expected.get("quotes", [])
        },
        "reports": {_norm(r["title"]) for r in expected.get("reports", [])},
        "alliances": {frozenset(_norm(m) for m in a) for a in expected.get("alliances", [])},
        "partner_kinds": {_norm(k) for k in expected.get("partner_kinds", [])},
        "contact_points": {
            _digits(c["telephone_digits"]) for c in expected.get("contact_points", [])
        },
        "judgements": {_norm(j) for j in expected.get("judgements", [])},
    }


@dataclass
class CategoryScore:
    """Counts and scores of one category over a folder."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Scores per category, and what was missed or invented per release."""

    scores: dict[str, CategoryScore] = field(default_factory=dict)
    errors: list[tuple[str, str, str, Any]] = field(default_factory=list)
    releases: int = 0

    @property
    def overall(self) -> CategoryScore:
        total = CategoryScore()
        for score in self.scores.values():
            total.true_positives += score.true_positives
            total.false_positives += score.false_positives
            total.false_negatives += score.false_negatives
        return total

    def to_table(self) -> str:
        lines = [f"{'category':<16} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
        rows = [*self.scores.items(), ("overall (micro)", self.overall)]
        for name, s in rows:
            lines.append(
                f"{name:<16} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                f"{s.true_positives:5d} {s.false_positives:5d} {s.false_negatives:5d}"
            )
        lines.append(f"{self.releases} releases")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "releases": self.releases,
            "categories": {
                name: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "tp": s.true_positives,
                    "fp": s.false_positives,
                    "fn": s.false_negatives,
                }
                for name, s in [*self.scores.items(), ("overall", self.overall)]
            },
        }

    def error_lines(self) -> list[str]:
        """Every miss and invention, grouped by category as the score table is:
        a heading per category with its counts, then one line per item."""
        lines: list[str] = []
        for category in CATEGORIES:
            errors = [e for e in self.errors if e[1] == category]
            if not errors:
                continue
            missed = sum(1 for e in errors if e[2] == "missed")
            lines.append(f"{category}: {missed} missed, {len(errors) - missed} invented")
            width = max(len(Path(e[0]).stem) for e in errors)
            for file, _category, kind, item in errors:
                lines.append(f"  {kind:<9} {Path(file).stem:<{width}}  {_readable(category, item)}")
        return lines


def _readable(category: str, item: Any) -> str:
    """An item as a reader writes it: speakers and opening words of a quote, a post
    and its holder, the members of an alliance."""
    if category == "quotes":
        speakers, words = item
        who = " and ".join(sorted(speakers)) or "(no speaker)"
        return f"{who}: \u201c{words} \u2026\u201d"
    if category == "posts":
        label, holder = item
        return f"{label} \u2014 {holder or '(no holder)'}"
    if category == "alliances":
        return " + ".join(sorted(item))
    return str(item)


def _pairs(folder: Path) -> Iterable[tuple[Path, Path]]:
    for expected in sorted(folder.rglob("*.json")):
        for suffix in (".txt", ".html", ".htm"):
            release = expected.with_suffix(suffix)
            if release.exists():
                yield release, expected
                break


def evaluate_folder(folder: str | Path) -> Evaluation:
    """Extract every release in ``folder`` and score it against its expected answers.

    :raises HmicGraphError: the folder is missing or holds no release with expected answers,
        or an expected-answers file is not valid JSON.
    """
    from hmic_graph.extract import extract_release
    from hmic_graph.extract.sources import read_source

    root = Path(folder)
    if not root.is_dir():
        raise HmicGraphError("not a folder of releases", path=root)
    evaluation = Evaluation(scores={c: CategoryScore() for c in CATEGORIES})
    for release_path, expected_path in _pairs(root):
        try:
            expected = json.loads(expected_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise HmicGraphError(
                f"invalid JSON: {exc.msg}", path=expected_path, line=exc.lineno, column=exc.colno
            ) from exc
        want = expected_items(expected)
        try:
            source = read_source(release_path)
        except HmicGraphError:
            got: dict[str, set[Any]] = {c: set() for c in CATEGORIES}
        else:
            release = extract_release(source, published=None)
            got = release_items(release)
            got["partner_kinds"] = _kinds_in_gold_terms(release, want["partner_kinds"])
        evaluation.releases += 1
        for category in CATEGORIES:
            score = evaluation.scores[category]
            score.true_positives += len(got[category] & want[category])
            score.false_positives += len(got[category] - want[category])
            score.false_negatives += len(want[category] - got[category])
            for item in sorted(got[category] - want[category], key=repr):
                evaluation.errors.append((release_path.name, category, "invented", item))
            for item in sorted(want[category] - got[category], key=repr):
                evaluation.errors.append((release_path.name, category, "missed", item))
    if evaluation.releases == 0:
        raise HmicGraphError("no release with an expected-answers .json file here", path=root)
    return evaluation
