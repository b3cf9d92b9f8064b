"""`drafting calendar`: every preservation request's respond-by date in a calendar file that
a second reader (vobject) opens, with stable UIDs, and nothing about the client in it."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import vobject
from typer.testing import CliRunner

from drafting.cli import app
from drafting.render import Renderer
from helpers import EXAMPLES, text_of


def cases(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    shutil.copytree(EXAMPLES / "cases", folder)
    shutil.copy(EXAMPLES / "firm.yaml", tmp_path / "firm.yaml")
    return folder


def run(*args):
    return CliRunner().invoke(app, ["calendar", *map(str, args)])


def read(path: Path):
    return vobject.readOne(path.read_text(encoding="utf-8"))


def test_an_event_on_each_respond_by_date_with_a_reminder_read_by_a_second_library(tmp_path):
    folder = cases(tmp_path)
    out = tmp_path / "deadlines.ics"
    result = run(folder, "--out", out, "--date", "2026-11-28")
    assert result.exit_code == 0, result.output
    cal = read(out)
    events = cal.vevent_list
    letters = [d for case in sorted(folder.glob("*.yaml")) if "preservation:" in case.read_text()
               for d in Renderer().documents("preservation", case, out_dir=tmp_path, letter_date="2026-11-28")]
    assert len(events) == len(letters) == 8
    without = sum("\npreservation:" not in case.read_text() for case in folder.glob("*.yaml"))
    assert without >= 1 and f"{without} case(s) without preservation requests" in result.output
    for event in events:
        assert isinstance(event.dtstart.value, dt.date) and not isinstance(event.dtstart.value, dt.datetime)
        assert event.dtend.value == event.dtstart.value + dt.timedelta(days=1)
        (alarm,) = event.valarm_list
        assert alarm.action.value == "DISPLAY"
        assert alarm.trigger.value == -dt.timedelta(days=3) + dt.timedelta(hours=9)
    # the date in the calendar is the date the letter gives, for every letter
    by_summary = {e.summary.value: e.dtstart.value for e in events}
    for doc in letters:
        text = text_of(doc.data)
        matter = doc.path.name[:9]
        (summary,) = [s for s in by_summary if s.startswith(f"Preservation response due: {matter} — ")
                      and s.split(" — ", 1)[1] in text]
        assert f"{by_summary[summary]:%B} {by_summary[summary].day}, {by_summary[summary].year}" in text


def test_the_events_name_matter_and_recipient_only(tmp_path):
    folder = cases(tmp_path)
    out = tmp_path / "deadlines.ics"
    assert run(folder / "ca-ortiz.yaml", "--out", out, "--date", "2026-11-28").exit_code == 0
    # the stamp (the time of the run: 03:22:52 is "2252") and the UID (a hash) are not words
    text = "\n".join(line for line in out.read_text(encoding="utf-8").splitlines()
                     if not line.startswith(("DTSTAMP", "UID")))
    for private in ("Ortiz", "Daniel", "2252", "minor", "possession", "Alder Way", "8835-1120", "203.0.113"):
        assert private not in text
    summaries = sorted(e.summary.value for e in read(out).vevent_list)
    assert summaries == ["Preservation response due: 2026-0142 — Sacramento Valley ICAC Task Force",
                         "Preservation response due: 2026-0142 — Sierra Cable Communications, LLC"]
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_uids_are_stable_so_reimporting_updates_rather_than_duplicates(tmp_path):
    folder = cases(tmp_path)
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run(folder, "--out", first, "--date", "2026-11-28").exit_code == 0
    assert run(folder, "--out", second, "--date", "2026-12-01", "--remind-days", "5").exit_code == 0
    a = {e.uid.value: e.dtstart.value for e in read(first).vevent_list}
    b = {e.uid.value: e.dtstart.value for e in read(second).vevent_list}
    assert set(a) == set(b) and len(a) == 8  # the same events, one UID each
    # moved with the letter date (3 days later, then to the next business day if need be)
    assert all(a[uid] < b[uid] <= a[uid] + dt.timedelta(days=7) and b[uid].weekday() < 5 for uid in a)


def test_an_existing_file_is_kept_without_force_and_a_bad_case_writes_nothing(tmp_path):
    folder = cases(tmp_path)
    out = tmp_path / "deadlines.ics"
    out.write_text("mine")
    result = run(folder, "--out", out, "--date", "2026-11-28")
    assert result.exit_code == 1 and "already exists; not overwritten (use --force" in result.output
    assert out.read_text() == "mine"
    assert run(folder, "--out", out, "--date", "2026-11-28", "--force").exit_code == 0
    bad = folder / "us-chen.yaml"
    bad.write_text(bad.read_text().replace("kind: isp", "kind: ispp", 1))
    other = tmp_path / "other.ics"
    result = run(folder, "--out", other, "--date", "2026-11-28")
    assert result.exit_code == 1
    assert f"error: {bad}:" in result.output and "recipient.kind" in result.output
    assert "Traceback" not in result.output
    assert not other.exists()


def test_icalendar_reads_it_back_too(tmp_path):
    from icalendar import Calendar

    folder = cases(tmp_path)
    out = tmp_path / "deadlines.ics"
    assert run(folder, "--out", out, "--date", "2026-11-28").exit_code == 0
    cal = Calendar.from_ical(out.read_bytes())
    assert len(cal.walk("VEVENT")) == 8
    assert str(cal["method"]) == "PUBLISH"
