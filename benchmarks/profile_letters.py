"""Where a letter's time goes, in one process: the advisory context alone, then the whole
document, over N generated cases (the same cases as bench.py), and a cProfile of the context.

    .venv/bin/python benchmarks/profile_letters.py [--n 400] [--top 25]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import LETTER_DATE, make_cases  # noqa: E402

from drafting.render import Renderer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cases = make_cases(Path(tmp) / "cases", args.n)
        out = Path(tmp) / "out"
        out.mkdir()
        renderer = Renderer(draft=True)
        for case in cases[:20]:  # templates compiled, rule files read
            renderer.documents("advisory", case, out_dir=out, letter_date=LETTER_DATE)
        start = time.perf_counter()
        for case in cases:
            renderer.letters("advisory", case, letter_date=LETTER_DATE)
        context_ms = (time.perf_counter() - start) / len(cases) * 1000
        start = time.perf_counter()
        for case in cases:
            renderer.documents("advisory", case, out_dir=out, letter_date=LETTER_DATE)
        document_ms = (time.perf_counter() - start) / len(cases) * 1000
        print(f"{args.n} advisories: context {context_ms:.2f} ms a letter, whole document {document_ms:.2f} ms")
        profile = cProfile.Profile()
        profile.enable()
        for case in cases:
            renderer.letters("advisory", case, letter_date=LETTER_DATE)
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
