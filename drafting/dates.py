"""Dates as attorneys type them, and as letters print them."""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Abbreviations dateutil does not resolve by itself; fixed offsets, because an
# abbreviation names the offset the writer saw (EDT is always -4).
_TZ_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0,
    "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
    "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
    "AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
    "WET": 0, "WEST": 3600, "CET": 3600, "CEST": 2 * 3600, "EET": 2 * 3600, "EEST": 3 * 3600,
    "MSK": 3 * 3600, "JST": 9 * 3600, "KST": 9 * 3600, "AEST": 10 * 3600, "AEDT": 11 * 3600,
    "NZST": 12 * 3600, "NZDT": 13 * 3600,
}
# Abbreviations that name more than one zone (IST: India, Israel, Ireland; BST; AST …)
# are refused rather than guessed; see _unknown_abbreviation.
_ABBREVIATION = re.compile(r"(?<![A-Za-z/])([A-Z]{2,5})\s*$")
# "UTC+5" / "GMT-07:00" as people write them: the sign is the offset's. dateutil would
# read them the POSIX way round (UTC+5 = five hours *behind*), which is never meant here.
_UTC_PLUS = re.compile(r"(?<![/\w])(?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)


@functools.cache
def _dateutil():
    """python-dateutil's parser and our zone table, imported on first use: ISO dates (the
    common case) never need it, and its import is a tenth of a second of start-up."""
    from dateutil import parser, tz

    return parser, {name: tz.tzoffset(name, offset) for name, offset in _TZ_ABBREVIATIONS.items()}
_IANA_NAME = re.compile(r"[A-Za-z]+(?:/[A-Za-z0-9_+\-]+)+")
# Every pattern here runs on text of at most MAX_DATE_TEXT characters: a search with a
# `\s*$` tail is quadratic in the length, so the length is what keeps it cheap.
MAX_DATE_TEXT = 100
# Dates a letter can mean: what lies outside is a typo (year 9999 overflows the
# respond-by date and the conversion to UTC).
MIN_YEAR, MAX_YEAR = 1900, 2199

_SENTINELS = (dt.datetime(2000, 1, 1), dt.datetime(2004, 12, 28))


def parse_date(value: object) -> dt.date:
    """A calendar date from a date, a datetime, or any text python-dateutil parses.

    Text missing its day, month or year is refused rather than silently filled in from
    today's date (which is what dateutil would do).
    """
    return _in_range(_parse_date(value))


def _in_range(day: dt.date) -> dt.date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(f"the year {day.year} is out of range ({MIN_YEAR}–{MAX_YEAR})")
    return day


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a date such as 2026-11-28 or November 28, 2026")
    text = value.strip()
    if len(text) > MAX_DATE_TEXT:
        raise ValueError(f"is longer than {MAX_DATE_TEXT} characters; not a date")
    if _ISO_DATE.fullmatch(text):  # the common case, without dateutil's cost
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"not a valid date ({_reason(exc)})") from None
    try:
        with warnings.catch_warnings():
            # a time zone on a calendar date is irrelevant; don't print dateutil's warning
            _parser, _ = _dateutil()
            warnings.simplefilter("ignore", _parser.UnknownTimezoneWarning)
            results = {_parser.parse(text, default=d).date() for d in _SENTINELS}
    except (ValueError, ArithmeticError) as exc:
        # ArithmeticError: dateutil overflows, or raises decimal.InvalidOperation on long digit runs
        raise ValueError(f"not a valid date ({_reason(exc)})") from None
    if len(results) != 1:
        raise ValueError("incomplete date: give the day, the month and the year")
    return results.pop()


def parse_instant(value: object) -> dt.datetime:
    """An aware datetime (in the zone it was written in) from text carrying a zone: an offset, an abbreviation
    (PDT, EST …), or an IANA name (``2026-09-14 03:22:10 America/Los_Angeles``). A local
    time that a daylight-saving change skipped or repeated is refused: only an offset says which."""
    moment = _parse_instant(value)
    _in_range(moment.date())
    try:
        utc = moment.astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        raise ValueError("is out of range") from None
    _in_range(utc.date())
    return moment


