"""Dates as releases write them, to ISO forms as precise as the text allows."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
_SEASON = r"(?:[Ss]pring|[Ss]ummer|[Aa]utumn|[Ww]inter)"
_YEAR = r"(?:19|20)\d{2}"

DATE_EXPRESSION = re.compile(
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})\.?,?\s+(?P<year>{_YEAR})"
    rf"|(?P<month2>{_MONTH})\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,\s+(?P<year2>{_YEAR})"
    rf"|(?P<month3>{_MONTH})\.?\s+(?P<year3>{_YEAR})"
    rf"|(?P<season>{_SEASON})\s+(?P<year4>{_YEAR})"
    rf"|(?P<iso>{_YEAR}-\d{{2}}-\d{{2}})"
    rf"|(?<![\d/£])(?P<year5>{_YEAR})(?![\d/])"
)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def iso_from_match(match: re.Match[str]) -> str | None:
    """The ISO form of one :data:`DATE_EXPRESSION` match ("2010", "2010-09", "2012-06-21")."""
    groups = match.groupdict()
    if groups["day"]:
        return _valid(int(groups["year"]), MONTHS[groups["month"].lower()], int(groups["day"]))
    if groups["day2"]:
        return _valid(int(groups["year2"]), MONTHS[groups["month2"].lower()], int(groups["day2"]))
    if groups["month3"]:
        return f"{groups['year3']}-{MONTHS[groups['month3'].lower()]:02d}"
    if groups["season"]:
        # A season names no single month, so the year is as precise as it gets.
        return str(groups["year4"])
    if groups["iso"]:
        year, month, day = (int(p) for p in groups["iso"].split("-"))
        return _valid(year, month, day)
    return str(groups["year5"])


def parse_date(text: str) -> str | None:
    """The first date expression in ``text``, in ISO form.

    >>> parse_date("published in September 2010")
    '2010-09'
    >>> parse_date("In Spring 2010, the review")
    '2010'
    >>> parse_date("Thursday 21 June 2012")
    '2012-06-21'
    """
    match = DATE_EXPRESSION.search(text)
    return iso_from_match(match) if match else None


def full_date(text: str) -> str | None:
    """A complete calendar date in ``text`` (``YYYY-MM-DD``), else None."""
    for match in DATE_EXPRESSION.finditer(text):
        value = iso_from_match(match)
        if value and len(value) == 10:
            return value
    return None
