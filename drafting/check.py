"""``drafting check``: validate cases for every kind they have data for, lint every
template in use, and flag stale rule data. Writes nothing."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from .errors import DraftingError, DraftRequired, TemplateError, UsageError
from .lint import Finding, lint_template


@dataclass
class CheckReport:
    """What ``drafting check`` found, in the order found."""

    findings: list[Finding]
    cases: int
    templates: list[str]

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.findings)


_NOWHERE = Path("out")
# documents are built in memory; the folder only names them
# a rules folder -> the firm attorneys who may confirm facts in it
_ATTORNEYS: dict[Path | None, tuple[str, ...]] = {}


def run_check(cases: list[str | Path], *, firm_path: str | Path | None = None,
              templates_dir: str | Path | None = None, letter_date: object = None,
              gaps: bool = False) -> CheckReport:
    """Validate each case for every kind it has data for, lint every template in use
    (bundled, the firms', ``templates_dir``) and flag stale rule data. Writes nothing."""
    from .dates import parse_date
    from .kinds import KINDS
    from .loading import load_case, load_firm
    from .render import Renderer, bundled_templates

    explicit = None
    if letter_date is not None:
        try:
            explicit = parse_date(letter_date)
        except ValueError as exc:
            raise UsageError(f"--date: {exc}") from None
    renderer = Renderer(templates_dir=templates_dir, firm_path=firm_path)
    findings: list[Finding] = []
    # every bundled template, used or not; a kind without one (a firm's own) is linted where it is found
    templates: dict[str, str] = {str(bundled_templates() / k.template_name): k.name for k in KINDS.values()
                                 if (bundled_templates() / k.template_name).is_file()}
    deferred: dict[str, list[Finding]] = {}  # render errors a template lint may explain better
    rule_dates: dict[Path | None, dt.date] = {}

    def use_firm(firm, when: dt.date) -> None:
        for kind in KINDS.values():
            try:
                templates.setdefault(str(renderer.template_path(kind, firm)), kind.name)
            except DraftingError as exc:
                findings.extend(Finding.from_error(exc))
        folder = firm.folder(firm.firm.rules) if firm is not None else None
        rule_dates[folder] = max(rule_dates.get(folder, when), when)
        if firm is not None:
            _ATTORNEYS[folder] = tuple(a.id for a in firm.firm.attorneys)

    cases = _case_files(cases)
    for profile in [c for c in cases if c.name == "firm.yaml"]:
        # `drafting check cases/*.yaml` sweeps in the firm profile: check it as one.
        try:
            use_firm(load_firm(profile), explicit or dt.date.today())
        except DraftingError as exc:
            findings.extend(Finding.from_error(exc))
    cases = [c for c in cases if c.name != "firm.yaml"]
    for case in cases:
        try:
            loaded = load_case(case)
            when = explicit or loaded.case.date or dt.date.today()
            firm = renderer.firm_for(loaded.path)
        except DraftingError as exc:
            findings.extend(Finding.from_error(exc))
            continue
        use_firm(firm, when)
        findings.extend(_charge_suggestions(loaded, renderer, firm))
        findings.extend(observation_warnings(loaded))
        for kind in KINDS.values():
            if any(getattr(loaded.case, section) is None for section in kind.sections):
                continue  # the case has no data for this kind: nothing to check
            try:
                renderer.documents(kind.name, loaded, out_dir=_NOWHERE, letter_date=when)
            except TemplateError as exc:
                deferred.setdefault(exc.file or "", []).extend(Finding.from_error(exc))
            except DraftRequired as exc:
                # a draft is a state, not a fault: `render --draft` makes it; the gaps are what to confirm
                findings.extend(Finding.from_error(exc, severity="warning"))
            except DraftingError as exc:
                findings.extend(Finding.from_error(exc))
    today = explicit or dt.date.today()
    if firm_path is not None and not cases:
        try:
            use_firm(load_firm(firm_path), today)
        except DraftingError as exc:
            findings.extend(Finding.from_error(exc))
    elif templates_dir is not None and not cases:
        use_firm(None, today)
    rule_dates.setdefault(None, max(rule_dates.values(), default=today))

    for path, kind in templates.items():
        linted = _lint_cached(path, kind)
        explained = deferred.pop(path, [])
        if not any(f.severity == "error" for f in linted):
            linted += explained
        findings.extend(linted)
    for leftover in deferred.values():
        findings.extend(leftover)
    findings.extend(_stale_rules(rule_dates))
    if gaps:
        findings.extend(_jurisdiction_gaps(rule_dates))
    return CheckReport(list(dict.fromkeys(findings)), len(cases), list(templates))


def observation_warnings(loaded) -> list[Finding]:
    """Observations worth a second look before a letter asks for records: the same address,
    port and instant twice (a copy-paste, or two tools' logs of one event), and addresses
    no ISP assigns (private, loopback, link-local, documentation, reserved …)."""
    import datetime as dt
    import ipaddress

    out = []
    for i, request in enumerate(loaded.case.preservation or []):
        seen: dict[tuple, int] = {}
        for j, obs in enumerate(request.observations):
            where = loaded.where("preservation", i, "observations", j)
            key = (obs.ip, obs.port, obs.at.astimezone(dt.timezone.utc))
            if key in seen:
                out.append(Finding(str(where["file"]), where["line"], "warning",
                                   f"the same address, port and time as observations[{seen[key]}]; "
                                   "listed twice", col=where["col"], field=where["field"]))
            else:
                seen[key] = j
            address = ipaddress.ip_address(obs.ip.split("%", 1)[0])
            kind = _not_public(address)
            if kind:
                ip_where = loaded.where("preservation", i, "observations", j, "ip")
                out.append(Finding(str(ip_where["file"]), ip_where["line"], "warning",
                                   f"{obs.ip} is a {kind} address, which no ISP assigns to a subscriber; "
                                   "check the log it came from", col=ip_where["col"], field=ip_where["field"]))
    return out


# Documentation ranges (RFC 5737, RFC 3849): not assignable either, but what example and
# test cases are written with; a warning on every one of them would drown the real ones.
_DOCUMENTATION = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")


def _not_public(address) -> str | None:
    import ipaddress

    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if any(address in ipaddress.ip_network(n) for n in _DOCUMENTATION if ipaddress.ip_network(n).version
           == address.version):
        return None
    if address.version == 4 and address in ipaddress.ip_network("100.64.0.0/10"):
        return "carrier-grade NAT (shared)"
    for attr, name in (("is_loopback", "loopback"), ("is_link_local", "link-local"),
                       ("is_multicast", "multicast"), ("is_unspecified", "unspecified"),
                       ("is_reserved", "reserved"), ("is_private", "private")):
        if getattr(address, attr):
            return name
    return None


def _lint_cached(path: str, kind: str) -> list[Finding]:
    """``lint_template``, remembered while the file is unchanged (a process may check many times)."""
    try:
        stat = Path(path).stat()
    except OSError:
        return lint_template(path, kind)
    return list(_lint_by_stamp(path, kind, stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=64)
def _lint_by_stamp(path: str, kind: str, _mtime: int, _size: int) -> tuple[Finding, ...]:
    return tuple(lint_template(path, kind))


def _case_files(cases: list[str | Path]) -> list[Path]:
    """Case files as given; a folder means its ``*.yaml`` (a firm profile is not a case)."""
    out: list[Path] = []
    for case in map(Path, cases):
        if case.is_dir():
            out.extend(p for p in sorted(case.glob("*.yaml")) if p.name != "firm.yaml")
        else:
            out.append(case)
    return out


def _stale_rules(rule_dates: dict[Path | None, dt.date]) -> list[Finding]:
    from .rules import load_rules

    out: list[Finding] = []
    seen: set[tuple] = set()
    for folder, as_of in rule_dates.items():
        try:
            book = load_rules(folder, attorneys=_ATTORNEYS.get(folder, ()))
        except DraftingError as exc:
            out.extend(Finding.from_error(exc))
            continue
        for record in sorted(book.stale(as_of), key=lambda r: (str(r.file), r.line)):
            key = (str(record.file), record.line)
            if key in seen:
                continue
            seen.add(key)
            out.append(Finding(str(record.file), record.line, "warning",
                               f"{record.kind} {record.id} was last verified {record.verified.isoformat()}, more "
                               f"than a year before the letter date ({as_of.isoformat()}); confirm it is still "
                               "right and "
                               "update its verified: date"))
        today = dt.date.today()
        for record in sorted(book.records(), key=lambda r: (str(r.file), r.line)):
            key = (str(record.file), record.line, "future")
            if record.verified > today and key not in seen:
                seen.add(key)  # a date not yet come cannot be when it was read; it would never go stale
                out.append(Finding(str(record.file), record.line, "error",
                                   f"{record.kind} {record.id} says it was verified {record.verified.isoformat()}, "
                                   "a date still to come; give the date it was actually read", field="verified"))
    return out


def _charge_suggestions(loaded, renderer, firm) -> list[Finding]:
    """A free-form charge whose statute is a library offense: say which id to use."""
    from .rules import load_rules
    from .statutes import candidates, matches, offenses_for

    book = load_rules(firm.folder(firm.firm.rules), attorneys=tuple(a.id for a in firm.firm.attorneys))
    out = []
    juris = loaded.case.matter.jurisdiction
    for i, charge in enumerate(loaded.case.charges):
        if not charge.statute:
            continue
        where = loaded.where("charges", i, "statute")
        code = None if juris == "US" else juris
        found = matches(charge.statute, code, offenses_for(book, charge.statute, code), title=charge.title or "")
        if found:
            message = (f"{charge.statute!r} is the library offense {found[0].id} ({found[0].title}); "
                       f"write offense: {found[0].id} instead of statute and title")
        else:
            near = candidates(charge.statute, code, book.offenses)
            if not near:
                continue
            message = (f"{charge.statute!r} shares its section with library offense(s) "
                       + ", ".join(o.id for o in near) + "; if it is one of them, write offense: <id>")
        out.append(Finding(where["file"] and str(where["file"]), where["line"], "warning", message,
                           where["col"], where["field"]))
    return out


def _jurisdiction_gaps(rule_dates: dict[Path | None, dt.date]) -> list[Finding]:
    """``check --gaps``: per jurisdiction, every fact that keeps its advisories drafts."""
    from .advice import residence_gaps
    from .rules import load_rules

    out: list[Finding] = []
    for folder in rule_dates:
        try:
            book = load_rules(folder, attorneys=_ATTORNEYS.get(folder, ()))
        except DraftingError:
            continue  # reported with the stale records
        for code in sorted(book.registration):
            found = residence_gaps(book, code)
            summary = (f"{code}: advisories are client-ready" if not found else
                       f"{code}: {len(found)} fact(s) keep its advisories drafts")
            out.append(Finding(None, None, "warning" if found else "info", summary))
            out.extend(Finding(str(g.file), g.line, "warning", f"{code}: {g.describe()}") for g in found)
    return out
