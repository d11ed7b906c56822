"""CSV downloads that are safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice; text anyone can type (a username at the login form, a note) must not
be. Such text gets a leading apostrophe, which spreadsheets show as plain text. Numbers, negative
ones included, are left as they are.
"""

import csv

from django.http import StreamingHttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return f"'{value}"
    return value


class _Line:
    """A file-like object whose ``write`` hands the line back, for streaming."""

    def write(self, line):
        return line


def writer(stream):
    """Like :func:`csv.writer`, with every cell made safe for a spreadsheet."""
    return _SafeWriter(stream)


class _SafeWriter:
    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])


def csv_download(filename, rows):
    """A CSV download named ``filename`` streaming ``rows`` (the header first), every cell made
    safe for a spreadsheet. Rows are written as they are read, so a long export never sits in
    memory. The middleware marks every attachment ``no-store``; the caller audits the export."""
    line = writer(_Line())
    return StreamingHttpResponse(
        (line.writerow(row) for row in rows),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
