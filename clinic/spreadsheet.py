"""CSV downloads that are safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula
by Excel and LibreOffice; text anyone can type (a username at the login form, a note) must not
be. Such text gets a leading apostrophe, which spreadsheets show as plain text. Numbers, negative
ones included, are left as they are.
"""

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return f"'{value}"
    return value


class _SafeWriter:
    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])


def writer(stream):
    """Like :func:`csv.writer`, with every cell made safe for a spreadsheet."""
    return _SafeWriter(stream)


def csv_response(filename):
    """An empty CSV download named ``filename``, to write rows into with :func:`writer`."""
    from django.http import HttpResponse

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
