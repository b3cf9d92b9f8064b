"""The bundled templates are what ``tools/build_templates.py`` builds, and they follow the
docxtpl dialect: no Jinja tag split across runs, ``{%p``/``{%tr`` tags alone in their
paragraph/row, formatting from styles only. A smoke test renders every template with
docxtpl, with optional fields present and Missing, and with every branch the letters have."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from drafting.kinds import KINDS as ALL_KINDS

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
KINDS = tuple(ALL_KINDS)  # every declared kind
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_templates.py"), "--out", str(out)],
        check=True, capture_output=True, cwd=ROOT,
    )
    return out


def _parts(path: Path) -> dict[str, bytes]:
    """The word/ parts (XML and relationships) of a .docx, canonicalized."""
    with zipfile.ZipFile(path) as z:
        return {
            name: etree.tostring(etree.fromstring(z.read(name)), method="c14n")
            for name in sorted(z.namelist())
            if name.startswith("word/") and name.endswith((".xml", ".rels"))
        }


def _text_parts(path: Path) -> dict[str, etree._Element]:
    """Body, headers and footers: the parts that hold text."""
    with zipfile.ZipFile(path) as z:
        return {
            name: etree.fromstring(z.read(name))
            for name in z.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)
        }


@pytest.mark.parametrize("kind", KINDS)
def test_template_matches_builder(rebuilt: Path, kind: str) -> None:
    committed, built = _parts(TEMPLATES / f"{kind}.docx"), _parts(rebuilt / f"{kind}.docx")
    assert sorted(committed) == sorted(built), "parts differ: run python tools/build_templates.py"
    for name in built:
        assert committed[name] == built[name], f"{kind}.docx {name} is out of step: run python tools/build_templates.py"


@pytest.mark.parametrize("kind", KINDS)
def test_every_tag_is_whole_and_alone_in_its_run(kind: str) -> None:
    for part, root in _text_parts(TEMPLATES / f"{kind}.docx").items():
        for t in root.iter(W + "t"):
            text = t.text or ""
            leftover = TAG.sub("", text)
            for mark in ("{{", "}}", "{%", "%}"):
                assert mark not in leftover, f"{kind} {part}: split Jinja tag in run text {text!r}"
            if TAG.search(text):
                assert TAG.fullmatch(text), f"{kind} {part}: tag shares its run with text: {text!r}"


@pytest.mark.parametrize("kind", KINDS)
def test_paragraph_and_row_tags_stand_alone(kind: str) -> None:
    seen = 0
    for part, root in _text_parts(TEMPLATES / f"{kind}.docx").items():
        for p in root.iter(W + "p"):
            text = "".join(t.text or "" for t in p.iter(W + "t"))
            if "{%p" in text:
                seen += 1
                assert TAG.fullmatch(text.strip()) and text.startswith("{%p "), (
                    f"{kind} {part}: {{%p}} tag not alone in its paragraph: {text!r}")
        for tr in root.iter(W + "tr"):
            text = "".join(t.text or "" for t in tr.iter(W + "t"))
            if "{%tr" in text:
                seen += 1
                first_cell = "".join(t.text or "" for t in tr.find(W + "tc").iter(W + "t"))
                assert TAG.fullmatch(text) and first_cell == text, (
                    f"{kind} {part}: {{%tr}} tag not alone in its row's first cell: {text!r}")
            assert not re.search(r"\{%-?\s*(for|endfor)\b", text) or "{%tr" in text, (
                f"{kind} {part}: a plain for loop inside a table row: {text!r}")
    assert seen, "no paragraph tags at all?"


@pytest.mark.parametrize("kind", KINDS)
def test_formatting_comes_from_styles(kind: str) -> None:
    """Runs carry at most a character style; paragraphs at most a paragraph style."""
    for part, root in _text_parts(TEMPLATES / f"{kind}.docx").items():
        for rpr in root.iter(W + "rPr"):
            if rpr.getparent().tag != W + "r":
                continue
            extra = [child.tag for child in rpr if child.tag != W + "rStyle"]
            assert not extra, f"{kind} {part}: direct run formatting {extra}"
        for ppr in root.iter(W + "pPr"):
            if ppr.getparent().tag != W + "p":
                continue
            extra = [child.tag for child in ppr if child.tag != W + "pStyle"]
            assert not extra, f"{kind} {part}: direct paragraph formatting {extra}"


@pytest.mark.parametrize("kind", KINDS)
def test_page_set_up_and_fields(kind: str) -> None:
    parts = _text_parts(TEMPLATES / f"{kind}.docx")
    sect = parts["word/document.xml"].find(f"{W}body/{W}sectPr")
    size, margins = sect.find(W + "pgSz"), sect.find(W + "pgMar")
    assert (size.get(W + "w"), size.get(W + "h")) == ("12240", "15840")
    assert {margins.get(W + side) for side in ("top", "bottom", "left", "right")} == {"1440"}
    assert sect.find(W + "titlePg") is not None  # letterhead on the first page only
    instructions = [
        (i.text or "").strip() for name, root in parts.items() if "footer" in name for i in root.iter(W + "instrText")
    ]
    assert instructions.count("PAGE") == 2 and instructions.count("NUMPAGES") == 2
    rows = list(parts["word/document.xml"].iter(W + "tr"))
    assert any(tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows), "no repeating header row"


# ---------------------------------------------------------------------------------------
# Rendering smoke test
# ---------------------------------------------------------------------------------------


class Missing:
    """Stands in for the package's Missing value: false in an ``if``, an error if printed."""

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        raise AssertionError("a template printed a Missing field")

    __html__ = __str__

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise AssertionError(f"a template read .{name} of a Missing field")