def _parse_instant(value: object) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    else:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("expected a date and time with a time zone, e.g. 2026-09-14 03:22:10 -07:00")
        text = value.strip()
        if len(text) > MAX_DATE_TEXT:
            raise ValueError(f"is longer than {MAX_DATE_TEXT} characters; not a date and time")
        fast = _iso_instant(text)
        if fast is not None:
            return fast
        utc_plus = _UTC_PLUS.search(text)
        if utc_plus:
            sign, hours, minutes = utc_plus.group(1), int(utc_plus.group(2)), int(utc_plus.group(3) or 0)
            if hours > 14 or minutes > 59:
                raise ValueError(f"the offset {utc_plus.group(0).strip()!r} is not a real UTC offset")
            text = f"{text[: utc_plus.start()].rstrip()} {sign}{hours:02d}:{minutes:02d}"
        zone = None
        head, space, last = text.rpartition(" ")
        if space and head.strip() and _IANA_NAME.fullmatch(last):
            try:
                zone = ZoneInfo(last)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {last!r}") from None
            text = head.rstrip()
        try:
            with warnings.catch_warnings():
                # an unknown abbreviation leaves the time naive; we report that below
                _parser, tzinfos = _dateutil()
                warnings.simplefilter("ignore", _parser.UnknownTimezoneWarning)
                results = {_parser.parse(text, default=d, tzinfos=tzinfos) for d in _SENTINELS}
        except (ValueError, ArithmeticError) as exc:  # see parse_date
            raise ValueError(f"not a valid date and time ({_reason(exc)})") from None
        if len({r.date() for r in results}) != 1:
            raise ValueError("incomplete date: give the day, the month and the year")
        moment = results.pop()
        if zone is not None:
            if moment.tzinfo is not None:
                raise ValueError("give either a UTC offset or a zone name, not both")
            moment = _wall_time(moment.replace(tzinfo=zone), zone)
    if moment.tzinfo is None or moment.utcoffset() is None:
        abbreviation = _ABBREVIATION.search(value.strip()) if isinstance(value, str) else None
        if abbreviation:
            raise ValueError(
                f"unknown or ambiguous time zone abbreviation {abbreviation.group(1)!r}; give an offset "
                "(e.g. +05:30) or a zone name (e.g. Asia/Kolkata)"
            )
        raise ValueError("the time has no time zone; add one (e.g. -07:00, UTC, or America/Chicago)")
    return moment


def _wall_time(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """``moment`` if that local time happened exactly once in ``zone``. In IP attribution an
    hour names a different subscriber, so a skipped or repeated time is not guessed."""
    first, second = moment.replace(fold=0), moment.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return moment
    back = first.astimezone(dt.timezone.utc).astimezone(zone).replace(tzinfo=None)
    local = f"{moment:%Y-%m-%d %H:%M:%S} {zone.key}"
    if back != moment.replace(tzinfo=None):
        raise ValueError(f"{local} never happened (the clocks skipped it for daylight-saving time); "
                         "give the UTC offset the log shows, e.g. -07:00 or -08:00")
    raise ValueError(f"{local} happened twice (the clocks went back for daylight-saving time); "
                     f"give the UTC offset the log shows: {_offset(first)} (the first) or "
                     f"{_offset(second)} (the second)")


def _offset(moment: dt.datetime) -> str:
    minutes = int(moment.utcoffset().total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_INSTANT = re.compile(r"(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) ?(Z|UTC|[+-]\d{2}:?\d{2})")


def _iso_instant(text: str) -> dt.datetime | None:
    """ISO 8601 with an offset (the form tools export), parsed without dateutil."""
    match = _ISO_INSTANT.fullmatch(text)
    if not match:
        return None
    zone = match.group(2)
    zone = "+00:00" if zone in ("Z", "UTC") else zone
    try:
        return dt.datetime.fromisoformat(f"{match.group(1)}{zone}")
    except ValueError:
        return None  # let dateutil give the precise reason


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ArithmeticError):  # "Python int too large …", "[<class 'decimal…'>]"
        return "a number in it is out of range"
    text = str(exc.args[0]) if exc.args else str(exc)
    return text.split(":")[0]


def long_date(value: object) -> str:
    """``November 28, 2026``."""
    d = parse_date(value)
    return f"{d:%B} {d.day}, {d.year}"


def utc_text(moment: dt.datetime) -> str:
    """``2026-09-14 10:22:10 UTC``."""
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def local_text(moment: dt.datetime) -> str:
    """The time as the case gave it: ``2026-09-14 03:22:10 -07:00``, ``… PDT``, ``… America/Chicago``."""
    wall = moment.strftime("%Y-%m-%d %H:%M:%S")
    zone = moment.tzinfo
    if isinstance(zone, ZoneInfo):
        return f"{wall} {zone.key}"
    name = moment.tzname()
    if name and name.isalpha():  # an abbreviation (PDT, CEST) or UTC
        return f"{wall} {name}"
    offset = moment.utcoffset()
    if not offset:
        return f"{wall} UTC"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{wall} {sign}{hours:02d}:{minutes:02d}"


@functools.cache
def _federal_holidays(year: int):
    import holidays  # imported on first use: only preservation letters set deadlines

    return holidays.country_holidays("US", years=year)


def is_business_day(day: dt.date) -> bool:
    """Not a Saturday, a Sunday or a U.S. federal holiday (as observed)."""
    return day.weekday() < 5 and day not in _federal_holidays(day.year)


def business_day_on_or_after(day: dt.date) -> dt.date:
    """``day``, or the next business day when it falls on a weekend or a federal holiday."""
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day
