"""The context model (drafting/context_schema.py) is in step with the builders and with
docs/CONTEXT.md: every name a real context has is in the model, every required name of
the model is in every real context, and every name the documentation lists is modelled."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drafting import context_schema as cs
from drafting.environment import Missing, Record
from drafting.kinds import KINDS
from drafting.loading import load_case
from drafting.render import Renderer

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "examples" / "cases").glob("*.yaml"))


def _contexts():
    for case in CASES:
        loaded = load_case(case)
        for kind in KINDS.values():
            if all(getattr(loaded.case, section) is not None for section in kind.sections):
                yield pytest.param(case, kind.name, id=f"{case.stem}-{kind.name}")


@pytest.mark.parametrize("case,kind", list(_contexts()))
def test_real_contexts_match_the_model(case, kind):
    _, letters = Renderer(draft=True).letters(kind, case)
    assert letters
    for stem, letter in letters:
        assert cs.conformance(kind, letter.context) == [], stem


def test_the_examples_exercise_the_model():
    """Every optional field and both sides of every bool appear in some example, so the
    test above really compares each name with the builders' output."""
    seen: dict[str, set] = {}

    def walk(node: cs.Node, value, path: str) -> None:
        seen.setdefault(path, set()).add("missing" if isinstance(value, Missing) else "given")
        if isinstance(value, Missing):
            return
        if node.type == "record":
            for name, child in node.fields.items():
                walk(child, value.fields()[name], cs._join(path, name))
        elif node.type == "list":
            for item in value:
                walk(node.item, item, f"{path}[]")
        elif node.type == "bool":
            seen[path].add(value)

    for param in _contexts():
        case, kind = param.values
        for _, letter in Renderer(draft=True).letters(kind, case)[1]:
            walk(cs.schema(kind), Record("", letter.context), "")
    given = {p for p, s in seen.items() if "given" in s}
    missing = {p for p, s in seen.items() if "missing" in s}
    for path in ("matter.court", "matter.case_number", "client.email", "attorney.phone",
                 "engagement.costs_deposit", "engagement.fee.amount", "engagement.fee.rate",
                 "request.account", "request.recipient.email", "request.observations[].port",
                 "charges[].offense_id", "charges[].grade", "sections[].lead", "sections[].paragraphs[].citation",
                 "sections[].paragraphs[].review"):
        assert path in given and path in missing, f"no example case both gives and leaves out {path}"
    assert {True, False} <= seen["matter.is_federal"]
    assert {True, False} <= seen["advisory.show_federal"]


def test_departures_from_the_model_are_reported():
    context = cs.sample_context("engagement")
    matter = context["matter"].fields()
    matter["courtt"] = "typo"
    matter["stage"] = "sentencing"
    matter["id"] = Missing("matter.id")
    context["matter"] = Record("matter", matter)
    del context["charges_heading"]
    fee = context["engagement"].fee.fields()
    fee["rate"] = 450  # a flat fee has no rate
    eng = context["engagement"].fields()
    eng["fee"] = Record("engagement.fee", fee)
    context["engagement"] = Record("engagement", eng)
    problems = cs.conformance("engagement", context)
    assert "matter.courtt: in the context but not in the model" in problems
    assert "matter.stage: 'sentencing' is not one of 'investigation', 'charged', 'convicted'" in problems
    assert "matter.id: Missing, but the model says it is required" in problems
    assert "charges_heading: in the model but not in the context" in problems
    assert any(p.startswith("engagement.fee.rate: present, but the model says it is Missing unless type")
               for p in problems)
    assert "engagement.fee.rate: 450 is not an amount of money" in problems


def _documented(section: str) -> set[str]:
    text = (ROOT / "docs" / "CONTEXT.md").read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1].split("```", 2)[1]
    aliases = {"charge": "charges[]", "obs": "request.observations[]", "item": "request.items[]"}
    names = set()
    for line in body.splitlines():
        column = re.split(r"\s{2,}", line.strip(), maxsplit=1)[0]  # the names, before the description
        for token in re.findall(r"(?<![\w.])([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)*)", column):
            root, _, rest = token.partition(".")
            if root in aliases:
                token = aliases[root] + ("." + rest if rest else "")
            names.add(token)
    return names


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_documented_name_is_modelled(kind):
    modelled = {path for path, _ in cs.walk(cs.schema(kind))}
    documented = _documented("Every kind") | _documented(f"`{kind}`")
    documented = {n for n in documented if n.split(".")[0].split("[")[0] in cs.schema(kind).fields}
    assert len(documented) > 20
    assert sorted(documented - modelled) == []


@pytest.mark.parametrize("kind", list(KINDS))
def test_generated_contexts_are_valid_and_bounded(kind):
    variants = cs.coverage_variants(kind)
    assert 10 < len(variants) < 60
    descriptions = [v.description for v in variants]
    assert len(set(descriptions)) == len(descriptions)
    for variant in variants:
        assert cs.conformance(kind, cs.sample_context(kind, variant)) == [], variant.description


def test_generated_contexts_cover_branches_and_loop_lengths():
    by_name = {v.description: v for v in cs.coverage_variants("engagement")}
    base = cs.sample_context("engagement")
    assert len(base["charges"]) == 3 and base["matter"].court
    assert base["engagement"].fee.type == "flat" and isinstance(base["engagement"].fee.rate, Missing)
    hourly = cs.sample_context("engagement", by_name["engagement.fee.type is 'hourly'"])
    assert hourly["engagement"].fee.rate and isinstance(hourly["engagement"].fee.amount, Missing)
    bare = cs.sample_context("engagement", by_name["every optional field is Missing"])
    assert isinstance(bare["matter"].court, Missing) and bare["client"].name  # required stays
    assert cs.sample_context("engagement", by_name["charges is empty"])["charges"] == []
    assert len(cs.sample_context("engagement", by_name["charges has one item"])["charges"]) == 1
    assert "client.address is empty" not in by_name  # a client always has an address
    free = cs.sample_context("engagement", by_name["charges[].known is false"])
    assert isinstance(free["charges"][0].offense_id, Missing)
    federal = cs.sample_context("advisory", next(v for v in cs.coverage_variants("advisory")
                                                 if v.description == "advisory.state is 'US'"))
    assert federal["advisory"].state == "US" and federal["sections"]


def test_context_doc_is_generated_from_the_models():
    """docs/CONTEXT.md is `make docs` output: a name added to a kind's schema and not
    regenerated fails here."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_context.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_context_doc_says_what_each_documented_name_means():
    text = (ROOT / "docs" / "CONTEXT.md").read_text(encoding="utf-8")
    assert 'request.respond_by           date  moved to the next business day' in text
    assert "charges[*] additionally carry:" in text.split("## `advisory`")[1]
    for kind in KINDS:
        assert f"## `{kind}`" in text


def test_a_stale_context_doc_is_detected(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_context", ROOT / "tools" / "build_context.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    stale = tmp_path / "CONTEXT.md"
    stale.write_text(tool.render().replace("request.respond_by_moved", "request.moved"), encoding="utf-8")
    monkeypatch.setattr(tool, "OUT", stale)
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    assert tool.main(["--check"]) == 1
    assert tool.main([]) == 0 and tool.main(["--check"]) == 0