M = Missing()


def _env():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(
        long_date=lambda d: f"{d:%B} {d.day}, {d.year}",
        money=lambda x: f"${Decimal(x):,.2f}",
        join_and=lambda xs: ", ".join(xs),
        ordinal_tier=lambda n: "Tier " + "I" * int(n),
    )
    return env


def _common(full: bool, stage: str) -> dict:
    charged = stage != "investigation"
    return {
        "draft": full and stage == "convicted",
        "letter_date": dt.date(2026, 11, 28),
        "firm": {"name": "Harper & Vale LLP", "address": ["400 Capitol Mall, Suite 1200", "Sacramento, CA 95814"],
                 "phone": "(916) 555-0142", "email": "office@harpervale.example",
                 "website": "harpervale.example" if full else M},
        "attorney": {"id": "mharper", "name": "Mara Harper", "title": "Partner", "bar": "Cal. Bar No. 245118",
                     "email": "mharper@harpervale.example", "phone": "(916) 555-0199" if full else M},
        "matter": {"id": "2026-0142", "jurisdiction": "CA", "jurisdiction_name": "California", "is_federal": False,
                   "stage": stage, "stage_label": stage, "court": "Superior Court" if charged else M,
                   "case_number": "26FE012345" if charged else M, "agency": "ICAC Task Force" if full else M,
                   "reference": "Superior Court, Case No. 26FE012345" if charged else "Pre-charge investigation",
                   "reference_prose": "the Superior Court, Case No. 26FE012345" if charged else "the pending investigation"},
        "client": {"name": "Daniel <R.> Ortiz & {{ son }}", "salutation": "Mr. Ortiz",
                   "address": ["1819 Alder Way", "Sacramento, CA 95818"], "email": M},
        "charges": [
            {"statute": "18 U.S.C. § 2252A(a)(5)(B)", "title": "Possession", "counts": 2,
             "offense_id": "us-2252a-possession", "known": True},
            {"statute": "Cal. Penal Code § 311.11(a)", "title": "Possession (state)", "counts": 1,
             "offense_id": M, "known": False},
        ] if full else [],
        "charges_heading": "Charges" if charged else "Potential charges",
    }


