"""`drafting import`: a paralegal's spreadsheet becomes case files that read like hand-written
ones and say exactly what the sheet said; a bad sheet writes nothing and every error names
its sheet, cell and field."""

from __future__ import annotations

import datetime as dt
import textwrap
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from drafting.cli import app
from drafting.errors import CaseFileError
from drafting.importer import import_table, known_columns, table_rows
from drafting.loading import load_case
from drafting.render import Renderer
from helpers import EXAMPLES, fuzz, text_of

HEADER = ("matter.id,matter.jurisdiction,matter.stage,client.name,client.address,"
          "charges.0.offense,charges.0.counts,charges.1.statute,charges.1.title,advisory.state")
GOOD_ROWS = [
    '2026-0301,CA,charged,Ana Díaz & <Sons>,"12 Elm St\nApt 4\nSacramento, CA 95818",us-2252a-possession,2,,,',
    '2026-0302,TX,,"Bo ""B"" Li: #1",1 A St,,,Tex. Penal Code § 43.26,Possession of child pornography,TX',
]


def firm_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "firm.yaml").write_text((EXAMPLES / "firm.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def csv_file(folder: Path, rows: list[str], header: str = HEADER, name: str = "clients.csv") -> Path:
    firm_folder(folder)
    path = folder / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_each_row_becomes_a_case_file_that_says_what_the_sheet_said(tmp_path):
    table = csv_file(tmp_path, GOOD_ROWS)
    report = import_table(table, tmp_path / "cases")
    assert [p.name for p in report.written] == ["2026-0301.yaml", "2026-0302.yaml"]
    first = load_case(tmp_path / "cases" / "2026-0301.yaml").case
    assert first.client.name == "Ana Díaz & <Sons>"
    assert first.client.address == ["12 Elm St", "Apt 4", "Sacramento, CA 95818"]  # one line per cell line
    assert first.charges[0].offense == "us-2252a-possession" and first.charges[0].counts == 2
    assert len(first.charges) == 1  # the empty charges.1 cells are no charge at all
    assert first.advisory is None  # an empty cell is an absent field
    second = load_case(tmp_path / "cases" / "2026-0302.yaml").case
    assert second.client.name == 'Bo "B" Li: #1'
    assert second.matter.stage == "investigation"  # the default, as in a file that omits it
    assert second.charges[0].statute == "Tex. Penal Code § 43.26"
    # and the letter is written from it like from any case file
    docs = Renderer(draft=True).documents("advisory", tmp_path / "cases" / "2026-0301.yaml", out_dir=tmp_path / "out",
                                letter_date="2026-11-28")
    assert "Ana Díaz & <Sons>" in text_of(docs[0].data)


def test_the_written_file_reads_like_one_a_person_wrote(tmp_path):
    table = csv_file(tmp_path, GOOD_ROWS[:1])
    import_table(table, tmp_path / "cases")
    text = (tmp_path / "cases" / "2026-0301.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Imported by `drafting import` from clients.csv (row 2).")
    assert textwrap.dedent("""\
        matter:
          id: "2026-0301"
          jurisdiction: CA                # two-letter state code, or US for a federal matter
          stage: charged                  # investigation | charged | convicted
        client:
          name: Ana Díaz & <Sons>
          address:
            - 12 Elm St
            - Apt 4
            - Sacramento, CA 95818
        charges:
          - offense: us-2252a-possession  # an id from the offense library (`drafting kinds` lists them)
            counts: 2
        """) in text
    assert "no engagement: or preservation: section" in text


def test_every_error_of_the_table_at_once_with_sheet_cell_and_field_and_nothing_written(tmp_path):
    rows = [
        '2026-0301,CA,charged,Ana Díaz,"12 Elm St\nSacramento, CA 95818",us-2252a-possession,2,,,',
        '2026-0302,ZZ,charged,,1 A St,us-2252a-possession,two,,,',
        '2026-0303,CA,arrested,Cy Doe,1 B St,,,Cal. Penal Code § 311.11(a),,',
    ]
    header = HEADER.replace("client.address", "client.adress")
    table = csv_file(tmp_path, rows, header=header)
    result = run("import", str(table), "--out", str(tmp_path / "cases"))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    t = str(table)
    assert lines == [
        f"error: {t}:E1 client.adress: unknown field 'client.adress'; did you mean 'client.address'?",
        f"error: {t}:B3 matter.jurisdiction: unknown jurisdiction 'ZZ'; use a two-letter state code "
        "(CA, NY, TX, FL …) or US for a federal matter",
        f"error: {t}:D3 client.name: required field is missing",
        f"error: {t}:G3 charges.0.counts: expected a whole number, got 'two'",
        f"error: {t}:C4 matter.stage: input should be 'investigation', 'charged' or 'convicted', got 'arrested'",
        f"error: {t}:H4 charges.1: give offense (a library id), or both statute and title",
    ]
    assert not (tmp_path / "cases").exists()  # not even the folder


def test_a_typo_in_a_header_names_the_nearest_known_path(tmp_path):
    header = "Matter.ID,matter.jurisdiction,Client Name,client.address,charges.1.ofense,matter.atorney"
    table = csv_file(tmp_path, ["2026-0301,CA,Ana,1 A St,us-2252a-possession,mharper"], header=header)
    with pytest.raises(CaseFileError) as caught:
        import_table(table, tmp_path / "cases")
    text = str(caught.value)
    assert f"{table}:C1 Client Name: unknown field 'Client Name'; did you mean 'client.name'?" in text
    assert f"{table}:E1 charges.1.ofense: unknown field 'charges.1.ofense'; did you mean 'charges.1.offense'?" in text
    assert f"{table}:F1 matter.atorney: unknown field 'matter.atorney'; did you mean 'matter.attorney'?" in text
    assert "Matter.ID" not in text  # field names are not case-sensitive
    # the column the typo meant is not reported missing in every row on top of that
    assert "client.name: required field is missing" not in text


def test_bad_headers_are_named(tmp_path):
    header = "matter.id,matter.jurisdiction,client.name,client.address,charges.offense,client,matter.id,,zzz"
    table = csv_file(tmp_path, ["2026-0301,CA,Ana,1 A St,x,y,2026-0302,stray,"], header=header)
    with pytest.raises(CaseFileError) as caught:
        import_table(table, tmp_path / "cases")
    text = str(caught.value)
    assert f"{table}:E1 charges.offense: charges is a list: give the entry number, e.g. charges.0.offense" in text
    assert f"{table}:F1 client: names a section, not a field" in text
    assert f"{table}:G1 matter.id: the same field as column A" in text
    assert f"{table}:H1: this column has values but no header" in text
    assert f"{table}:I1 zzz: unknown field 'zzz'" in text


def test_rule_ids_are_checked_against_the_library_naming_the_cell(tmp_path):
    table = csv_file(tmp_path, ["2026-0301,CA,charged,Ana,1 A St,us-2252a-posession,,,,"])
    with pytest.raises(CaseFileError) as caught:
        import_table(table, tmp_path / "cases")
    assert str(caught.value).startswith(f"{table}:F2 charges.0.offense: unknown offense 'us-2252a-posession'")


def test_files_are_not_overwritten_without_force(tmp_path):
    table = csv_file(tmp_path, GOOD_ROWS)
    import_table(table, tmp_path / "cases")
    edited = tmp_path / "cases" / "2026-0301.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Ana Díaz", "Ana M. Díaz"), encoding="utf-8")
    result = run("import", str(table), "--out", str(tmp_path / "cases"))
    assert result.exit_code == 1
    assert f"{table}:A2 matter.id: {edited} already exists; not overwritten (use --force to replace it)" in result.output
    assert "Ana M. Díaz" in edited.read_text(encoding="utf-8")
    result = run("import", str(table), "--out", str(tmp_path / "cases"), "--force")
    assert result.exit_code == 0, result.output
    assert "Ana M. Díaz" not in edited.read_text(encoding="utf-8")
    assert oct(edited.stat().st_mode & 0o777) == "0o600"


