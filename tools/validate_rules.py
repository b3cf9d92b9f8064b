"""Validate registration rule files against the record format (docs/RULES.md).

    python tools/validate_rules.py drafting/data/registration/oh.yaml ...

Prints every problem as ``file:line:col field: message`` and a per-file count of facts by
basis; exits 1 if any file has a problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drafting.errors import DraftingError  # noqa: E402
from drafting.rule_models import REQUIRED_FACTS, Absent, Jurisdiction  # noqa: E402
from drafting.rule_reading import read, validate  # noqa: E402


def check(path: Path) -> bool:
    try:
        located = read(path)
        rec: Jurisdiction = validate(Jurisdiction, located.data, located, ())
    except DraftingError as exc:
        print(exc.render())
        return False
    facts = [getattr(rec.facts, n) for n in REQUIRED_FACTS] + list(rec.levels)
    missing = sum(isinstance(f, Absent) for f in facts)
    statute = sum(getattr(f, "basis", None) == "statute" for f in facts)
    print(f"{path}: ok — {len(facts)} required facts and levels: {statute} statute, "
          f"{len(facts) - statute - missing} secondary, {missing} missing; {len(rec.offenses)} offenses")
    return True


def main(argv: list[str]) -> int:
    ok = [check(Path(p)) for p in argv]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
