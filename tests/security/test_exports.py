"""CSV and Excel exports escape formula cells (OWASP, "CSV Injection").

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with a single quote in
CSV, and stored as text with Excel's quote prefix in a workbook; genuine numbers stay numbers. Each export
is checked with a formula in the free-text fields it carries (service, team, site and label names).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from placewell.ui import exports

FORMULA = '=HYPERLINK("http://x","y")'
ROOT = Path(__file__).resolve().parents[2]


def risky_cells(text: str) -> list[str]:
    """Cells of a CSV text a spreadsheet would run as a formula (the test's own reading of OWASP's list)."""
    found = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in {"=", "+", "-", "@", "\t", "\r"} and not re.fullmatch(
                r"[+-]?[\d.]+(e[+-]?\d+)?", cell
            ):
                found.append(cell)
    return found


def cells(text: str) -> set[str]:
    return {cell for row in csv.reader(io.StringIO(text)) for cell in row}


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        (FORMULA, "'" + FORMULA),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("North team", "North team"),
        ("", ""),
        ("-3", "-3"),
        ("+1.5e3", "+1.5e3"),
        ("-0.25", "-0.25"),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_escape_cell(raw: object, written: object) -> None:
    assert exports.escape_cell(raw) == written


def test_writer_and_dict_writer_escape_every_cell() -> None:
    out = io.StringIO()
    exports.writer(out).writerows([[FORMULA, -1, "-1"], ["@x", "ok", 3.5]])
    assert out.getvalue().splitlines() == ['"\'=HYPERLINK(""http://x"",""y"")",-1,-1', "'@x,ok,3.5"]
    out = io.StringIO()
    w = exports.dict_writer(out, fieldnames=["a", "b"], lineterminator="\n")
    w.writeheader()
    w.writerow({"a": "+1 formula", "b": 7})
    assert out.getvalue() == "a,b\n'+1 formula,7\n"


def test_escape_frame_keeps_numbers_numeric() -> None:
    frame = pd.DataFrame(
        {
            "name": pd.Series([FORMULA, "plain", None], dtype="string"),
            "free": [None, "@evil", "fine"],
            "score": pd.Series([-1, 2, None], dtype="Int64"),
            "ratio": [-0.5, 1.0, 2.0],
        }
    )
    text = exports.escape_frame(frame).to_csv(index=False, lineterminator="\n")
    assert text.splitlines() == [
        "name,free,score,ratio",
        '"\'=HYPERLINK(""http://x"",""y"")",,-1,-0.5',
        "plain,'@evil,2,1.0",
        ",fine,,2.0",
    ]
    assert frame.loc[0, "name"] == FORMULA  # the caller's frame is not changed


def test_workbook_cells_are_text_with_quote_prefix() -> None:
    from openpyxl import Workbook

    book = Workbook()
    exports.sheet_append(book.active, [FORMULA, 3, "-3", "@x"])
    out = io.BytesIO()
    book.save(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    formula, number, negative, at = sheet[1]
    assert (formula.value, formula.data_type, formula.quotePrefix) == (FORMULA, "s", True)
    assert (number.value, number.data_type) == (3, "n")
    assert negative.value == "-3" and not negative.quotePrefix
    assert (at.value, at.quotePrefix) == ("@x", True)


@pytest.fixture
def formula_names(world):  # type: ignore[no-untyped-def]
    """Service and team names an attacker with configuration rights could choose."""
    from placewell.accounts import services as acc

    acc.update_service(by=world.ada, service=world.service, changes={"name": FORMULA})
    # There is no rename action for teams; the name is set directly, as a configuration import would.
    world.north.name = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.north.save()
    world.south.name = "+South"
    world.south.save()
    return world


def test_research_extract_escapes_service_and_team_names(formula_names, cohort, research_key) -> None:  # type: ignore[no-untyped-def]
    from placewell.governance import extract

    result = extract.build_extract(None, research_key.encode())
    files = extract.files(result, ["csv"])
    text = files["research_extract.csv"].decode()
    assert "'" + FORMULA in cells(text)
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in cells(text)
    assert risky_cells(text) == []
    assert risky_cells(files["data_dictionary.csv"].decode()) == []


def test_archive_export_escapes_names(formula_names, cohort) -> None:  # type: ignore[no-untyped-def]
    from placewell.governance import archive

    files = archive.archive_files(archive.build_archive(None, k=1))
    text = files["archive.csv"].decode()
    assert risky_cells(text) == []
    assert risky_cells(files["data_dictionary.csv"].decode()) == []


def test_data_dictionary_escapes_labels() -> None:
    from placewell.governance.dictionary import STRING, Column, dictionary_csv

    text = dictionary_csv([Column("x", FORMULA, STRING, "-anything", "@source", "+derivation")])
    assert risky_cells(text) == []
    assert {"'" + FORMULA, "'-anything", "'@source", "'+derivation"} <= cells(text)


def test_mi_csv_downloads_escape_names(formula_names, client_as, cohort) -> None:  # type: ignore[no-untyped-def]
    from placewell.insight import dashboards

    client = client_as("mandy")
    for chart in dashboards.CHARTS:
        response = client.get(f"/insight/charts/{chart}.csv?by=team")
        assert response.status_code == 200, chart
        assert risky_cells(response.content.decode()) == [], chart
    evidence = client.get("/insight/evidence.csv")
    assert evidence.status_code == 200 and risky_cells(evidence.content.decode()) == []


def test_trial_balance_csv_escapes_site_names(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.trials import monitoring
    from placewell.trials.models import Site
    from tests.trials.helpers import make_trial

    trial = make_trial(world)
    Site.objects.filter(trial=trial, code="n").update(name=FORMULA)
    text = monitoring.balance_csv(trial)
    assert risky_cells(text) == []


def test_import_templates_escape_formula_guidance() -> None:
    from placewell.imports import templates_files
    from placewell.imports.kinds import SPECS

    base = next(iter(SPECS.values()))
    first = replace(base.columns[0], example=FORMULA, description="-1 means none", format="@date")
    spec = replace(base, columns=(first, *base.columns[1:]))
    text = templates_files.csv_template(spec).decode("utf-8-sig")
    book = load_workbook(io.BytesIO(templates_files.xlsx_template(spec)))
    assert risky_cells(text) == []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if exports.is_risky(cell.value):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)


# Every module that writes CSV or Excel does it through placewell.ui.exports. Reading files others write
# (imports/readers.py, analysis/linkage.py) is fine; the engine's allocation list is a canonical form for
# hashing an uploaded list, never opened in a spreadsheet.
WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|\.to_csv\(|Workbook\(")
ALLOWED = {
    "src/placewell/ui/exports.py",
    "src/placewell/engine/randomisation/allocation_list.py",
}


def test_every_writer_goes_through_the_helper() -> None:
    offenders = []
    for path in sorted((ROOT / "src" / "placewell").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in ALLOWED or "/migrations/" in name:
            continue
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if "Workbook(" in line and "exports.sheet_append(" in path.read_text("utf-8"):
                continue
            if WRITERS.search(line) and "escape_frame(" not in line and "def to_csv" not in line:
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_analysis_dataset_download_escapes_names(formula_names, cohort, research_key) -> None:  # type: ignore[no-untyped-def]
    from placewell.analysis.downloads import dataset_zip
    from placewell.trials.models import Site

    Site.objects.filter(trial=cohort.trial).update(name=FORMULA)
    named, _ds = dataset_zip(cohort.trial, by=formula_names.evan)
    text = named["analysis_dataset.csv"].decode()
    assert "'" + FORMULA in cells(text)  # the site is in the dataset, escaped
    assert risky_cells(text) == []
    assert risky_cells(named["data_dictionary.csv"].decode()) == []