def _engagement(full, stage, fee, in_trust):
    ctx = _common(full, stage)
    ctx["kind"] = "engagement"
    ctx["engagement"] = {
        "fee": ({"type": "flat", "amount": Decimal(25000), "rate": M, "retainer": M} if fee == "flat"
                else {"type": "hourly", "amount": M, "rate": Decimal(450), "retainer": Decimal(10000)}),
        "costs_deposit": Decimal(5000) if full else M,
        "excluded": ["an appeal", "civil forfeiture proceedings"] if full else [],
        "flat_fee_in_trust": in_trust, "ca_6148": full, "ny_part137": full,
        "appeal_excluded": full, "appeal_deadline": "14 days after the judgment is entered" if full else M,
        "nonrefundable": not in_trust, "earned_when": "when the trial court enters judgment",
        "billing_increment_minutes": 6 if fee == "hourly" else M,
        "rates": [{"role": "Associate", "rate": Decimal(300)}] if full else [],
        "payor": {"name": "Rosa Ortiz", "relationship": "mother", "address": ["1 Main St"], "email": M}
        if full else M,
        "rules": {"state_name": "California" if full else M, "fee": "Cal. Rules of Prof. Conduct 1.5" if full else M,
                  "trust": "Cal. Rules of Prof. Conduct 1.15" if full else M,
                  "termination": "Cal. Rules of Prof. Conduct 1.16" if full else M,
                  "payor": "Cal. Rules of Prof. Conduct 1.8.6" if full else M, "payor_consent_in_writing": full},
        "tampering": "Cal. Penal Code § 135" if full else M, "tx_grievance": full,
    }
    return ctx


def _preservation(full, kind, identify=True):
    ctx = _common(full, "charged")
    ctx["kind"] = "preservation"
    obs = [{"ip": "203.0.113.45", "ip_version": 4, "port": 51413, "at_utc": "2026-09-14 10:22:10 UTC",
            "at_given": "2026-09-14 03:22:10 -07:00", "software": "qBittorrent"},
           {"ip": "2001:db8::1", "ip_version": 6, "port": M, "at_utc": "2026-09-15 01:02:03 UTC",
            "at_given": "2026-09-15 01:02:03 UTC", "software": M}]
    ctx["request"] = {
        "recipient": {"name": "Comcast Cable", "kind": kind, "kind_label": kind, "attention": "Legal" if full else M,
                      "address": ["1800 Bishops Gate Blvd", "Mount Laurel, NJ 08054"],
                      "email": "legal@example.net" if full else M, "reference": "305A-SC-1" if full else M,
                      "cable_operator": full},
        "salutation": "Dear Counsel:" if kind == "prosecutor" else "To the Custodian of Records:",
        "identify_client": identify,
        "asks_cgnat": full,
        "authority": {"discovery": "Cal. Penal Code § 1054.1" if full else M, "custody": M,
                      "copies_allowed": "Cal. Penal Code § 1054.10" if full else M, "ninth_circuit": full},
        "respond_by_moved": not full,
        "account": "8835-1120" if full else M,
        "period": {"start": dt.date(2026, 8, 1), "end": dt.date(2026, 10, 31)},
        "observations": obs if full else [],
        "items": [{"id": "subscriber-records", "text": "Subscriber records.", "citation": "18 U.S.C. § 2702(c)(6)"},
                  {"id": "ip-assignment-logs", "text": "IP-address assignment logs.", "citation": M}],
        "respond_within_days": 10, "respond_by": dt.date(2026, 12, 8),
    }
    return ctx


def _paragraph(label, text, citation, review=M):
    return {"label": label, "text": text, "citation": citation, "review": review}


