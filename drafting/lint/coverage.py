"""Coverage: render the template with generated contexts that take every branch, and report
an optional field printed where a case may leave it out, a rendering that fails, and a
paragraph that comes out empty (a blank line in the letter)."""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

from lxml import etree

from .. import context_schema as cs
from ..context_schema import Node
from ..errors import MissingFieldError, TemplateError
from ..ooxml import open_docx_zip, w
from .parts import LEVEL, LINT_DATE, MAX_RETRIES, OPENER, TEMPLATED_PART, VISIBLE, Part


def _instrumented(path: Path, folder: Path) -> Path:
    """A copy of the template whose paragraphs carry ``drafting-p="N"``, to trace output back."""
    target = folder / path.name
    with open_docx_zip(path, what=path) as zf, zipfile.ZipFile(target, "w") as out:
        for info in zf.infolist():
            data = zf.read(info.filename)
            if TEMPLATED_PART.match(info.filename):
                numbers = iter(range(1, 1 << 30))
                # Counted like lxml's iter(w:p), so N is the paragraph number lint reports.
                data = re.sub(r"<w:p(?=[ >/])", lambda m, numbers=numbers: f'<w:p drafting-p="{next(numbers)}"',
                              data.decode("utf-8")).encode("utf-8")
            out.writestr(info, data)
    return target


def _empty_paragraphs(data: bytes, tagged: dict[str, set[int]]) -> list[tuple[str, int]]:
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name, numbers in tagged.items():
            if not numbers or name not in zf.namelist():
                continue
            root = etree.fromstring(zf.read(name))
            for p in root.iter(w("p")):
                mark = p.get("drafting-p")
                if mark is None or int(mark) not in numbers:
                    continue
                text = "".join(t.text or "" for t in p.iter(w("t")))
                if text.strip() or any(el.tag in VISIBLE for el in p.iter()):
                    continue
                if any(br.get(w("type")) == "page" for br in p.iter(w("br"))):
                    continue
                out.append((name, int(mark)))
    return out


def check_coverage(path: Path, kind: str, parts: list[Part], printed: list[tuple[str, str, str, int]],
              skip_undefined: bool, say_in) -> None:
    from ..docx_template import Properties, compile_template

    tagged = {p.name: {q.number for q in p.paragraphs if OPENER.search(q.text) and not LEVEL.match(q.text.strip())}
              for p in parts}
    labels = {p.name: p for p in parts}
    failures: dict[tuple, list[str]] = {}
    empties: dict[tuple[str, int], str] = {}
    with tempfile.TemporaryDirectory(prefix="drafting-check-") as tmp:
        try:
            template = compile_template(_instrumented(path, Path(tmp)))
        except TemplateError as exc:
            say_in(parts[0], 1, "error", exc.message)
            return
        props = Properties(title="drafting check", subject=kind, author="drafting check", letter_date=LINT_DATE)
        for variant in cs.coverage_variants(kind):
            # Each render stops at the first Missing field it prints; give that field and
            # render again, so one variant reports every unguarded field, not just the first.
            for _attempt in range(MAX_RETRIES):
                try:
                    data = template.render(cs.sample_context(kind, variant), props, locate=lambda _p: {})
                except MissingFieldError as exc:
                    failures.setdefault(("missing", exc.field), []).append(variant.description)
                    forced = _optional_prefixes(kind, cs.display(exc.field or ""))
                    if not forced or forced <= variant.present:
                        break
                    variant = replace(variant, present=variant.present | forced)
                    continue
                except TemplateError as exc:
                    if not (skip_undefined and exc.message.startswith("uses ")):
                        failures.setdefault(("template", exc.message), []).append(variant.description)
                    break
                for key in _empty_paragraphs(data, tagged):
                    empties.setdefault(key, variant.description)
                break
    for (what, detail), variants in failures.items():
        when = variants[0] + (f" (and in {len(variants) - 1} more generated context(s))" if len(variants) > 1 else "")
        if what == "missing":
            part, para, shown = _locate_print(detail, printed, parts)
            schema_path = cs.display(detail)
            node = _model_node(kind, schema_path)
            unless = ""
            if node is not None and node.when is not None:
                other = node.when.path[1:] if node.when.path.startswith("/") else \
                    cs._join(schema_path.rpartition(".")[0], node.when.path)
                unless = (f"; it is Missing unless {other} is "
                          f"{'not ' if node.when.negate else ''}{' or '.join(map(repr, node.when.values))}")
            say_in(part, para, "error", f"prints {shown}, which a case may leave out{unless} — it fails when "
                   f"{when}; print it only inside {{% if {shown} %}} … {{% endif %}}")
        else:
            say_in(parts[0], 1, "error", f"fails when {when}: {detail}")
    for (name, number), variant in sorted(empties.items()):
        say_in(labels[name], number, "warning", f"renders as an empty paragraph when {variant}: a blank line "
               "in the letter; put the condition in {%p if … %} … {%p endif %} paragraphs of their own")


def _optional_prefixes(kind: str, schema_path: str) -> frozenset[str]:
    """The optional or conditional fields on the way to ``schema_path`` (any may be the Missing one)."""
    nodes_ = dict(cs.walk(cs.schema(kind)))
    out = set()
    parts = schema_path.split(".")
    for i in range(1, len(parts) + 1):
        prefix = ".".join(parts[:i])
        node = nodes_.get(prefix)
        if node is not None and (node.optional or node.when is not None):
            out.add(prefix)
    return frozenset(out)


def _locate_print(field_path: str, printed, parts: list[Part]) -> tuple[Part, int, str]:
    target = cs.display(field_path)
    for candidate in [target] + [target.rsplit(".", k)[0] for k in range(1, target.count(".") + 1)]:
        for part_name, path, shown, para in printed:
            if path == candidate:
                part = next(p for p in parts if p.name == part_name)
                return part, para, shown + target[len(candidate):]
    return parts[0], 1, target


def _model_node(kind: str, schema_path: str) -> Node | None:
    for path, node in cs.walk(cs.schema(kind)):
        if path == schema_path:
            return node
    return None
