"""Load: a preservation letter with 5,000 observations and an advisory with 200 charges
render through the bundled templates in bounded memory and lose nothing —
every observation's address and UTC time is in the letter's table, every charge in the
charge table. Timings are printed (``pytest -s``), never asserted (speed is measured in
benchmarks/bench.py); memory is bounded: a gigabyte would be a regression."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import random
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from drafting.docxtext import Paragraph, Table, read_document
from drafting.kinds import KINDS
from drafting.loading import load_case
from drafting.render import Renderer
from helpers import write_case

EXAMPLES = Path(__file__).parent.parent / "examples"
PEAK_MB = 300
UTC = dt.timezone.utc

ABBREVIATIONS = {"PDT": -7, "PST": -8, "MDT": -6, "MST": -7, "CDT": -5, "CST": -6, "EDT": -4, "EST": -5,
                 "UTC": 0, "GMT": 0}
ZONES = ["America/Los_Angeles", "America/Chicago", "America/New_York", "Europe/Berlin", "Asia/Kolkata",
         "Australia/Adelaide", "UTC"]


def measure(work):
    """``(result, seconds, peak MB)``, in one run under tracemalloc (which slows it: the
    seconds printed are an upper bound; speed is benchmarks/bench.py's)."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak / 2**20


def tables(data: bytes) -> list[Table]:
    doc = read_document(data)
    return [b for b in doc.body if isinstance(b, Table)]


def cell_text(cell) -> str:
    return "\n".join(p.text for p in cell.blocks if isinstance(p, Paragraph))


# ---------------------------------------------------------------- 5,000 observations


def observations(n: int, rng: random.Random):
    """``n`` observations as case-file lines, and the table rows a reader must find."""
    start = dt.datetime(2026, 8, 1, 12, tzinfo=UTC)
    lines, rows = [], []
    for _i in range(n):
        moment = start + dt.timedelta(seconds=rng.randrange(0, 85 * 86400))
        if rng.random() < 0.5:
            ip = ipaddress.IPv4Address(rng.randrange(1, 2**32 - 1))
            written_ip = str(ip)
        else:
            ip = ipaddress.IPv6Address(rng.randrange(1, 2**128 - 1))
            written_ip = ip.exploded.upper() if rng.random() < 0.5 else str(ip)
        style = rng.randrange(5)
        if style == 0:  # offset
            hours = rng.choice([-10, -7, -5, 0, 1, 5.5, 9, 14])
            local = moment.astimezone(dt.timezone(dt.timedelta(hours=hours)))
            at = local.isoformat(sep=" ")
            zone_given = "UTC" if hours == 0 else local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]
        elif style == 1:  # abbreviation
            name = rng.choice(list(ABBREVIATIONS))
            local = moment.astimezone(dt.timezone(dt.timedelta(hours=ABBREVIATIONS[name])))
            at = local.strftime("%Y-%m-%d %H:%M:%S ") + name
            zone_given = name
        elif style == 2:  # IANA zone name, avoiding the hour a fall-back repeats
            zone = ZoneInfo(rng.choice(ZONES))
            local = moment.astimezone(zone)
            if local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset():
                local = moment.astimezone(UTC)
                zone = ZoneInfo("UTC")
            at = local.strftime("%Y-%m-%d %H:%M:%S ") + zone.key
            zone_given = zone.key
        elif style == 3:  # ISO with Z
            local = moment
            at = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            zone_given = "UTC"
        else:  # prose date, 12-hour clock
            local = moment.astimezone(dt.timezone(dt.timedelta(hours=-5)))
            at = local.strftime("%B %d, %Y %I:%M:%S %p ") + "-05:00"
            zone_given = "-05:00"
        port = rng.randrange(1, 65536)
        software = rng.choice(["BitTorrent", "qBittorrent 4.6", "uTorrent", "Shareaza (Gnutella)", None])
        fields = [f'ip: "{written_ip}"', f"port: {port}", f'at: "{at}"']
        if software:
            fields.append(f'software: "{software}"')
        lines.append("      - {" + ", ".join(fields) + "}")
        rows.append((str(ip), str(port), moment.strftime("%Y-%m-%d %H:%M:%S UTC"),
                     local.strftime("%Y-%m-%d %H:%M:%S ") + zone_given, software or "—"))
    return lines, rows


