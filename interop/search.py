"""Search parameters and keyset pages over the sources of interop.resources.

A page marker (``_page``) names a source and the last row of it already served: the next page
starts right after it, in the order of SOURCES and then of primary keys, so a late page costs
what the first does (one query per source at most) and no row is served twice or skipped. The
seek itself is the portal's keyset paging (clinic.paging), here in primary-key order only.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import timezone

from clinic.paging import marker_pk, seek
from interop.resources import SOURCES


class SearchError(ValueError):
    """A search parameter the API does not understand: 400 with an OperationOutcome."""


# Parameters of every search; each type adds its own (CapabilityStatement lists them all).
COMMON_PARAMETERS = {
    "_count": "number",
    "_lastUpdated": "date",
    "_page": "string",
    "_format": "token",
}
CLINICAL_PARAMETERS = {"patient": "reference", "date": "date"}
TYPE_PARAMETERS = {
    "Patient": {},
    "Condition": {**CLINICAL_PARAMETERS, "recorded-date": "date"},
    "Procedure": CLINICAL_PARAMETERS,
    "Observation": CLINICAL_PARAMETERS,
    "QuestionnaireResponse": {**CLINICAL_PARAMETERS, "authored": "date"},
    "AdverseEvent": CLINICAL_PARAMETERS,
}
DATE_ALIASES = {"recorded-date", "authored"}
JSON_FORMATS = {"json", "application/json", "application/fhir+json"}

_DATE = re.compile(
    r"^(?P<prefix>eq|lt|le|gt|ge)?(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(T(?P<time>\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


@dataclass(frozen=True)
class DateRange:
    """A date search value: ``prefix`` and the interval [start, end) it names."""

    prefix: str
    start: datetime.datetime
    end: datetime.datetime

    def lookups(self, name, *, is_date):
        """Django filter kwargs for field ``name`` (a DateField when ``is_date``)."""
        start, end = self.start, self.end
        if is_date:
            start = timezone.localtime(start).date()
            last = timezone.localtime(end - datetime.timedelta(microseconds=1)).date()
            end = last + datetime.timedelta(days=1)
        return {
            "eq": {f"{name}__gte": start, f"{name}__lt": end},
            "lt": {f"{name}__lt": start},
            "le": {f"{name}__lt": end},
            "gt": {f"{name}__gte": end},
            "ge": {f"{name}__gte": start},
        }[self.prefix]


def parse_date(name, value):
    match = _DATE.match(value)
    if not match:
        raise SearchError(
            f"{name}: {value!r} is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime, "
            "optionally prefixed with eq, lt, le, gt or ge)."
        )
    parts = match.groupdict()
    try:
        year, month, day = int(parts["year"]), int(parts["month"] or 1), int(parts["day"] or 1)
        start_day = datetime.date(year, month, day)
        if parts["time"]:
            zone = (parts["zone"] or "").replace("Z", "+00:00")
            moment = datetime.datetime.fromisoformat(f"{start_day}T{parts['time']}{zone}")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            start = moment
            end = moment + datetime.timedelta(seconds=1)
        else:
            if parts["day"]:
                end_day = start_day + datetime.timedelta(days=1)
            elif parts["month"]:
                end_day = (start_day + datetime.timedelta(days=32)).replace(day=1)
            else:
                end_day = start_day.replace(year=year + 1)
            start = timezone.make_aware(datetime.datetime.combine(start_day, datetime.time()))
            end = timezone.make_aware(datetime.datetime.combine(end_day, datetime.time()))
    except (ValueError, OverflowError):
        raise SearchError(f"{name}: {value!r} is not a valid date.") from None
    return DateRange(parts["prefix"] or "eq", start, end)


def parse_reference(value, resource_type="Patient"):
    text = value.removeprefix(f"{resource_type}/")
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 18):
        raise SearchError(f"patient: {value!r} is not a Patient id (e.g. 12 or Patient/12).")
    return int(text)


@dataclass
class Search:
    """What a search asks for, parsed and checked."""

    resource_types: list
    count: int
    patient: int | None = None
    dates: list = field(default_factory=list)
    last_updated: list = field(default_factory=list)
    since: datetime.datetime | None = None
    after: tuple | None = None  # (source key, pk)
    parameters: list = field(default_factory=list)  # (name, value) as given, for links

    def sources(self):
        return [s for s in SOURCES if s.resource_type in self.resource_types]

    def filtered(self, source):
        rows = source.rows()
        if self.patient is not None:
            rows = rows.filter(**{source.patient_field: self.patient})
        model = rows.model
        for value in self.dates:
            name = source.date_field
            is_date = not isinstance(model._meta.get_field(name), models.DateTimeField)
            rows = rows.filter(**value.lookups(name, is_date=is_date))
        for value in self.last_updated:
            rows = rows.filter(**value.lookups("last_updated", is_date=False))
        if self.since is not None:
            rows = rows.filter(last_updated__gt=self.since)
        return rows


def parse_count(value):
    if (
        not (value.isascii() and value.isdigit())
        or not 0 < int(value) <= settings.FHIR_MAX_PAGE_SIZE
    ):
        raise SearchError(f"_count: give a whole number from 1 to {settings.FHIR_MAX_PAGE_SIZE}.")
    return int(value)


def parse_marker(value, sources):
    key, _, pk = value.rpartition(".")
    pk = marker_pk(pk)
    if key not in {source.key for source in sources} or pk is None:
        raise SearchError("_page: not a page marker of this search; follow the Bundle's links.")
    return key, pk


def parse_search(query, resource_types, *, allowed):
    """Check the query parameters of a search of ``resource_types`` (``allowed``: the
    parameters it takes besides the common ones): a Search, or SearchError."""
    search = Search(resource_types=list(resource_types), count=settings.FHIR_PAGE_SIZE)
    known = {**COMMON_PARAMETERS, **allowed}
    for name in query:
        if name not in known:
            raise SearchError(
                f"Unknown search parameter {name!r}. Supported: {', '.join(sorted(known))}."
            )
    for name, values in query.lists():
        if name in ("_count", "_page", "patient", "_format") and len(values) > 1:
            raise SearchError(f"{name}: give it once.")
        for value in values:
            if name != "_page":
                search.parameters.append((name, value))
            if name == "_count":
                search.count = parse_count(value)
            elif name == "_format" and value not in JSON_FORMATS:
                raise SearchError("_format: only JSON (application/fhir+json) is served.")
            elif name == "patient":
                search.patient = parse_reference(value)
            elif name == "date" or name in DATE_ALIASES:
                search.dates.append(parse_date(name, value))
            elif name == "_lastUpdated":
                search.last_updated.append(parse_date(name, value))
    if "_page" in query:
        search.after = parse_marker(query["_page"], search.sources())
    return search


# Within a source, rows are served (and exported) in primary-key order.
ORDER = ("pk",)


def page(search):
    """The page of resources a search marks: ([(source, row)], next marker or None).

    At most one query per source, whatever the page and however many rows there are.
    """
    sources = search.sources()
    start = 0
    if search.after:
        start = next(i for i, s in enumerate(sources) if s.key == search.after[0])
    found = []
    for index, source in enumerate(sources[start:]):
        rows = search.filtered(source).order_by(*ORDER)
        if index == 0 and search.after:
            rows = seek(rows, ORDER, search.after[1])
        wanted = search.count + 1 - len(found)
        found.extend((source, row) for row in rows[:wanted])
        if len(found) > search.count:
            break
    more = len(found) > search.count
    found = found[: search.count]
    marker = f"{found[-1][0].key}.{found[-1][1].pk}" if more else None
    return found, marker


def source_rows(search, source, *, until=None):
    """Every row of one source a search (an export) selects, in order, read in chunks; with
    ``until``, only rows last updated by then (an export's transactionTime is an upper bound)."""
    rows = search.filtered(source)
    if until is not None:
        rows = rows.filter(last_updated__lte=until)
    return rows.order_by(*ORDER).iterator(chunk_size=500)
