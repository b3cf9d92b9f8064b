"""Lint .docx templates: Jinja syntax, names against the context model, docxtpl hazards,
and coverage — rendering with generated contexts that take every branch.

A .docx has no lines, so a finding's line is the paragraph number within its part
(body, header1 …), counted from 1 in document order, and the message says which part.
The library returns ``Finding``s and never prints.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from ..environment import make_environment
from ..errors import DraftingError
from .coverage import check_coverage
from .hazards import find_hazards, find_unmended
from .names import Names
from .parts import MARK, OPENER, Finding, Part, marked, patch, read_parts


def lint_template(path: str | Path, kind: str, *, coverage: bool = True) -> list[Finding]:
    """Every finding for one template of ``kind``: syntax, names, hazards, coverage."""
    path = Path(path)
    findings: list[Finding] = []

    def say_in(part: Part, para: int, severity: str, message: str) -> None:
        finding = Finding(str(path), para, severity, f"{part.label} ¶{para}: {message}")
        if finding not in findings:
            findings.append(finding)

    try:
        parts = read_parts(path)
    except DraftingError as exc:
        return Finding.from_error(exc)
    env = make_environment()
    globals_ = set(env.globals)
    printed: list[tuple[str, str, str, int]] = []
    broken = False
    name_errors = 0
    for part in parts:
        def say(para: int, severity: str, message: str, part=part) -> None:
            say_in(part, para, severity, message)

        find_hazards(part, say)
        tagged = [p for p in part.paragraphs if OPENER.search(p.text)]
        if not re.search(r"\{[{%#]", part.raw):
            # compile_template leaves such a part alone: its tags would print as typed.
            for para in tagged:
                say(para.number, "error", "this tag is split across runs so that docxtpl does not see it "
                    "at all (it would print as typed); delete it and type it again in one go")
            continue
        part.source = patch(marked(part.raw))
        part.lines = _line_marks(part.source)
        find_unmended(part, say)
        try:
            ast = env.parse(part.source)
        except jinja2.TemplateSyntaxError as exc:
            broken = True
            say(part.para_of_line(exc.lineno), "error", f"Jinja syntax error: {exc.message}")
            continue
        names = Names(kind, part, say, globals_)
        names.block(ast.body, names.top.child())
        name_errors += names.errors
        printed.extend((part.name, p, s, n) for p, s, n in names.printed)
        try:
            env.from_string(part.source)  # unknown filters and tests show only when compiling
        except jinja2.TemplateSyntaxError as exc:
            broken = True
            say(part.para_of_line(exc.lineno), "error", f"Jinja error: {exc.message}")
    if coverage and not broken:
        check_coverage(path, kind, parts, printed, name_errors > 0, say_in)
    order = {p.label: i for i, p in enumerate(parts)}
    return sorted(findings, key=lambda f: (order.get(f.message.split(" ", 1)[0], 0), f.line or 0))


def _line_marks(source: str) -> list[int]:
    out, current = [], 1
    for line in source.split("\n"):
        m = MARK.match(line)
        if m:
            current = int(m.group(1))
        out.append(current)
    return out
