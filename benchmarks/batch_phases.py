"""Where a `drafting batch` run's wall time goes: a timeline of its phases, in the parent.

    .venv/bin/python benchmarks/batch_phases.py [--n 400] [--jobs 2] [--repeat 3]

Generates N fictional advisory cases (the same as bench.py), then runs the batch in this
process, timing: Python start to the CLI imported; the command's own imports and set-up
(up to the warm-up before forking); the warm-up (firm, every rule file, the compiled
template); the pool naming every document; the first case written; all cases written;
the manifest. Also the CPU of this process and of its workers (``getrusage``). The
timeline wraps the batch's own functions, so it measures the code as it is, nothing else.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

START = time.perf_counter()
from bench import LETTER_DATE, make_cases  # noqa: E402

import drafting.batch as batch  # noqa: E402
import drafting.batch_pool as pool  # noqa: E402
from drafting.cli import app  # noqa: E402

MARKS: list[tuple[str, float]] = [("CLI imported", time.perf_counter())]


def _mark(name: str) -> None:
    MARKS.append((name, time.perf_counter()))


def _around(module, name: str, label: str) -> None:
    func = getattr(module, name)

    def wrapper(*args, **kwargs):
        _mark(f"{label} starts")
        try:
            return func(*args, **kwargs)
        finally:
            _mark(f"{label} ends")

    setattr(module, name, wrapper)


def _instrument() -> None:
    _around(pool, "_warm_up", "warm-up")
    _around(batch, "write_manifest", "manifest")
    clashes, done = pool._clashes, batch._Tracker.done
    first = [True]

    def named(names):
        _mark("every document named")
        return clashes(names)

    def finished(self, outcome):
        if first[0]:
            first[0] = False
            _mark("first case written")
        return done(self, outcome)

    pool._clashes = named
    batch._Tracker.done = finished


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    _instrument()
    with tempfile.TemporaryDirectory() as tmp:
        cases = Path(tmp) / "cases"
        make_cases(cases, args.n)
        out = Path(tmp) / "out"
        shutil.rmtree(out, ignore_errors=True)
        _mark("cases generated (not counted below)")
        begin = time.perf_counter()
        sys.argv = ["drafting", "batch", "advisory", str(cases), "--out", str(out), "--jobs", str(args.jobs),
                    "--draft", "--date", LETTER_DATE]
        try:
            app(standalone_mode=False)
        except SystemExit:
            pass
        _mark("batch returns")
    previous = begin
    print(f"{args.n} advisories, --jobs {args.jobs}  (Python start to CLI imported: "
          f"{(MARKS[0][1] - START) * 1000:.0f} ms, not counting the interpreter itself)")
    for name, at in MARKS:
        if at < begin:
            continue
        print(f"{(at - begin) * 1000:8.0f} ms  (+{(at - previous) * 1000:6.0f})  {name}")
        previous = at
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"CPU: this process {me.ru_utime + me.ru_stime:.2f} s (includes generating the cases), "
          f"workers {kids.ru_utime + kids.ru_stime:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
