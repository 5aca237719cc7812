"""Contact points: telephone lines and their hours, mostly from the notes to editors."""

from __future__ import annotations

import re

from hmic_graph.extract.context import ReleaseContext
from hmic_graph.model.records import ContactPoint, OpeningHours, Span

# Digits are grouped by plain spaces or hyphens only: a number broken by a line
# break or a no-break space is not one the shapes (or a dialler) accept as written.
PHONE = re.compile(r"(?<![\d+])(?:\+44 *(?:\(0\) *)?|0)\d{2,4}(?:[ -]?\d){6,8}(?!\d)")
_TIME = r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)"
_HOURS = re.compile(
    rf"(?P<opens>{_TIME}|\d{{1,2}}[:.]\d{{2}})\s*(?:–|—|-|to|until|and)\s*(?P<closes>{_TIME}|\d{{1,2}}[:.]\d{{2}})",
    re.IGNORECASE,
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_RANGE = re.compile(
    r"(?P<first>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\s*(?:–|—|-|to|until)\s*"
    r"(?P<last>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?"
    r"|(?P<weekdays>weekdays|working days)",
    re.IGNORECASE,
)


def _clock(value: str) -> str | None:
    match = re.match(
        r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", value.strip(), re.IGNORECASE
    )
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridian = (match.group(3) or "").lower().replace(".", "")
    if meridian == "pm" and hour < 12:
        hour += 12
    if meridian == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}:00"


def _hours(chunk: str) -> OpeningHours | None:
    times = _HOURS.search(chunk)
    days = _DAY_RANGE.search(chunk)
    if times is None and days is None:
        return None
    day_names: tuple[str, ...] = ()
    if days is not None:
        if days.group("weekdays"):
            day_names = _DAYS[:5]
        else:
            first = _DAYS.index(days.group("first").capitalize())
            last = _DAYS.index(days.group("last").capitalize())
            day_names = _DAYS[first : last + 1] if first <= last else ()
    pieces = [m for m in (times, days) if m is not None]
    start = min(m.start() for m in pieces)
    end = max(m.end() for m in pieces)
    return OpeningHours(
        text=chunk[start:end],
        opens=_clock(times.group("opens")) if times else None,
        closes=_clock(times.group("closes")) if times else None,
        days=day_names,
    )


def extract_contact_points(ctx: ReleaseContext) -> list[ContactPoint]:
    """Every telephone number with what line it is, whose it is and when it is open."""
    found: list[ContactPoint] = []
    seen: set[str] = set()
    for _block, sentence in ctx.all_sentences():
        chunk = sentence.of(ctx.text)
        for match in PHONE.finditer(chunk):
            digits = re.sub(r"\D", "", match.group())
            if not 10 <= len(digits) <= 13 or digits in seen:
                continue
            seen.add(digits)
            label_match = ctx.lexicon.contact_label.search(chunk)
            label = label_match.group(1).lower() if label_match else "telephone"
            label = re.sub(r"\s+", " ", label)
            owner = _owner(ctx, sentence, label_match.start() if label_match else match.start())
            if owner is None:
                continue
            start = sentence.start + match.start()
            found.append(
                ContactPoint(
                    organisation=owner,
                    label=label,
                    telephone=match.group().strip(),
                    span=Span(start, start + len(match.group().strip())),
                    hours=_hours(chunk),
                )
            )
    return found


def _owner(ctx: ReleaseContext, sentence: Span, before: int) -> str | None:
    """The organisation whose line it is: the one named nearest before the label."""
    candidates = [m for m in ctx.mentions_in(sentence) if m.span.start - sentence.start <= before]
    if candidates:
        return candidates[-1].key
    return ctx.publisher