def preservation_case(folder: Path, n: int) -> tuple[Path, list[tuple[str, str, str, str, str]]]:
    lines, rows = observations(n, random.Random(20261128))
    text = (
        "date: 2026-11-28\n"
        "matter: {id: load-5000, jurisdiction: CA, stage: investigation}\n"
        "client: {name: Load Test, address: [1 Main St, 'Sacramento, CA 95814']}\n"
        "preservation:\n"
        "  - recipient: {name: Big ISP, kind: isp, address: [1 ISP Way, 'Denver, CO 80202']}\n"
        "    account: A-1\n"
        "    period: {from: 2026-07-31, to: 2026-11-01}\n"
        "    observations:\n" + "\n".join(lines) + "\n"
    )
    return write_case(folder, text), rows


@pytest.mark.slow
@pytest.mark.parametrize("n", [5000])
def test_preservation_letter_with_thousands_of_observations(tmp_path, n):
    case, expected = preservation_case(tmp_path, n)
    renderer = Renderer(draft=True)
    renderer.compiled(renderer.template_path(KINDS["preservation"]))  # compiled once per process; not measured

    def work():
        return renderer.documents("preservation", load_case(case), out_dir=tmp_path / "out")

    (doc,), seconds, peak = measure(work)
    size_kb = len(doc.data) / 1024
    print(f"\npreservation, {n} observations: {seconds:.2f} s under tracemalloc (load + render), peak {peak:.0f} MB, "
          f"{size_kb:.0f} KB .docx")
    assert peak < PEAK_MB
    assert size_kb < 50 * n / 1000 + 100  # ~ tens of bytes per row once compressed

    (table,) = [t for t in tables(doc.data) if cell_text(t.rows[0][0]) == "IP address"]
    found = [tuple(cell_text(c) for c in row) for row in table.rows[1:]]
    assert sorted(found) == sorted(expected)
    times = [row[2] for row in found]
    assert times == sorted(times), "observations are listed in time order"


# ---------------------------------------------------------------- 200 charges


def charges_case(folder: Path, n: int) -> tuple[Path, list[tuple[str, str, str]]]:
    library = ["us-2252a-possession", "us-2252a-receipt", "us-2252a-distribution", "ca-pc-311.11-possession"]
    lines, expected_free = [], []
    for i in range(n):
        if i % 4 == 0:
            lines.append(f"  - {{offense: {library[i // 4 % len(library)]}, counts: {i % 7 + 1}}}")
        else:
            statute, title = f"Cal. Penal Code § 311.{i}(a)", f"Charge number {i} & <its> \"title\""
            lines.append(f"  - {{statute: {json.dumps(statute, ensure_ascii=False)}, "
                         f"title: {json.dumps(title, ensure_ascii=False)}, counts: {i % 5 + 1}}}")
            expected_free.append((statute, title, str(i % 5 + 1)))
    text = (
        "date: 2026-11-28\n"
        "matter: {id: load-200, jurisdiction: CA, stage: charged, court: Superior Court, case_number: X1}\n"
        "client: {name: Load Test, address: [1 Main St]}\n"
        "engagement: {fee: {type: flat, amount: 25000}}\n"
        "charges:\n" + "\n".join(lines) + "\n"
    )
    return write_case(folder, text), expected_free


@pytest.mark.parametrize("kind", ["advisory", "engagement"])
def test_letters_with_two_hundred_charges(tmp_path, kind):
    n = 200
    case, expected_free = charges_case(tmp_path, n)
    loaded = load_case(case)
    assert len(loaded.case.charges) == n
    assert [c.title for c in loaded.case.charges if c.title] == [t for _, t, _ in expected_free]
    renderer = Renderer(draft=True)

    def work():
        return renderer.documents(kind, load_case(case), out_dir=tmp_path / "out")

    work()  # compile the template outside the measurement
    (doc,), seconds, peak = measure(work)
    print(f"\n{kind}, {n} charges: {seconds:.2f} s under tracemalloc (load + render), peak {peak:.0f} MB, "
          f"{len(doc.data) / 1024:.0f} KB .docx")
    assert peak < PEAK_MB

    (table,) = [t for t in tables(doc.data) if cell_text(t.rows[0][0]) == "Statute"]
    rows = [[cell_text(c) for c in row] for row in table.rows[1:]]
    assert len(rows) == n
    for statute, title, _counts in expected_free:
        assert any(r[0] == statute and r[1].startswith(title) for r in rows), (statute, title)
    if kind == "engagement":
        assert [r[2] for r in rows] == [str(c.counts) for c in loaded.case.charges]
