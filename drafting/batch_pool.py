"""Running a batch's cases: in this process (``--jobs 1``), or in a pool of forked workers
that first name every case's documents (so two cases that would write one name both fail
before either writes) and then render them in small chunks."""

from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Iterator

from .batch_worker import (
    FAILED,
    CaseOutcome,
    Settings,
    died,
    error_record,
    init_worker,
    name_cases,
    name_chunk,
    run_cases,
    run_chunk,
)
from .errors import DraftingError, NameClashError


def _run_in_process(cases, settings_args, jobs, stop, tracker) -> Iterator[CaseOutcome]:
    settings = Settings(**settings_args, stop=stop)
    tracker.start()
    items = [(index, _case_item(case)) for index, case in enumerate(cases)]
    clashed = _clashes(name_cases(settings, items))
    yield from clashed.values()
    yield from run_cases(settings, [item for item in items if item[0] not in clashed])


def _clashes(names: list[tuple[int, list[str], dict | None]]) -> dict[int, CaseOutcome]:
    """Cases of this run that would write a document another case of it writes too: each
    fails naming the other, and neither writes anything (``--force`` or not)."""
    first: dict[str, tuple[int, str]] = {}
    where_of = {index: where for index, _, where in names}
    out: dict[int, CaseOutcome] = {}
    for index, paths, where in sorted(names):
        for path in paths:
            if path not in first:
                first[path] = (index, where["file"] if where else "")
                continue
            other, other_file = first[path]
            if other == index:
                continue
            for mine, theirs_file in ((index, other_file), (other, where["file"])):
                if mine in out:
                    continue
                error = NameClashError(document=path, other=str(theirs_file), field="matter.id",
                                       **{k: v for k, v in (where_of[mine] or {}).items() if k != "field"})
                out[mine] = CaseOutcome(index=mine, case=str(where_of[mine]["file"]), status=FAILED,
                                        error=error_record(error))
    return out


def _run_in_pool(cases, settings_args, jobs, stop, tracker) -> Iterator[CaseOutcome]:
    import multiprocessing

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else multiprocessing.get_context()
    event = ctx.Event()
    stop.events.append(event)
    settings = Settings(**settings_args, stop=event)
    _warm_up(settings, cases)
    retries: list[list[tuple[int, str]]] = []
    pending: dict[Future, tuple[list[tuple[int, str]], bool]] = {}
    window = jobs * 3

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=init_worker,
                                   initargs=(settings, os.getpid()))

    executor = new_pool()
    executor.submit(int).result()  # start the workers now, before any thread of the caller's
    try:
        tracker.start()
        # First every case's document names, so that two cases naming one document both
        # fail before either writes (a worker that dies here leaves its cases unnamed:
        # they are rendered, and fail, below).
        names, broken = [], False
        for future in [executor.submit(name_chunk, chunk) for chunk in _chunks(cases, jobs)]:
            try:
                names.extend(future.result())
            except BrokenProcessPool:
                broken = True
        if broken:
            executor.shutdown(wait=False, cancel_futures=True)
            executor = new_pool()
        clashed = _clashes(names)
        yield from clashed.values()
        chunks = _chunks(cases, jobs, skip=clashed)
        while True:
            while len(pending) < window and not stop.is_set():
                retry = bool(retries)
                chunk = retries.pop() if retries else next(chunks, None)
                if chunk is None:
                    break
                pending[executor.submit(run_chunk, chunk)] = (chunk, retry)
            if not pending:
                break
            done, _ = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                chunk, retry = pending.pop(future)
                try:
                    yield from future.result()
                except BrokenProcessPool:
                    broken = True
                    if retry:
                        yield from (died(index, case) for index, case in chunk)
                    else:
                        retries.extend([item] for item in chunk)
            if broken:
                # A worker died (killed, out of memory) and took the pool with it. The
                # cases in flight are tried again one by one in a fresh pool; a case
                # that breaks it a second time is a failure.
                for chunk, retry in pending.values():
                    if retry:
                        yield from (died(index, case) for index, case in chunk)
                    else:
                        retries.extend([item] for item in chunk)
                pending.clear()
                executor.shutdown(wait=False, cancel_futures=True)
                executor = new_pool()
        executor.shutdown(wait=True)
    except BaseException:
        _kill_workers(executor)
        raise


def _chunks(cases: list[Path], jobs: int, skip=()) -> Iterator[list[tuple[int, str]]]:
    """Small groups of cases per task: fewer round trips, still a smooth progress bar."""
    todo = [i for i in range(len(cases)) if i not in skip]
    size = max(1, min(8, len(todo) // (jobs * 16)))
    for start in range(0, len(todo), size):
        yield [(i, _case_item(cases[i])) for i in todo[start:start + size]]


def _case_item(case):
    """What a worker is sent for a case: a file's path, or a spreadsheet row itself (small)."""
    return case if hasattr(case, "load") else str(case)


def _warm_up(settings: Settings, cases: list[Path]) -> None:
    """Compile the template and load the firm and all the rules before forking, so every
    worker inherits them instead of reading its own. A failure here is left for the cases to report."""
    from .rules import load_rules

    renderer = settings.renderer
    try:
        first = getattr(cases[0], "path", cases[0])  # a spreadsheet row: the sheet's own path
        _, template = settings.template_for(first)
        firm = renderer.firm_for(first)
        load_rules(firm.folder(firm.firm.rules), attorneys=tuple(a.id for a in firm.firm.attorneys)).read_all()
        renderer.compiled(Path(template))
    except (DraftingError, OSError):
        pass


def _kill_workers(executor: ProcessPoolExecutor) -> None:
    import multiprocessing

    processes = multiprocessing.active_children()  # the pool's workers (and nothing else we start)
    for proc in processes:
        if proc.is_alive():
            proc.terminate()
    executor.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        proc.join(timeout=5)
