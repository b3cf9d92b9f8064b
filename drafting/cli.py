"""The command line. Parses switches, calls the library, and turns a ``DraftingError``
into a red message on stderr and exit code 1. The only module that imports Typer/Rich;
library imports are deferred so ``drafting --help`` starts fast."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import List, Optional

import typer

app = typer.Typer(
    name="drafting",
    help="Engagement letters, preservation requests and registration advisories from YAML case files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

OutOpt = typer.Option(Path("out"), "--out", "-o", help="Folder for the documents.", file_okay=False)
DateOpt = typer.Option(None, "--date", help="Letter date (default: the case's date:, else today).")
FirmOpt = typer.Option(None, "--firm", help="Firm profile (default: firm.yaml next to the case or above it).")
TemplatesOpt = typer.Option(None, "--templates", help="Folder of templates that replace the bundled ones.")
ForceOpt = typer.Option(False, "--force", help="Overwrite documents that already exist.")
PdfOpt = typer.Option(False, "--pdf", help="Also write a PDF next to each .docx (needs LibreOffice).")


def _err(text: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(text, style="bold red", markup=False)


def boundary(func):
    """The one error boundary: a user's mistake is a message and exit 1, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .errors import DraftingError

        try:
            return func(*args, **kwargs)
        except DraftingError as exc:
            for line in str(exc).splitlines():
                _err(f"error: {line}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            _err("interrupted; nothing half-written was left behind")
            raise typer.Exit(130) from None

    return wrapper


def _say(text: str) -> None:
    typer.echo(text)


@app.command()
@boundary
def kinds(
    firm: Optional[Path] = typer.Option(None, "--firm", help="Firm profile, to show its template overrides."),
    templates: Optional[Path] = TemplatesOpt,
) -> None:
    """The document kinds, the templates in use, and the offense ids the library knows."""
    from .kinds import KINDS
    from .loading import load_firm
    from .render import Renderer, bundled_templates
    from .rules import load_rules

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
    rules = load_rules(loaded_firm.folder(loaded_firm.firm.rules) if loaded_firm else None)
    _say("")
    _say("offense ids: " + ", ".join(rules.offenses))
    _say("registration rules: " + ", ".join(rules.registration))
    _say("preservation items: " + ", ".join(rules.preservation))


@app.command()
@boundary
def render(
    kind: str = typer.Argument(..., help="engagement, preservation or advisory."),
    case: Path = typer.Argument(..., help="The case file (YAML)."),
    out: Path = OutOpt,
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
    templates: Optional[Path] = TemplatesOpt,
    force: bool = ForceOpt,
    pdf: bool = PdfOpt,
) -> None:
    """Render one case into its document(s)."""
    from .render import Renderer

    renderer = Renderer(templates_dir=templates, firm_path=firm)
    result = renderer.render_case(kind, case, out_dir=out, letter_date=date, force=force)
    for path in result.written:
        _say(f"wrote {path}")
    if pdf and result.written:
        from .pdf import convert_to_pdf

        for path in convert_to_pdf(result.written, out):
            _say(f"wrote {path}")


@app.command()
@boundary
def context(
    kind: str = typer.Argument(..., help="engagement, preservation or advisory."),
    case: Path = typer.Argument(..., help="The case file (YAML)."),
    date: Optional[str] = DateOpt,
    firm: Optional[Path] = FirmOpt,
) -> None:
    """The template context as JSON (one object per document), for template authors."""
    import json

    from .environment import to_plain
    from .render import Renderer

    _, letters = Renderer(firm_path=firm).letters(kind, case, letter_date=date)
    data = {stem: to_plain(letter.context) for stem, letter in letters}
    _say(json.dumps(data, indent=2, ensure_ascii=False))


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
