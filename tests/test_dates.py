"""Times of file-sharing activity, as tools and people write them, to the exact UTC second.
A wrong conversion asks an ISP for the wrong customer's records."""

from __future__ import annotations

import pytest

from drafting.dates import long_date, parse_date, parse_instant, utc_text


@pytest.mark.parametrize("text,utc", [
    ("2026-09-14 03:22:10 -07:00", "2026-09-14 10:22:10 UTC"),
    ("2026-09-14T03:22:10Z", "2026-09-14 03:22:10 UTC"),
    ("2026-09-14T10:00:00.123-03:30", "2026-09-14 13:30:00 UTC"),
    ("2026-09-14 10:00:00 +0545", "2026-09-14 04:15:00 UTC"),
    ("2026-09-14 10:00:00 +14:00", "2026-09-13 20:00:00 UTC"),
    ("2026-09-14 03:22:10 PDT", "2026-09-14 10:22:10 UTC"),
    ("2026-09-14 10:00:00 CEST", "2026-09-14 08:00:00 UTC"),
    ("Mon, 14 Sep 2026 10:00:00 -0700", "2026-09-14 17:00:00 UTC"),
    ("2026-09-14 10:00:00 America/St_Johns", "2026-09-14 12:30:00 UTC"),
    ("2026-03-08 01:30:00 America/New_York", "2026-03-08 06:30:00 UTC"),   # before the DST change
    ("2026-03-08 03:30:00 America/New_York", "2026-03-08 07:30:00 UTC"),   # after it
    # as people write offsets: UTC+5 is five hours ahead of UTC (not POSIX's reverse)
    ("2026-09-14 10:00:00 UTC+5", "2026-09-14 05:00:00 UTC"),
    ("2026-09-14 10:00:00 GMT-7", "2026-09-14 17:00:00 UTC"),
    ("2026-09-14 10:00:00 UTC-03:30", "2026-09-14 13:30:00 UTC"),
    # IANA's Etc zones are POSIX-signed by definition: Etc/GMT+5 is UTC-5
    ("2026-09-14 10:00:00 Etc/GMT+5", "2026-09-14 15:00:00 UTC"),
])
def test_times_convert_to_utc(text, utc):
    assert utc_text(parse_instant(text)) == utc


@pytest.mark.parametrize("text,message", [
    ("2026-09-14 10:00:00", "has no time zone"),
    ("14 Sep 2026 10:00 IST", "ambiguous time zone abbreviation 'IST'"),
    ("2026-09-14 10:00:00 UTC+15", "not a real UTC offset"),
    ("2026-09-14 10:00:00 Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ("2026-02-30 10:00:00 UTC", "day is out of range"),
])
def test_times_that_cannot_be_converted_are_refused(text, message):
    with pytest.raises(ValueError) as info:
        parse_instant(text)
    assert message in str(info.value)


@pytest.mark.parametrize("text", ["2026-11-28", "November 28, 2026", "28 Nov 2026", "11/28/2026", "Nov. 28 2026"])
def test_letter_dates(text):
    assert long_date(parse_date(text)) == "November 28, 2026"


@pytest.mark.parametrize("text", ["November 2026", "2026", "28", "2026-13-01"])
def test_incomplete_or_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize("text,canonical", [
    ("2001:0DB8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"),
    ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),       # RFC 5952: the first longest run
    ("::FFFF:203.0.113.5", "::ffff:203.0.113.5"),          # IPv4-mapped keeps its dotted quad
    (" 198.51.100.7 ", "198.51.100.7"),
])
def test_addresses_print_in_canonical_form(text, canonical):
    from drafting.models import _ip

    assert _ip(text) == canonical


@pytest.mark.parametrize("text,says", [
    ("2026-03-08 02:30 America/Los_Angeles", "never happened"),   # the spring-forward gap
    ("2025-11-02 01:30 America/Los_Angeles", "happened twice"),   # the fall-back overlap
    ("2026-03-29 02:30:00 Europe/Berlin", "never happened"),
])
def test_a_local_time_that_daylight_saving_skipped_or_repeated_is_refused(text, says):
    """Issue 12.19: the gap printed as 10:30 UTC, the overlap silently became the first:
    in IP attribution an hour names a different subscriber."""
    with pytest.raises(ValueError, match=says):
        parse_instant(text)


def test_the_same_times_with_an_offset_are_accepted():
    assert utc_text(parse_instant("2025-11-02 01:30 -07:00")) == "2025-11-02 08:30:00 UTC"
    assert utc_text(parse_instant("2025-11-02 01:30 -08:00")) == "2025-11-02 09:30:00 UTC"


@pytest.mark.parametrize("text", ["9999-12-31 23:59:59 -05:00", "0001-01-01 00:00:00 +05:00",
                                  "9999-12-31T23:59:59-05:00", "Dec 31 9999 11:59 PM EST"])
def test_times_near_the_limits_are_refused_not_overflowed(text):
    """Issue 12.13: OverflowError tracebacks converting to UTC."""
    with pytest.raises(ValueError, match="out of range"):
        parse_instant(text)


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "December 31, 9999"])
def test_dates_near_the_limits_are_refused(text):
    with pytest.raises(ValueError, match="out of range"):
        parse_date(text)


@pytest.mark.parametrize("size", [40_000, 5_000_000])
def test_long_date_text_is_refused_at_once(size):
    """Issue 12.11: a 40 KB at: took 16 s (a quadratic regular expression)."""
    import time

    start = time.monotonic()
    for text in ("2026-09-14 " + " " * size + "America/Chicago", "x" * size, "2026-09-14 10:00 " + "A/" * size):
        with pytest.raises(ValueError, match="longer than"):
            parse_instant(text)
    with pytest.raises(ValueError, match="longer than"):
        parse_date("1" * size)
    assert time.monotonic() - start < 1
