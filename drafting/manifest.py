"""``<out>/manifest.json``: the record of what a batch produced from what — for every case
its status, its outputs with their SHA-256, the error where it failed; the template,
firm profile and package version. Written owner-only and whole, like a document."""

from __future__ import annotations

import json
from pathlib import Path

from . import __version__
from .batch_worker import sha256_file
from .output import write_atomic


def write_manifest(*, kind: str, path: Path, outcomes: list, letter_date=None) -> Path:
    """``path`` (``<out>/manifest.json``, and ``manifest-<kind>.json`` beside it): what each
    case (``batch_worker.CaseOutcome``) produced, from which inputs; owner-only."""
    hashes: dict[str, str | None] = {}

    def described(path: str | None) -> dict | None:
        if path is None:
            return None
        if path not in hashes:
            try:
                hashes[path] = sha256_file(Path(path))
            except OSError:
                hashes[path] = None
        return {"path": path, "sha256": hashes[path]}

    first = next((o for o in outcomes if o.template), None)
    template = described(first.template) if first else None
    firm = described(first.firm) if first else None
    cases = []
    for o in outcomes:
        entry = {
            "case": o.case,
            "case_sha256": o.case_sha256,
            "status": o.status,
            # read back from disk: the hash is always that of the file at that path
            "outputs": [described(p) for p in o.outputs],
            "error": o.error,
        }
        if o.note:
            entry["note"] = o.note
        if o.removed:  # PDFs of documents this run replaced: they would have said something else
            entry["removed"] = o.removed
        # A batch normally uses one firm profile and one template; a case that used
        # others says which.
        if o.template and first and o.template != first.template:
            entry["template"] = described(o.template)
        if o.firm and first and o.firm != first.firm:
            entry["firm"] = described(o.firm)
        cases.append(entry)
    manifest = {
        "version": __version__,
        "kind": kind,
        "letter_date": letter_date.isoformat() if hasattr(letter_date, "isoformat") else letter_date,
        "template": template,
        "firm": firm,
        "cases": cases,
    }
    data = _manifest_json(manifest).encode("utf-8")
    # manifest.json is the last batch's; manifest-<kind>.json keeps each kind's, so a
    # batch of another kind into the same --out does not lose the first one's record
    write_atomic(path.with_name(f"manifest-{kind}.json"), data, force=True)
    write_atomic(path, data, force=True)
    return path


def _manifest_json(manifest: dict) -> str:
    """Indented JSON with one line per case: as easy to read and diff, and written by the C
    encoder (``indent`` alone would send the whole manifest through the Python one)."""
    cases = manifest["cases"]
    head = json.dumps({**manifest, "cases": None}, indent=2, sort_keys=True, ensure_ascii=False)
    lines = [json.dumps(c, sort_keys=True, ensure_ascii=False) for c in cases]
    body = "[\n" + ",\n".join("    " + line for line in lines) + "\n  ]" if lines else "[]"
    return head.replace('"cases": null', '"cases": ' + body, 1) + "\n"
