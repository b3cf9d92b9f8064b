"""A preservation request's observations read from the forensic report's CSV
(`observations_file: hits.csv`), every error at its row and column."""

from __future__ import annotations

import pytest

from drafting.errors import CaseFileError
from drafting.loading import load_case
from helpers import letter, write_case

CASE = """\
    date: 2026-11-28
    matter: {id: "2026-0401", jurisdiction: CA}
    client: {name: Ana, address: ["1 A St"]}
    preservation:
      - recipient: {name: Sierra Cable, kind: isp, address: ["1 Way"]}
        period: {from: 2026-08-01, to: 2026-10-31}
        observations:
          - {ip: 198.51.100.7, at: "2026-08-02 00:00:01 UTC"}
        observations_file: reports/hits.csv
    """


def hits(tmp_path, text: str):
    (tmp_path / "reports").mkdir(exist_ok=True)
    (tmp_path / "reports" / "hits.csv").write_text(text, encoding="utf-8")


def test_observations_from_the_csv_reach_the_letter_with_those_of_the_case(tmp_path):
    case = write_case(tmp_path, CASE)
    hits(tmp_path, "IP, Port ,at,software\n"
                   "203.0.113.45,51413,2026-09-14 03:22:10 -07:00,BitTorrent\n"
                   "\n"
                   "2001:db8:0::45,,2026-10-03 18:40:00 America/Los_Angeles,\n")
    text = letter("preservation", case)
    assert "198.51.100.7" in text
    (row,) = [line for line in text.splitlines() if "203.0.113.45" in line]
    assert "51413" in row and "2026-09-14 10:22:10 UTC" in row and "BitTorrent" in row
    assert "2001:db8::45" in text and "2026-10-04 01:40:00 UTC" in text


def test_every_bad_row_is_named_by_row_and_column(tmp_path):
    case = write_case(tmp_path, CASE)
    hits(tmp_path, "ip,port,at,software\n"
                   "203.0.113.456,99999,2026-09-14 03:22:10,BitTorrent\n"
                   "203.0.113.4,1,2026-09-14 03:22:10Z,\n"
                   ",2,2026-09-14 03:22:10Z,\n")
    with pytest.raises(CaseFileError) as caught:
        load_case(case)
    csv_path = tmp_path / "reports" / "hits.csv"
    assert str(caught.value).splitlines() == [
        f"{csv_path}:2:1 ip: '203.0.113.456' is not a valid IPv4 or IPv6 address",
        f"{csv_path}:2:2 port: expected a port number from 1 to 65535",
        f"{csv_path}:2:3 at: the time has no time zone; add one (e.g. -07:00, UTC, or America/Chicago)",
        f"{csv_path}:4:1 ip: is empty; every observation needs its ip and at",
    ]


def test_a_header_typo_a_time_outside_the_period_and_a_missing_file(tmp_path):
    case = write_case(tmp_path, CASE)
    csv_path = tmp_path / "reports" / "hits.csv"
    hits(tmp_path, "ip,prot,at\n203.0.113.4,1,2026-09-14 03:22:10Z\n")
    with pytest.raises(CaseFileError, match=r"hits.csv:1:2: unknown column 'prot'; did you mean 'port'\?"):
        load_case(case)
    hits(tmp_path, "ip,at\n203.0.113.4,2026-09-14 03:22:10Z\n203.0.113.4,2026-12-14 03:22:10Z\n")
    with pytest.raises(CaseFileError) as caught:
        load_case(case)
    assert str(caught.value) == f"{csv_path}:3 at: observation falls outside the period (2026-08-01 to 2026-10-31)"
    csv_path.unlink()
    with pytest.raises(CaseFileError) as caught:
        load_case(case)
    assert str(caught.value) == (f"{case}:9:24 preservation[0].observations_file: observations file "
                                 f"{csv_path} not found")


def test_the_file_must_lie_in_the_case_folder(tmp_path):
    case = write_case(tmp_path / "cases", CASE.replace("reports/hits.csv", "../../etc/passwd"))
    with pytest.raises(CaseFileError, match="relative to the case file's folder"):
        load_case(case)
