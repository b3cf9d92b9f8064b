"""The commands about one case's letters: kinds, render, context, check, preview, diff, new."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import (
    CaseArg,
    DateOpt,
    DraftOpt,
    FirmOpt,
    ForceOpt,
    KindArg,
    OutOpt,
    PdfOpt,
    TemplatesOpt,
    _ask,
    _err,
    _glyph_warnings,
    _say,
    app,
    boundary,
)


@app.command()
@boundary
def kinds(
    firm: Optional[Path] = typer.Option(None, "--firm", help="Firm profile, to show its template overrides."),
    templates: Optional[Path] = TemplatesOpt,
) -> None:
    """The document kinds, the templates in use, and the offense ids the library knows."""
    from ..kinds import KINDS
    from ..loading import load_firm
    from ..render import Renderer, bundled_templates
    from ..rules import load_rules

    loaded_firm = load_firm(firm) if firm else None
    renderer = Renderer(templates_dir=templates)
    bundled = bundled_templates()
    for kind in KINDS.values():
        path = renderer.template_path(kind, loaded_firm)
        origin = "bundled" if path.parent == bundled else "override"
        needs = ", ".join(("matter", "client", "charges") + kind.sections)
        _say(f"{kind.name:<13} {kind.summary}")
        _say(f"{'':<13} template: {path} ({origin})")
        _say(f"{'':<13} case sections: {needs}")
    from ..advice import residence_gaps, statute_offenses

    rules = load_rules(loaded_firm.folder(loaded_firm.firm.rules) if loaded_firm else None,
                       attorneys=tuple(a.id for a in loaded_firm.firm.attorneys) if loaded_firm else ())
    ready = [code for code in rules.registration if not residence_gaps(rules, code)]
    drafts = [code for code in rules.registration if code not in ready]
    _say("")
    _say("offense ids: " + ", ".join(rules.offenses))
    _say("registration rules: " + ", ".join(rules.registration))
    _say("advisories client-ready for residents of: " + (", ".join(ready) or "none yet"))
    _say("advisories drafts only (--draft; `drafting check --gaps` lists what to confirm): "
         + (", ".join(drafts) or "none"))
    charges = [oid for code in ready for oid in statute_offenses(rules, code)]
    _say("state charges a client-ready advisory can name (read in the statute, with penalty and level; "
         "a charge under another keeps the letter a draft): " + (", ".join(charges) or "none yet"))
    _say("preservation items: " + ", ".join(rules.preservation))


@app.command()
@boundary
def render(
    kind: str = KindArg,
    case: Path = CaseArg,
    out: Path = OutOpt,
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    force: bool = ForceOpt,
    pdf: bool = PdfOpt,
    draft: bool = DraftOpt,
) -> None:
    """Render one case into its document(s)."""
    from ..render import Renderer

    renderer = Renderer(templates_dir=templates, firm_path=firm, draft=draft)
    result = renderer.render_case(kind, case, out_dir=out, letter_date=date, force=force, pdf=pdf)
    for path in result.written:
        _say(f"wrote {path}")
    for path in result.removed if not pdf else ():
        _say(f"removed {path}: it was made from the document just replaced (use --pdf for a new one)")
    if pdf and result.written:
        from ..pdf import convert_to_pdf

        for path in convert_to_pdf(result.written, out, force=force):
            _say(f"wrote {path}")
            for warning in _glyph_warnings(path, case):
                _err(f"warning: {warning}")


@app.command()
@boundary
def context(
    kind: str = KindArg,
    case: Path = CaseArg,
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    draft: bool = DraftOpt,
) -> None:
    """The template context as JSON (one object per document), for template authors."""
    import json

    from ..environment import to_plain
    from ..render import Renderer

    _, letters = Renderer(firm_path=firm, draft=draft).letters(kind, case, letter_date=date)
    data = {stem: to_plain(letter.context) for stem, letter in letters}
    _say(json.dumps(data, indent=2, ensure_ascii=False))


# --- batch -------------------------------------------------------------------------


@app.command()
@boundary
def check(
    cases: Optional[List[Path]] = typer.Argument(
        None, help="Case files (YAML) or folders of them; without any, lint the templates and rule data only."),
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    date: Optional[str] = DateOpt,
    gaps: bool = typer.Option(False, "--gaps", help="Also list, per jurisdiction, every fact of the rule data "
                              "that keeps its advisories drafts (missing, or from a secondary source only)."),
) -> None:
    """Validate cases, lint every template and flag stale rule data; writes nothing."""
    from ..check import run_check


    report = run_check(cases or [], firm_path=firm, templates_dir=templates, letter_date=date, gaps=gaps)
    for finding in report.findings:
        _say(f"{finding.severity}: {finding}")
    summary = (f"checked {report.cases} case file(s), {len(report.templates)} template(s) and the rule data: "
               f"{report.errors} error(s), {report.warnings} warning(s)")
    if any(f.file in report.templates for f in report.findings):
        summary += " (a template's line number is its paragraph number)"
    _say(summary)
    if report.errors:
        raise typer.Exit(1)


@app.command()
@boundary
def preview(
    kind: str = KindArg,
    case: Path = CaseArg,
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    draft: bool = DraftOpt,
) -> None:
    """The rendered document(s) as text in the terminal; writes nothing."""
    import shutil

    from ..docxtext import read_document, to_text
    from ..render import Renderer

    docs = Renderer(templates_dir=templates, firm_path=firm, draft=draft).documents(kind, case, out_dir=Path("out"),
                                                                      letter_date=date)
    width = min(shutil.get_terminal_size((100, 24)).columns, 100)
    for i, doc in enumerate(docs):
        if i:
            _say("")
        _say(f"=== {doc.path.name} " + "=" * max(3, width - len(doc.path.name) - 5))
        _say(to_text(read_document(doc.data), width=width).rstrip("\n"))


@app.command()
@boundary
def diff(
    a: Path = typer.Argument(..., help="The first .docx."),
    b: Path = typer.Argument(..., help="The second .docx."),
) -> None:
    """What a reader would see differ between two documents; exit 0 if none, 1 if any."""
    from ..docxdiff import diff_documents

    lines = diff_documents(a, b, a_label=str(a), b_label=str(b))
    if not lines:
        _say("same: the documents read the same")
        return
    for line in lines:
        _say(line)
    raise typer.Exit(1)


@app.command()
@boundary
def new(
    case: Path = typer.Argument(..., help="The case file to create (YAML)."),
    no_input: bool = typer.Option(False, "--no-input", help="Ask nothing; write the skeleton with placeholders."),
) -> None:
    """Scaffold a commented case file, asking for the essentials."""
    from .. import scaffold
    from ..errors import DraftingError, OutputExistsError
    from ..kinds import KINDS
    from ..loading import find_firm

    if case.exists():
        raise OutputExistsError(path=case, message="already exists; drafting new never replaces a file")
    if no_input:
        text = scaffold.case_skeleton(None, None, None)
    else:
        text = scaffold.case_skeleton(
            _ask("Client name", scaffold.client_name),
            _ask("Matter id", scaffold.matter_id),
            _ask("Jurisdiction (two-letter state code, or US for federal)", scaffold.jurisdiction),
            _ask("Stage (investigation, charged, convicted)", scaffold.stage, "investigation"),
            _ask(f"Kinds ({', '.join(KINDS)})", scaffold.kinds, ",".join(KINDS)),
        )
    scaffold.write_case_file(case, text)
    _say(f"wrote {case}")
    todo = scaffold.fill_in_lines(text)
    if todo:
        _say("fill in the values marked FILL IN: " + ", ".join(f"{key} (line {n})" for n, key in todo))
    try:
        find_firm(case)
    except DraftingError:
        _say("put firm.yaml next to it or in a parent folder (or pass --firm)")
    _say(f"then run: drafting check {case}")
