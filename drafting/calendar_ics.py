"""``drafting calendar``: the respond-by date of every preservation request as an
iCalendar event, with a reminder before it, for the firm's calendar.

The date is the one the letter prints (``kinds.preservation.respond_by``, read from the
letter's own context). An event names the matter and the recipient, never the client or
the allegations: calendars are shared and synced to phones. Its UID depends only on the
firm, the matter id and the recipient, so importing a newer file updates the event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DraftingError

_NAMESPACE = uuid.UUID("6b1f3c2e-3a4d-5e6f-8a9b-0c1d2e3f4a5b")  # drafting's own; never change it
REMINDER_HOUR = 9  # the reminder goes off at 9:00, N days before the date


@dataclass
class Deadline:
    uid: str
    matter_id: str
    recipient: str
    recipient_kind: str
    letter_date: dt.date
    respond_by: dt.date
    case: str


@dataclass
class CalendarReport:
    deadlines: list[Deadline] = field(default_factory=list)
    errors: list[DraftingError] = field(default_factory=list)
    without_requests: list[str] = field(default_factory=list)  # cases with no preservation: section


def collect_deadlines(cases, *, letter_date=None, firm_path=None) -> CalendarReport:
    """The respond-by date of every preservation request of the cases (files, folders, tables)."""
    from .batch import expand_inputs
    from .loading import load_case
    from .render import Renderer

    renderer = Renderer(firm_path=firm_path)
    report = CalendarReport()
    for case in expand_inputs(cases):
        label = getattr(case, "label", str(case))
        try:
            loaded = case.load() if hasattr(case, "load") else load_case(case)
            if loaded.case.preservation is None:
                report.without_requests.append(label)
                continue
            inputs, letters = renderer.letters("preservation", loaded, letter_date=letter_date)
        except DraftingError as exc:
            report.errors.append(exc)
            continue
        firm = inputs.firm.firm.name
        for stem, letter in letters:
            request = letter.context["request"]
            report.deadlines.append(Deadline(
                uid=f"{uuid.uuid5(_NAMESPACE, firm + chr(10) + stem)}@drafting",
                matter_id=loaded.case.matter.id,
                recipient=request.recipient.name,
                recipient_kind=request.recipient.kind_label,
                letter_date=inputs.letter_date,
                respond_by=request.respond_by,
                case=label,
            ))
    return report


def calendar_bytes(deadlines: list[Deadline], *, remind_days: int = 3, calendar_name: str = "",
                   now: dt.datetime | None = None) -> bytes:
    """The ``.ics`` text: one all-day event per deadline, each with a display reminder."""
    from icalendar import Alarm, Calendar, Event

    from .dates import long_date

    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//drafting//preservation deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if calendar_name:
        cal.add("x-wr-calname", calendar_name)
    for d in sorted(deadlines, key=lambda d: (d.respond_by, d.matter_id, d.recipient)):
        event = Event()
        title = f"Preservation response due: {d.matter_id} — {d.recipient}"
        event.add("uid", d.uid)
        event.add("dtstamp", stamp)
        event.add("summary", title)
        event.add("description",
                  f"Matter {d.matter_id}: the preservation request of {long_date(d.letter_date)} to "
                  f"{d.recipient} ({d.recipient_kind.lower()}) asks for written confirmation by "
                  f"{long_date(d.respond_by)}. If none has arrived, follow up.")
        event.add("dtstart", d.respond_by)
        event.add("dtend", d.respond_by + dt.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("class", "PRIVATE")
        event.add("categories", ["Preservation deadline"])
        if remind_days > 0:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"In {remind_days} day(s): {title}")
            alarm.add("trigger", -(dt.timedelta(days=remind_days) - dt.timedelta(hours=REMINDER_HOUR)))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def write_calendar(path: str | Path, data: bytes, *, force: bool) -> Path:
    """Write the file whole and owner-only; an existing one only with ``force``."""
    from .output import prepare_out_dir, write_atomic

    path = Path(path)
    if path.suffix.lower() != ".ics":
        from .errors import UsageError

        raise UsageError(f"--out {path}: give a file name ending in .ics")
    prepare_out_dir(path.parent if str(path.parent) else Path("."))
    write_atomic(path, data, force=force)
    return path
