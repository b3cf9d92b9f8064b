"""Shared test set-up: golden documents and a stable terminal.

Helpers are plain functions so other test modules (and later fixtures) can reuse them;
fixtures stay thin.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import settings
from lxml import etree

TESTS = Path(__file__).parent
GOLDEN_DIR = TESTS / "golden"
ACTUAL_DIR = TESTS / "_actual"
MAX_XML_DIFF_LINES = 60


# Hypothesis profiles: `make test` runs "default"; `pytest --hypothesis-profile=thorough`
# tries ten times as many inputs, `quick` a tenth (with `-m "not slow"`, a fast loop while
# editing). Each property test scales its own count by the profile (helpers.fuzz).
settings.register_profile("quick", max_examples=10)
settings.register_profile("thorough", max_examples=1000)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: a test that takes seconds (thousands of rows, LibreOffice); "
                                       "deselect with -m 'not slow'")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="(re)write tests/golden/*.docx from the documents the tests produce",
    )


@pytest.fixture(autouse=True)
def stable_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixed width, no colours: CLI output compares the same on every machine."""
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")


@pytest.fixture(autouse=True, scope="session")
def private_template_cache(tmp_path_factory: pytest.TempPathFactory):
    """Tests never read or write the user's compiled-template cache."""
    import os

    folder = tmp_path_factory.mktemp("template-cache")
    os.chmod(folder, 0o700)
    old = os.environ.get("DRAFTING_CACHE_DIR")
    os.environ["DRAFTING_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("DRAFTING_CACHE_DIR", None)
    else:
        os.environ["DRAFTING_CACHE_DIR"] = old


# ---------------------------------------------------------------- golden documents


def _docx_bytes(actual: bytes | Path) -> bytes:
    return actual if isinstance(actual, bytes) else Path(actual).read_bytes()


def _golden_name(name: str) -> str:
    # Names become file names under tests/golden; keep them inside it.
    parts = Path(name).parts
    if not name or Path(name).is_absolute() or ".." in parts:
        raise ValueError(f"golden name must be a relative name like 'engagement-basic', not {name!r}")
    return name.removesuffix(".docx")


def _xml_diffs(actual: dict[str, bytes], expected: dict[str, bytes], limit: int) -> list[str]:
    """Indented, line-by-line diff of the canonical XML of parts present in both."""
    out: list[str] = []
    for name in sorted(set(actual) & set(expected)):
        if actual[name] == expected[name] or not name.endswith((".xml", ".rels")):
            continue

        def pretty(data: bytes) -> list[str]:
            root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
            return etree.tostring(root, pretty_print=True, encoding="unicode").splitlines()

        out.extend(difflib.unified_diff(pretty(expected[name]), pretty(actual[name]),
                                        f"golden/{name}", f"actual/{name}", n=1, lineterm=""))
        if len(out) > limit:
            return out[:limit] + ["… (XML diff truncated)"]
    return out


def check_golden(
    name: str,
    actual: bytes | Path,
    *,
    update: bool,
    golden_dir: Path = GOLDEN_DIR,
    actual_dir: Path = ACTUAL_DIR,
) -> None:
    """Compare a produced .docx with ``golden_dir/<name>.docx`` part by part; fail readably.

    With ``update`` the golden file is (re)written instead. On a mismatch the actual file
    is saved to ``actual_dir/<name>.docx`` for inspection in Word.
    """
    from drafting.docxdiff import canonical_parts, compare_parts, diff_documents

    stem = _golden_name(name)
    golden_path = golden_dir / f"{stem}.docx"
    actual_path = actual_dir / f"{stem}.docx"
    data = _docx_bytes(actual)
    if update:
        golden_path.parent.mkdir(parents=True, exist_ok=True)
        golden_path.write_bytes(data)
        actual_path.unlink(missing_ok=True)
        return
    if not golden_path.exists():
        pytest.fail(
            f"golden document {golden_path} does not exist; "
            f"run `pytest --update-golden` to create it, then review it and commit it",
            pytrace=False,
        )
    actual_parts = canonical_parts(data)
    expected_parts = canonical_parts(golden_path)
    differing = compare_parts(actual_parts, expected_parts)
    if not differing:
        actual_path.unlink(missing_ok=True)  # a stale copy from an earlier failure would mislead
        return
    actual_path.parent.mkdir(parents=True, exist_ok=True)
    actual_path.write_bytes(data)
    text_diff = diff_documents(golden_path, data, a_label="golden", b_label="actual")
    message = [
        f"document differs from golden {golden_path}",
        f"actual saved to {actual_path}",
        "parts that differ:",
        *(f"  {part}" for part in differing),
        "",
    ]
    if text_diff:
        message += ["text (golden -> actual):", *text_diff]
    else:
        message += ["the text reads the same; the XML differs:",
                    *_xml_diffs(actual_parts, expected_parts, MAX_XML_DIFF_LINES)]
    message += ["", "if the change is intended, run `pytest --update-golden` and review the result"]
    pytest.fail("\n".join(message), pytrace=False)


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """``golden(name, actual)``: assert a produced .docx matches ``tests/golden/<name>.docx``."""
    update = bool(request.config.getoption("--update-golden"))

    def check(name: str, actual: bytes | Path) -> None:
        check_golden(name, actual, update=update)

    return check


# ---------------------------------------------------------------- building small documents


def build_docx(path: Path, build) -> Path:
    """Save a python-docx ``Document`` that ``build(document)`` filled in, at ``path``."""
    import docx

    document = docx.Document()
    build(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


@pytest.fixture
def make_docx(tmp_path: Path):
    """``make_docx(name, build)`` -> path of ``tmp_path/<name>.docx`` built by ``build(document)``."""

    def make(name: str, build) -> Path:
        return build_docx(tmp_path / f"{name}.docx", build)

    return make
