"""Write docs/JURISDICTIONS.md from the registration rule data (``make docs``).

One row per jurisdiction: its scheme, durations, verification, the deadlines to register
and to report changes, how many of its facts rest on the statute, and whether an
advisory for a resident renders client-ready. A test fails when the file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafting.advice import residence_gaps  # noqa: E402
from drafting.rule_models import REQUIRED_FACTS, Absent, Fact  # noqa: E402
from drafting.rules import load_rules  # noqa: E402

OUT = ROOT / "docs" / "JURISDICTIONS.md"
SCHEMES = {"tier": "tiers by offense", "level": "risk levels", "offense": "by offense, no tiers",
           "single": "one period for all"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _short(fact, limit: int = 90) -> str:
    if isinstance(fact, Absent) or fact is None:
        return "— (not in the data)"
    text = fact.text if len(fact.text) <= limit else fact.text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return text + ("" if fact.basis == "statute" else " *(secondary)*")


def render() -> str:
    book = load_rules()
    lines = [
        "# Jurisdictions",
        "",
        "Generated from `drafting/data/registration/*.yaml` by `make docs` (`tools/build_jurisdictions.py`);",
        "do not edit by hand. *Statute facts* counts the required facts and level rows read in the",
        "statute itself (`basis: statute`); only those go into a client-ready letter. A jurisdiction whose",
        "advisories are drafts renders with `--draft`; `drafting check --gaps` lists what a firm must confirm.",
        "",
        "| code | jurisdiction | scheme | durations | verification | first registration | changes "
        "| statute facts | client-ready |",
        "| --- | --- | --- | --- | --- | --- | --- | ---: | --- |",
    ]
    ready_count = 0
    for code in sorted(book.registration, key=lambda c: (c != "US", c)):
        j = book.registration[code]
        facts = [getattr(j.facts, n) for n in REQUIRED_FACTS] + list(j.levels)
        statute = sum(isinstance(f, Fact | type(j.levels[0])) and getattr(f, "basis", "") == "statute"
                      for f in facts)
        durations = "; ".join(f"{lv.label}: {lv.duration}" for lv in j.levels)
        verification = "; ".join(dict.fromkeys(lv.verification for lv in j.levels))
        ready = not residence_gaps(book, code)
        ready_count += ready
        lines.append("| " + " | ".join(_cell(c) for c in (
            code, j.name, SCHEMES[j.scheme], durations, verification,
            _short(j.facts.initial_registration), _short(j.facts.change_reporting),
            f"{statute}/{len(facts)}", "yes" if ready else "draft")) + " |")
    lines += ["", f"{ready_count} of {len(book.registration)} render client-ready.", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run `make docs`")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
