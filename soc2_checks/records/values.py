"""Reading the values people type into records: dates, times, yes/no answers, names, e-mails.

Exports are written by hand or by systems configured by hand, so every parser says exactly
what it accepts; the caller turns a ``ValueError`` into an input error naming the file, the
row and the column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

DATE_FORMATS = ("%d-%b-%Y", "%d %b %Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y")
"""Unambiguous spellings accepted besides ISO dates. Day-first and month-first numeric dates
(03/04/2026) are ambiguous, so they need an explicit ``date_format`` in the column mapping."""

DATETIME_FORMATS = (
    "%d/%b/%y %I:%M %p",  # Jira's default CSV export: 02/Mar/26 10:15 AM
    "%d/%b/%Y %I:%M %p",
    "%d/%b/%y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d %b %Y %H:%M",
)

TRUE_WORDS = frozenset({"yes", "y", "true", "signed", "x", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "not signed", "unsigned", "0"})


def parse_date(text: str, date_format: str | None = None) -> dt.date:
    """A calendar date: ISO ``YYYY-MM-DD`` always, ``date_format`` (strptime) when given,
    and a few spellings that cannot be misread (``27-Feb-2026``)."""
    value = text.strip()
    if ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{text!r} is not a valid date") from None
    formats = ((date_format,) if date_format else ()) + DATE_FORMATS
    for fmt in formats:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    expected = f"YYYY-MM-DD or {date_format}" if date_format else "YYYY-MM-DD"
    raise ValueError(f"{text!r} is not a date (expected {expected})")


def parse_datetime(text: str) -> dt.datetime:
    """A timestamp as ticket systems export it: ISO 8601 with or without a zone (Jira's REST
    API writes ``2026-03-02T10:15:00.000+0000``) or Jira's CSV display format. A time without
    a zone is kept naive; the rules read naive times as UTC."""
    value = text.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    for fmt in DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
    if ISO_DATE.match(value):
        return dt.datetime.combine(parse_date(value), dt.time())
    raise ValueError(f"{text!r} is not a date and time (expected ISO 8601, e.g. 2026-03-02T10:15:00Z)")


def parse_yes_no(text: str) -> bool:
    """A yes/no cell. A date also means yes: vendor sheets often record when a DPA was signed."""
    value = " ".join(text.split()).casefold()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    try:
        parse_date(value)
        return True
    except ValueError:
        raise ValueError(f"{text!r} is not yes or no (or the date it was signed)") from None


def fold_name(text: str) -> str:
    """A name reduced to lower-case letters and digits without accents, so that "José Álvarez",
    "jose.alvarez" and "JOSE ALVAREZ" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


def fold_email(text: str) -> str:
    return text.strip().casefold()


def local_part(email: str) -> str:
    return email.partition("@")[0]


def split_list(text: str) -> tuple[str, ...]:
    """Several values in one cell, separated by commas, semicolons or whitespace."""
    return tuple(v for v in re.split(r"[\s,;]+", text.strip()) if v)