def test_two_rows_with_one_matter_id_name_both_rows(tmp_path):
    table = csv_file(tmp_path, [GOOD_ROWS[0], GOOD_ROWS[0].replace("Ana", "Eve")])
    with pytest.raises(CaseFileError) as caught:
        import_table(table, tmp_path / "cases")
    assert str(caught.value) == (f"{table}:A3 matter.id: the same matter id as {table} row 2 "
                                 "(both would be 2026-0301.yaml); give each case its own matter id")
    assert not (tmp_path / "cases").exists()


def test_a_csv_from_a_european_excel_with_semicolons(tmp_path):
    table = csv_file(tmp_path, ['2026-0301;CA;;Ana;"1 A St\r\nSacramento, CA";;;;;'],
                     header=HEADER.replace(",", ";"))
    import_table(table, tmp_path / "cases")
    assert load_case(tmp_path / "cases" / "2026-0301.yaml").case.client.address == ["1 A St", "Sacramento, CA"]


def test_a_csv_that_is_not_utf8_says_how_to_save_it(tmp_path):
    firm_folder(tmp_path)
    table = tmp_path / "clients.csv"
    table.write_bytes((HEADER + "\n2026-0301,CA,,Ana D\xedaz,1 A St,,,,,\n").encode("cp1252"))
    with pytest.raises(CaseFileError) as caught:
        import_table(table, tmp_path / "cases")
    assert str(caught.value).startswith(f"{table}:2: is not UTF-8 text; in Excel save it as \"CSV UTF-8")


