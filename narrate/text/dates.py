"""The episode date as a writer types it in front matter: ISO dates and datetimes, and the common
written forms ("May 1, 2024", "1 May 2024"). Anything else is refused, never guessed."""

from __future__ import annotations

import datetime
import re

_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTHS = {name[:3]: number for number, name in enumerate(_MONTH_NAMES, start=1)}
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH = r"([A-Za-z]{3,9})\.?"
_WEEKDAY = r"(?:[A-Za-z]+,?\s+)?"  # "Wednesday, May 1, 2024"
_MONTH_FIRST = re.compile(rf"{_WEEKDAY}{_MONTH}\s+{_ORDINAL},?\s+(\d{{4}})")
_DAY_FIRST = re.compile(rf"{_WEEKDAY}{_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})")

Date = datetime.date | datetime.datetime


def parse_date(written: str) -> Date:
    """A date ("2024-05-01", "May 1, 2024", "1 May 2024") or a datetime ("2024-05-01T10:00",
    "2024-05-01 10:00:00Z"); ValueError for anything else."""
    text = " ".join(written.split())
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    if re.match(r"\d{4}-\d\d-\d\d[T ]\d", text):
        return datetime.datetime.fromisoformat(text)  # ValueError when it is no datetime
    for pattern, order in ((_MONTH_FIRST, (1, 2, 3)), (_DAY_FIRST, (2, 1, 3))):
        found = pattern.fullmatch(text)
        if found:
            month_name, day, year = (found.group(i) for i in order)
            month = _MONTHS.get(month_name[:3].lower())
            full = month_name.lower().rstrip(".")
            if month is None or not _is_month_name(full, month):
                raise ValueError(f"no month called {month_name!r}")
            return datetime.date(int(year), month, int(day))
    raise ValueError(f"not a date: {written!r}")


def _is_month_name(word: str, month: int) -> bool:
    """The full name or an abbreviation of it ("Sept" too), not any word of three letters."""
    return _MONTH_NAMES[month - 1].startswith(word)


def id3_timestamp(value: object) -> str:
    """The date as ID3 writes it (yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss, the writer's own clock);
    "" when there is none."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value) if value else ""
