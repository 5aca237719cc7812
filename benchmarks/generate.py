"""Write synthetic HMIC-style press releases for benchmarks, deterministically.

Every release is about one of the 43 territorial forces of England and Wales
(read from ``hmic_graph/data/gazetteer.csv``) and varies what the extractor
reads: the inspector and the post, the quote style (curly, straight,
inline), the speech verb, partner kinds, an alliance with another force,
strengths and areas for improvement, a named report, and notes to editors
with press-office phone numbers. The same ``seed`` gives the same files.

    python benchmarks/generate.py OUT_DIR [-n 100] [--seed 1]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

from hmic_graph.model.resources import read_text

__all__ = ["Force", "forces", "generate", "release_text", "write_releases"]

INSPECTORS = (
    ("Dru Sharpling", "HM Inspector of Constabulary for the Western Region"),
    ("Zoë Billingham", "HM Inspector of Constabulary for the Eastern Region"),
    ("Roger Baker", "HM Inspector of Constabulary for the Northern Region"),
    ("Stephen Otter", "HM Inspector of Constabulary"),
    ("Mike Cunningham", "HM Inspector of Constabulary"),
    ("Wendy Williams", "HM Inspector of Constabulary for the Southern Region"),
    ("Matt Parr", "HM Inspector of Constabulary"),
    ("Sir Thomas Winsor", "HM Chief Inspector of Constabulary"),
)
CHIEF_NAMES = (
    "Alan Morris",
    "Sara Thornton",
    "Jane Sawyers",
    "Peter Goodman",
    "Julia Hodson",
    "Mark Collins",
    "Olivia Pinkney",
    "Gareth Morgan",
)
TOPICS = (
    ("anti-social behaviour", "tackles anti-social behaviour"),
    ("custody", "treats people held in custody"),
    ("crime data integrity", "records crime"),
    ("child protection", "protects children at risk of harm"),
)
PARTNER_PHRASES = (
    "councils and housing associations",
    "local authorities, schools and health services",
    "the probation service and youth offending teams",
    "mental health services and the ambulance service",
    "community safety partnerships and local businesses",
    "victim support services and the fire and rescue service",
)
STRENGTHS = (
    "{force} works well with {partners} to protect vulnerable people.",
    "Neighbourhood policing is well managed at a local level, and staff are passionate about what they do.",
    "We found good examples of officers working well together across the force.",
)
IMPROVEMENTS = (
    "However, {force} needs to improve the way it supervises investigations.",
    "However, more could be done to understand how performance could be monitored at a force level.",
    "{force} should reduce the backlog of digital devices waiting to be examined.",
)
REPORT_TITLES = (
    "A Step in the Right Direction",
    "Stop the Rot",
    "Everyone's Business",
    "Getting Organised",
    "Taking Time for Crime",
)
VERBS = ("said", "added", "commented", "explained")
HOURS = (
    "during office hours from 8:30am – 5:30pm Monday – Friday",
    "between 9am and 5pm on weekdays",
)


@dataclass(frozen=True)
class Force:
    """A territorial force of the gazetteer."""

    name: str
    short: str


def forces() -> list[Force]:
    """The 43 territorial forces (gazetteer rows with an ONS code), sorted by name."""
    rows = csv.DictReader(io.StringIO(read_text("data", "gazetteer.csv")))
    found = [
        Force(row["name"].strip(), (row["short_names"].split("|")[0].strip() or row["name"]))
        for row in rows
        if row["kind"].strip() == "police-force" and row["ons_code"].strip()
    ]
    return sorted(found, key=lambda f: f.name)


def _phone(rng: random.Random) -> str:
    return rng.choice(
        (
            f"020 3513 {rng.randrange(1000, 9999)}",
            f"0203 513 {rng.randrange(1000, 9999)}",
            f"07700 900 {rng.randrange(100, 999)}",
            f"07836 {rng.randrange(100, 999)} {rng.randrange(100, 999)}",
        )
    )


def _quote(rng: random.Random, text: str) -> str:
    return f"“{text}”" if rng.random() < 0.6 else f'"{text}"'


def release_text(number: int, rng: random.Random, all_forces: list[Force]) -> str:
    """The text of synthetic release ``number`` (0-based), drawn from ``rng``."""
    force = all_forces[number % len(all_forces)]
    other = all_forces[(number * 7 + 3) % len(all_forces)]
    if other == force:
        other = all_forces[(number + 1) % len(all_forces)]
    inspector, post = rng.choice(INSPECTORS)
    topic, verb_phrase = rng.choice(TOPICS)
    partners = rng.choice(PARTNER_PHRASES)
    year = 2010 + number // 1000 % 15
    month, day = 1 + number % 12, 1 + number % 28
    title = rng.choice(REPORT_TITLES)
    judgement = rng.choice(("some progress", "significant progress", "little progress"))
    lines = [
        f"published: {year}-{month:02d}-{day:02d}",
        "",
        f"#{number % 1000 + 1:03d}/{year} {force.name} has made {judgement} in how it "
        f"{verb_phrase}",
        "",
        f"{force.name} has made {judgement} in how it {verb_phrase}, according to a report "
        "published today by Her Majesty's Inspectorate of Constabulary (HMIC).",
        "",
        rng.choice(STRENGTHS).format(force=force.name, partners=partners)
        + " "
        + rng.choice(IMPROVEMENTS).format(force=force.name),
        "",
    ]
    if rng.random() < 0.5:
        lines += [
            f"The force works well with local partners (such as {partners}) in tackling "
            f"{topic}. It has entered a strategic alliance with {other.name}, and the two "
            "forces now run joint units for major investigations.",
            "",
        ]
    else:
        lines += [f"The force works closely with {partners}.", ""]
    verb = rng.choice(VERBS)
    said = (
        f"We found that {force.name} understands the threats facing its communities. "
        f"There is no room for complacency, and I will be watching its progress closely."
    )
    style = rng.randrange(3)
    if style == 0:
        lines += [f"{post}, {inspector}, {verb}:", "", _quote(rng, said), ""]
    elif style == 1:
        lines += [f"{inspector}, {post}, {verb}:", "", _quote(rng, said), ""]
    else:
        lines += [f"{_quote(rng, said)} {verb} {inspector}, {post}.", ""]
    if rng.random() < 0.5:
        chief = rng.choice(CHIEF_NAMES)
        lines += [
            f"Chief Constable {chief} of {force.name} {rng.choice(VERBS)}:",
            "",
            _quote(rng, "We welcome the report and will act on its recommendations quickly."),
            "",
        ]
    lines += [
        f"The full report, '{title}', can be found at www.hmic.gov.uk",
        "",
        "Notes to editors",
        "",
        f"1. The thematic report '{title}' and supporting material can be found at www.hmic.gov.uk",
        f"2. For further information, HMIC's press office can be contacted {rng.choice(HOURS)} "
        f"on {_phone(rng)}.",
    ]
    if rng.random() < 0.7:
        lines.append(
            f"3. HMIC's out-of-hours press office line for urgent media enquiries is {_phone(rng)}."
        )
    return "\n".join(lines) + "\n"


def generate(count: int, *, seed: int = 1) -> list[tuple[str, str]]:
    """``count`` releases as ``(file name, text)``; the same seed gives the same releases."""
    rng = random.Random(seed)
    all_forces = forces()
    return [(f"{i:05d}.txt", release_text(i, rng, all_forces)) for i in range(count)]


def write_releases(folder: Path, count: int, *, seed: int = 1) -> list[Path]:
    """Write ``count`` releases into ``folder`` (created); returns their paths, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(count, seed=seed):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("-n", "--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = write_releases(args.folder, args.count, seed=args.seed)
    print(f"wrote {len(paths)} releases to {args.folder}")


if __name__ == "__main__":
    main()