def test_columns_lists_every_path():
    result = run("import", "--columns")
    assert result.exit_code == 0
    for path in ("matter.id", "client.address", "charges.#.offense", "preservation.#.recipient.name",
                 "preservation.#.period.from", "engagement.fee.type"):
        assert path in result.output.splitlines()
    assert set(known_columns()) >= {"advisory.state", "preservation.#.observations.#.ip"}


# ---------------------------------------------------------------- xlsx


def xlsx_file(folder: Path, rows: list[list], header: list[str], *, name="clients.xlsx", title="Clients") -> Path:
    import openpyxl

    firm_folder(folder)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = folder / name
    book.save(path)
    return path


XLSX_HEADER = ["matter.id", "matter.jurisdiction", "client.name", "client.address", "charges.0.offense",
               "charges.0.counts", "engagement.fee.type", "engagement.fee.amount", "date",
               "preservation.0.recipient.name", "preservation.0.recipient.kind", "preservation.0.recipient.address",
               "preservation.0.period.from", "preservation.0.period.to"]


def test_an_xlsx_with_numbers_dates_and_multi_line_cells(tmp_path):
    rows = [[20260301, "ca", "Ana Díaz", "12 Elm St\nSacramento, CA 95818", "us-2252a-possession", 2, "flat",
             25000.0, dt.datetime(2026, 11, 28), "Sierra Cable, LLC", "isp", "1 Cable Way\nMount Laurel, NJ 08054",
             dt.datetime(2026, 8, 1), dt.date(2026, 10, 31)],
            [None] * 14,  # a blank row in the middle is not a case
            ["2026-0302", "TX", "Bo Li", "1 A St", None, None, "hourly", None, None, None, None, None, None, None]]
    table = xlsx_file(tmp_path, rows, XLSX_HEADER)
    with pytest.raises(CaseFileError) as caught:
        import_table(table, tmp_path / "cases")
    # the sheet's name and the cell: an hourly fee needs its rate (row 4, the blank row 3 counted)
    assert str(caught.value).startswith(f"{table}:Clients!G4 engagement.fee: an hourly fee needs rate and retainer")
    rows.pop()
    table = xlsx_file(tmp_path, rows, XLSX_HEADER)
    import_table(table, tmp_path / "cases")
    text = (tmp_path / "cases" / "20260301.yaml").read_text(encoding="utf-8")
    assert 'id: "20260301"' in text and "amount: 25000\n" in text and "date: 2026-11-28\n" in text
    case = load_case(tmp_path / "cases" / "20260301.yaml").case
    assert case.engagement.fee.amount == 25000 and case.date == dt.date(2026, 11, 28)
    assert case.preservation[0].recipient.address == ["1 Cable Way", "Mount Laurel, NJ 08054"]
    assert case.preservation[0].period.start == dt.date(2026, 8, 1)


def test_an_xlsx_formula_is_refused_not_evaluated(tmp_path):
    rows = [["2026-0301", "CA", "=CONCAT(\"A\",\"na\")", "1 A St", None, None, None, None, None,
             None, None, None, None, None]]
    table = xlsx_file(tmp_path, rows, XLSX_HEADER)
    with pytest.raises(CaseFileError) as caught:
        import_table(table, tmp_path / "cases")
    assert str(caught.value).startswith(f"{table}:Clients!C2: holds a formula; drafting does not evaluate formulas")


def test_an_xlsx_other_sheet_and_a_missing_one(tmp_path):
    import openpyxl

    table = xlsx_file(tmp_path, [["2026-0301", "CA", "Ana", "1 A St"] + [None] * 10], XLSX_HEADER)
    book = openpyxl.load_workbook(table)
    notes = book.create_sheet("Notes", 0)  # a notes sheet first: --sheet picks the clients
    notes.append(["call Ana on Monday"])
    book.save(table)
    import_table(table, tmp_path / "cases", sheet="Clients")
    assert (tmp_path / "cases" / "2026-0301.yaml").exists()
    with pytest.raises(CaseFileError, match="has no sheet 'Clientz'; its sheets: Notes, Clients"):
        import_table(table, tmp_path / "cases2", sheet="Clientz")


def test_an_xlsx_that_is_not_a_workbook_or_is_a_bomb_is_refused(tmp_path):
    firm_folder(tmp_path)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("matter.id\n2026-0301\n")
    with pytest.raises(CaseFileError, match=r"fake.xlsx: not an .xlsx file \(an .xlsx is a zip\)"):
        import_table(fake, tmp_path / "cases")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    with pytest.raises(CaseFileError, match="compressed more than 200:1"):
        import_table(bomb, tmp_path / "cases")
    entity = tmp_path / "entity.xlsx"
    with zipfile.ZipFile(entity, "w") as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(CaseFileError, match="declares a DOCTYPE or entities; refused"):
        import_table(entity, tmp_path / "cases")


