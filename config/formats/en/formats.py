"""How dates are shown to people in English: one shape on every page and in every email
(30 Nov 2026), unambiguous whatever the reader's habits. Machine columns of CSVs stay ISO.
Another language gets its own module beside this one (``config/formats/<language>/``)."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
