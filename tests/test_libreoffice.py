"""Every kind of output opens in a real word processor: every example case of every kind
it has data for, every golden document, a case full of hostile text and a long
preservation letter are converted to PDF by LibreOffice — one soffice run for all of
them — and each PDF must exist, be a PDF and have pages. A document LibreOffice refuses
is a failed test. CI installs LibreOffice, so there a missing soffice fails too."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from drafting.pdf import convert_to_pdf, find_soffice
from drafting.render import Renderer

pytestmark = pytest.mark.slow  # LibreOffice converts every example

ROOT = Path(__file__).parent.parent
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).parent / "golden"
SECTION = {"engagement": "\nengagement:", "preservation": "\npreservation:", "advisory": None}

HOSTILE_CASE = """\
date: 2026-11-28
matter:
  id: "hostile-{{ 7*7 }}"
  jurisdiction: CA
  stage: charged
  court: "Court of <w:t>&amp; {% if x %} ]]> <!-- --> & \\"quotes\\" 'too'"
  case_number: "A&B<1>\\t'2'"
  agency: "Agency \\u202e‏שלום‏ مرحبا 李小龍 🙂 👩\\u200d👩\\u200d👧 e\\u0301 \\u0085 \\u2028 \\ufeff \\x7f"
client:
  name: "Zoë O'Brien-Ñúñez & <Sons> {{ client.name }}"
  salutation: "Señor 李 🙂"
  address: ["Line one\\nline two of one", "Tab\\there", "{%p endfor %}"]
charges:
  - statute: "§ 1 <b>bold</b> {{ 1 }}"
    title: "Title with a very long line %s"
engagement:
  fee: {type: flat, amount: 25000}
preservation:
  - recipient:
      name: "Recipient & <Co> {{ x }}"
      kind: isp
      attention: "Attn: </w:p><w:p>"
      address: ["1 \\"Main\\" St", "Town, ST 00000"]
      email: "x@example.com<script>"
    account: "&#0; &lt; {{ }}"
    period: {from: 2026-08-01, to: 2026-10-31}
    observations:
      - {ip: 203.0.113.45, port: 51413, at: "2026-09-14 03:22:10 -07:00", software: "Tool <v1> & {{ 2 }}"}
"""


def _example_cases():
    for case in sorted((EXAMPLES / "cases").glob("*.yaml")):
        text = case.read_text(encoding="utf-8")
        for kind, marker in SECTION.items():
            if marker is None or marker in text:
                yield kind, case


def _long_preservation(folder: Path, n: int = 400) -> Path:
    rows = "\n".join(
        f'      - {{ip: "{"2001:db8::" + format(i, "x") if i % 2 else "198.51.100." + str(i % 250 + 1)}", '
        f'port: {1000 + i}, at: "2026-09-{i % 28 + 1:02d} {i % 24:02d}:00:00 -07:00", software: BitTorrent}}'
        for i in range(n)
    )
    case = folder / "long.yaml"
    case.write_text(
        "date: 2026-11-28\nmatter: {id: long-letter, jurisdiction: CA}\n"
        "client: {name: Long Letter, address: [1 Main St]}\n"
        "preservation:\n  - recipient: {name: ISP, kind: isp, address: [1 Way]}\n"
        "    period: {from: 2026-08-01, to: 2026-10-31}\n    observations:\n" + rows + "\n",
        encoding="utf-8",
    )
    return case


def _pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def _text(pdf: Path) -> str | None:
    if not shutil.which("pdftotext"):
        return None
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def soffice():
    found = find_soffice()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is not installed, but CI must convert every document to PDF")
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it and runs this test")
    return found


@pytest.fixture(scope="module")
def converted(soffice, tmp_path_factory):
    """Render everything, convert it all in one soffice run: ``{docx path: pdf path}``."""
    out = tmp_path_factory.mktemp("lo-out")
    work = tmp_path_factory.mktemp("lo-cases")
    shutil.copy(EXAMPLES / "firm.yaml", work / "firm.yaml")
    (work / "hostile.yaml").write_text(HOSTILE_CASE, encoding="utf-8")
    renderer = Renderer(draft=True)
    docs: list[Path] = []
    for kind, case in _example_cases():
        docs += renderer.render_case(kind, case, out_dir=out, letter_date="2026-11-28").written
    for kind in SECTION:
        docs += renderer.render_case(kind, work / "hostile.yaml", out_dir=out).written
    docs += renderer.render_case("preservation", _long_preservation(work), out_dir=out).written
    for golden in sorted(GOLDEN.glob("*.docx")):
        copy = out / f"golden-{golden.name}"  # a stem of its own: one soffice run for all
        shutil.copy(golden, copy)
        docs.append(copy)
    pdfs = convert_to_pdf(docs, out, timeout=600)
    return dict(zip(docs, pdfs, strict=False))


def test_every_kind_of_every_example_was_rendered(converted):
    names = {p.name for p in converted}
    for kind, case in _example_cases():
        matter = re.search(r'id: "([^"]+)"', case.read_text(encoding="utf-8")).group(1)
        assert any(n.startswith(f"{matter}-{kind}") for n in names), (case.name, kind)
    assert {f"hostile-7-7-{k}" for k in ("engagement", "advisory")} <= {p.stem for p in converted}


def test_libreoffice_opens_every_document(converted):
    assert converted
    failures = []
    for docx, pdf in converted.items():
        if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
            failures.append(f"{docx.name}: no PDF")
        elif _pages(pdf) < 1:
            failures.append(f"{docx.name}: PDF without pages")
    assert not failures, "LibreOffice could not open:\n" + "\n".join(failures)


def test_pdf_text_is_the_letter_text(converted):
    """Opened for real, not as an empty page: the PDF says what the letter says."""
    sample = {p.stem: p for p in converted.values()}
    text = _text(sample["2026-0231-advisory"])
    if text is None:
        pytest.skip("pdftotext is not installed")
    assert "Wei Chen" in text and "Registration" in text
    hostile = _text(sample["hostile-7-7-engagement"])
    for fragment in ("{{ 7*7 }}", "<Sons>", "&amp;", "{% if x %}", "<w:t>"):
        assert fragment in hostile, fragment
    long_letter = _text(sample["long-letter-preservation-isp"])
    assert _pages(sample["long-letter-preservation-isp"]) > 5
    assert "2001:db8::18f" in long_letter and "198.51.100.249" in long_letter
