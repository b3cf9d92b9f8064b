"""docs/JURISDICTIONS.md is generated from the rule data (`make docs`): it must not go stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_jurisdictions_doc_is_up_to_date():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_jurisdictions.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_jurisdictions_doc_has_a_row_per_jurisdiction():
    text = (ROOT / "docs" / "JURISDICTIONS.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith(("| code", "| ---"))]
    assert len(rows) == 52  # 50 states, DC and the federal baseline
    assert any(row.startswith("| NY | New York |") for row in rows)
