import csv
import io

import pytest

from clinic import spreadsheet


@pytest.mark.parametrize(
    "value, safe",
    [
        ("=1+1", "'=1+1"),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("-3.5", "-3.5"),  # a number stays a number
        ("-7", "-7"),
        (-7, -7),
        ("O'Brien", "O'Brien"),
        ("", ""),
        (None, None),
    ],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(value, safe):
    assert spreadsheet.safe_cell(value) == safe


def test_the_writer_makes_every_cell_safe():
    out = io.StringIO()
    spreadsheet.writer(out).writerow(["=cmd", 12, "-1"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=cmd", "12", "-1"]


def test_a_download_streams_safe_rows_under_its_filename():
    response = spreadsheet.csv_download("figures.csv", [["name", "value"], ["=cmd", 12]])
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="figures.csv"'
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows == [["name", "value"], ["'=cmd", "12"]]