# ---------------------------------------------------------------- nothing lost

_text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
                min_size=1, max_size=40).filter(lambda s: s.strip() and s == s.strip() and _visible(s))


def _visible(text: str) -> bool:
    """Required text needs a character one can see (an invisible name is refused)."""
    import unicodedata

    return any(unicodedata.category(c)[0] in "LNPS" and unicodedata.category(c) != "Cf"
               and c not in "\u115f\u1160\u3164\uffa0\u2800" for c in text)


@settings(max_examples=fuzz(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_text, line=_text)
def test_any_text_in_a_cell_reaches_the_case_file_verbatim(tmp_path_factory, name, line):
    import csv

    folder = firm_folder(tmp_path_factory.mktemp("any"))
    table = folder / "clients.csv"
    with open(table, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["matter.id", "matter.jurisdiction", "client.name", "client.address"])
        writer.writerow(["2026-0301", "CA", name, f"{line}\nSacramento, CA"])
    import_table(table, folder / "cases")
    case = load_case(folder / "cases" / "2026-0301.yaml").case
    assert case.client.name == name
    assert case.client.address == [line, "Sacramento, CA"]


def test_rows_for_batch_carry_their_cells(tmp_path):
    table = csv_file(tmp_path, GOOD_ROWS)
    rows = table_rows(table)
    assert [r.label for r in rows] == [f"{table} row 2", f"{table} row 3"]
    assert rows[0].load().where("client", "name")["file"] == f"{table}:D2"


# ---------------------------------------------------------------- batch KIND TABLE


def test_batch_reads_the_table_directly_and_fails_by_row(tmp_path):
    rows = GOOD_ROWS + ["2026-0303,CA,charged,Cy,1 B St,us-2252a-posession,,,,", "2026-0304,CA,,,1 B St,,,,,"]
    table = csv_file(tmp_path, rows)
    result = run("batch", "advisory", str(table), "--out", str(tmp_path / "out"), "--date", "2026-11-28", "--draft",
                 "--jobs", "2")
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "out").glob("*.docx")) == ["2026-0301-advisory.docx",
                                                                         "2026-0302-advisory.docx"]
    assert f"{table}:F4  charges.0.offense  unknown offense 'us-2252a-posession'" in result.output
    assert f"{table}:D5  client.name        required field is missing" in result.output
    import json

    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [c["case"] for c in manifest["cases"]] == [f"{table} row {n}" for n in (2, 3, 4, 5)]
    assert [c["status"] for c in manifest["cases"]] == ["written", "written", "failed", "failed"]
    assert all(c["case_sha256"] for c in manifest["cases"])


def test_batching_a_table_gives_the_letters_its_imported_case_files_give(tmp_path):
    table = csv_file(tmp_path, GOOD_ROWS)
    import_table(table, tmp_path / "cases")
    firm_folder(tmp_path / "cases")
    from drafting.batch import run_batch

    for jobs in (1, 2):
        run_batch("advisory", [table], out_dir=tmp_path / f"from-table-{jobs}", jobs=jobs, letter_date="2026-11-28",
                  draft=True)
    run_batch("advisory", [tmp_path / "cases"], out_dir=tmp_path / "from-yaml", jobs=1, letter_date="2026-11-28",
              draft=True)
    names = sorted(p.name for p in (tmp_path / "from-yaml").glob("*.docx"))
    assert names == ["2026-0301-advisory.docx", "2026-0302-advisory.docx"]
    for name in names:
        expected = (tmp_path / "from-yaml" / name).read_bytes()
        assert (tmp_path / "from-table-1" / name).read_bytes() == expected
        assert (tmp_path / "from-table-2" / name).read_bytes() == expected


def test_batch_of_a_table_with_a_bad_header_writes_nothing(tmp_path):
    table = csv_file(tmp_path, GOOD_ROWS, header=HEADER.replace("client.name", "client.nmae"))
    result = run("batch", "advisory", str(table), "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert f"error: {table}:D1 client.nmae: unknown field 'client.nmae'; did you mean 'client.name'?" in result.output
    assert not (tmp_path / "out").exists()


def test_a_long_import_reports_its_progress(tmp_path):
    rows = [f'2026-{i:04d},CA,,Client {i},"{i} Elm St\nSacramento, CA",,,,,' for i in range(1, 121)]
    table = csv_file(tmp_path, rows)
    seen: list[tuple[str, int, int]] = []
    import_table(table, tmp_path / "cases", on_progress=lambda *event: seen.append(event))
    checking = [e for e in seen if e[0] == "checking"]
    writing = [e for e in seen if e[0] == "writing"]
    assert [e[1] for e in checking] == list(range(1, 121)) and {e[2] for e in checking} == {120}
    assert [e[1] for e in writing] == list(range(1, 121))
    assert len(list((tmp_path / "cases").glob("*.yaml"))) == 120