def _advisory(full, stage, state_scheme):
    ctx = _common(full, stage)
    ctx["kind"] = "advisory"
    for charge in ctx["charges"]:
        charge.update(grade=M, penalty="Up to 10 years in prison.",
                      registration="Federal: Tier I: registration for 15 years\nCalifornia: Tier 3: for life")
    levels = [{"label": "Tier I", "duration": "For 15 years", "verification": "Once a year, in person"},
              {"label": "Tier III", "duration": "For life", "verification": "Every 3 months, in person"}]
    sections = [{"heading": "California registration" if state_scheme else "Federal registration (SORNA)",
                 "lead": "If you are convicted, these are its rules." if full else M,
                 "levels": levels, "level_heading": "Tier",
                 "paragraphs": [_paragraph(M, "Each registrant is placed in a tier.", "34 U.S.C. § 20911"),
                                _paragraph("First registration", "Within 3 business days.", M,
                                           "[ATTORNEY REVIEW: secondary source only]" if full else M)]},
                {"heading": "What you should do now", "lead": M, "levels": [], "level_heading": "Tier",
                 "paragraphs": [_paragraph("Do not delete anything", "Keep every device.", M)]}]
    ctx["sections"] = sections
    ctx["advisory"] = {"state": "CA" if state_scheme else "US",
                       "state_name": "California" if state_scheme else "the United States",
                       "state_title": "California" if state_scheme else "United States",
                       "show_federal": not state_scheme, "show_state": bool(state_scheme),
                       "intro": "This letter explains the registration rules."}
    ctx["authorities"] = ["18 U.S.C. § 2250", "34 U.S.C. § 20911"] if full else []
    return ctx


CASES = {
    "engagement-flat-investigation": ("engagement", lambda: _engagement(True, "investigation", "flat", True)),
    "engagement-flat-florida-convicted": ("engagement", lambda: _engagement(True, "convicted", "flat", False)),
    "engagement-hourly-charged": ("engagement", lambda: _engagement(True, "charged", "hourly", True)),
    "engagement-sparse-flat": ("engagement", lambda: _engagement(False, "charged", "flat", True)),
    "engagement-sparse-hourly": ("engagement", lambda: _engagement(False, "investigation", "hourly", True)),
    "preservation-isp": ("preservation", lambda: _preservation(True, "isp")),
    "preservation-agency-sparse": ("preservation", lambda: _preservation(False, "agency")),
    "preservation-prosecutor": ("preservation", lambda: _preservation(True, "prosecutor")),
    "preservation-third-party-sparse": ("preservation", lambda: _preservation(False, "third-party")),
    "preservation-isp-anonymous": ("preservation", lambda: _preservation(True, "isp", identify=False)),
    "advisory-state-tiers": ("advisory", lambda: _advisory(True, "charged", "tier")),
    "advisory-state-levels-sparse": ("advisory", lambda: _advisory(False, "convicted", "level")),
    "advisory-federal-only": ("advisory", lambda: _advisory(True, "investigation", None)),
    "advisory-federal-only-sparse": ("advisory", lambda: _advisory(False, "investigation", None)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_template_renders(case: str) -> None:
    pytest.importorskip("docxtpl")
    from docxtpl import DocxTemplate

    kind, make = CASES[case]
    ctx = make()
    doc = DocxTemplate(str(TEMPLATES / f"{kind}.docx"))
    doc.render(ctx, _env())
    out = io.BytesIO()
    doc.save(out)
    texts = []
    for part, root in _text_parts(out).items():  # type: ignore[arg-type]
        text = "".join(t.text or "" for t in root.iter(W + "t"))
        # the only braces left are the client's own, printed verbatim
        assert TAG.sub("", text.replace("{{ son }}", "")).count("{") == 0, f"{case} {part}: a tag survived"
        texts.append(text)
    body = " ".join(texts)
    if ctx.get("request", {}).get("identify_client", True):
        assert "Daniel <R.> Ortiz & {{ son }}" in body
    else:  # a provider never learns the client's name
        assert "Ortiz" not in body
    assert "Harper & Vale LLP" in body and "November 28, 2026" in body
