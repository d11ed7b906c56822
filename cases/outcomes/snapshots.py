"""Snapshots of the figures: computed off the request path, read by every page.

:func:`refresh` (run by :func:`cases.tasks.refresh_outcome_figures`) reads the cohort and stores
a :class:`~cases.models.FigureSnapshot`; pages read the newest one and ask for a refresh when
clinical records are newer than it.
"""

import datetime
import functools
from decimal import Decimal

from django.conf import settings
from django.db import router, transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cases.models import (
    AdverseEvent,
    CandidacyDecision,
    Consult,
    FigureResult,
    FigureSnapshot,
    FollowUp,
    MinimalImportantChange,
    Procedure,
)
from cases.outcomes import cohort
from cases.outcomes.cells import Results, buckets, compute, compute_from
from cases.outcomes.protection import (
    article_years,
    editor_periods,
    period_label,
    protect,
    technique_filters,
)
from cases.outcomes.specs import SPECS
from education import page_cache


def active_thresholds():
    """The active MIC set chosen by ``settings.OUTCOME_MIC_SET``, keyed by measure.

    Returns ``{"nrs_back": MinimalImportantChange, "nrs_leg": …, "odi": …}`` (one query). Each
    threshold has ``points``, ``relative_percent`` (or None), ``citation``, ``version`` and
    ``is_reached(baseline, value)``. A measure missing from the set is missing from the dict.
    """
    return MinimalImportantChange.objects.active().by_measure()


def _context(as_of, thresholds):
    return {"as_of": as_of, "thresholds": thresholds}


def refresh(today=None):
    """Read the cohort and store a new :class:`FigureSnapshot`; returns it."""
    started_at = timezone.now()
    as_of = today or timezone.localdate()
    thresholds = active_thresholds()
    context = _context(as_of, thresholds)
    rows = cohort.build(as_of)
    # Each row is read once, into buckets by technique, surgeon and quarter; every filter's
    # figures are then made by merging buckets.
    by_bucket = buckets(rows, context, by=(_surgeon, _quarter))
    combinations = _clinical_combinations(by_bucket)
    periods = editor_periods(rows, as_of)
    rows_json = [row.to_json() for row in rows]  # for a period no combination answers
    del rows
    editor = {}
    for period in periods:
        chosen = [bucket for key, bucket in by_bucket.items() if key[2] in period.quarters]
        for technique_key, _, techniques in technique_filters():
            editor[period.key, technique_key] = compute_from(chosen, techniques)
    ended = set().union(*(period.quarters for period in periods))
    protect(editor, periods, {key: b for key, b in by_bucket.items() if key[2] in ended})
    # Articles speak of MISS over their whole years: that protected column, every figure.
    article = {key: editor["articles", ""]["cells"][key]["miss"] for key in SPECS}
    first, last = article_years(as_of)
    with transaction.atomic():
        snapshot = FigureSnapshot.objects.create(
            started_at=started_at,
            as_of=as_of,
            mic_set=settings.OUTCOME_MIC_SET,
            rows=rows_json,
            clinical=compute_from(by_bucket.values()),
            editor={
                "periods": [[p.key, p.label] for p in periods],
                "results": {f"{p}|{t}": data for (p, t), data in editor.items()},
            },
            article={"cells": article, "years": [first, last]},
            thresholds=[_threshold_json(threshold) for threshold in thresholds.values()],
        )
        # Derived rows of derived data, written together (bulk: they have no history to keep).
        FigureResult.objects.bulk_create(
            FigureResult(snapshot=snapshot, key=key, data=data)
            for key, data in combinations.items()
        )
        # Snapshots are derived data, rebuilt at will: keep the last few.
        stale = FigureSnapshot.objects.order_by("-pk").values_list("pk", flat=True)[3:]
        FigureSnapshot.objects.filter(pk__in=list(stale)).delete()
        # Public articles show these figures: their stored pages are now out of date.
        transaction.on_commit(page_cache.invalidate)
    return snapshot


def _surgeon(row):
    return row.surgeon


def _quarter(row):
    return row.quarter


def _clinical_combinations(by_bucket):
    """``{"surgeon|technique|year": figures}`` for every combination of one surgeon (or all),
    one technique filter (or all) and one calendar year (or all) that has procedures — all
    three "all" aside, which is the snapshot's own ``clinical``. ``by_bucket`` is keyed
    ``(technique, surgeon, quarter)``."""
    groups = {}
    for (_, surgeon, quarter), bucket in by_bucket.items():
        for surgeon_key in ("", str(surgeon)):
            for year in ("", quarter[:4]):
                groups.setdefault((surgeon_key, year), []).append(bucket)
    found = {}
    for (surgeon, year), chosen in groups.items():
        for technique_key, _, techniques in technique_filters():
            if not (surgeon or year or technique_key):
                continue
            if any(bucket.technique in techniques for bucket in chosen):
                found[f"{surgeon}|{technique_key}|{year}"] = compute_from(chosen, techniques)
    return found


def _threshold_json(threshold):
    return {
        "set_key": threshold.set_key,
        "measure": threshold.measure,
        "points": str(threshold.points),
        "relative_percent": threshold.relative_percent,
        "citation": threshold.citation,
        "version": threshold.version,
    }


def _thresholds_of(snapshot):
    """The snapshot's thresholds as (unsaved) model instances, keyed by measure: the figures
    are always shown with the thresholds they were computed with."""
    return {
        data["measure"]: MinimalImportantChange(**{**data, "points": Decimal(data["points"])})
        for data in snapshot["thresholds"]
    }


CLINICAL_MODELS = (Consult, CandidacyDecision, Procedure, AdverseEvent, FollowUp)


SNAPSHOT_COLUMNS = ("started_at", "as_of", "mic_set", "created_at", "thresholds")
CHANGES = tuple(f"changed_{model._meta.model_name}" for model in CLINICAL_MODELS)


@functools.cache
def _latest_snapshot_sql(alias, fields):
    # Every page with figures runs this query, and building it with the ORM (five subqueries)
    # costs several times what running it does: it is compiled once per database and field list.
    changes = {
        name: Subquery(
            model.history.model.objects.order_by("-history_date").values("history_date")[:1]
        )
        for name, model in zip(CHANGES, CLINICAL_MODELS, strict=True)
    }
    query = (
        FigureSnapshot.objects.using(alias)
        .order_by("-pk")
        .only(*SNAPSHOT_COLUMNS, *fields)
        .annotate(**changes)[:1]
    ).query
    return query.get_compiler(alias).as_sql()


def _aware(value):
    """A subquery's datetime as the database returns it (SQLite: UTC text) made aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


def _latest_snapshot(fields):
    """The newest snapshot's ``fields`` with the newest clinical change, in one query."""
    alias = router.db_for_read(FigureSnapshot)
    sql, params = _latest_snapshot_sql(alias, tuple(fields))
    found = next(iter(FigureSnapshot.objects.db_manager(alias).raw(sql, params)), None)
    if found is None:
        return None
    return {
        "pk": found.pk,
        **{name: getattr(found, name) for name in (*SNAPSHOT_COLUMNS, *fields)},
        **{name: _aware(getattr(found, name)) for name in CHANGES},
    }


def _is_current(snapshot):
    if snapshot["as_of"] != timezone.localdate() or snapshot["mic_set"] != settings.OUTCOME_MIC_SET:
        return False
    changed = [value for key, value in snapshot.items() if key.startswith("changed_") and value]
    return not changed or max(changed) <= snapshot["started_at"]


def current_snapshot(*fields):
    """The newest snapshot (a dict with ``fields``) and whether it is being updated.

    A snapshot older than the newest clinical change (or than today) is still served — the
    numbers of the last computation, consistent everywhere — while a refresh is requested. With
    no snapshot at all, or where tasks run at once (the immediate backend), the refresh has run
    by the time this returns.
    """
    from cases.tasks import request_refresh_from_page

    snapshot = _latest_snapshot(fields)
    if snapshot is not None and _is_current(snapshot):
        return snapshot, False
    request_refresh_from_page(
        None if snapshot is None else f"{snapshot['pk']}-{snapshot['started_at'].timestamp()}"
    )
    fresh = _latest_snapshot(fields)
    if fresh is None:
        return None, True
    return fresh, not _is_current(fresh)


def _rows_of(snapshot_pk):
    """The snapshot's cohort rows (read for a filter no combination answers)."""
    rows = FigureSnapshot.objects.filter(pk=snapshot_pk).values_list("rows", flat=True).first()
    return [cohort.Row.from_json(row) for row in rows or []]


def _combination_key(period_start, period_end, technique, specialist):
    """The :class:`FigureResult` key answering the filter, or None for a period that is not
    one whole calendar year."""
    year = ""
    if period_start or period_end:
        if not (period_start and period_end and period_start.year == period_end.year):
            return None
        whole = datetime.date(period_start.year, 1, 1), datetime.date(period_start.year, 12, 31)
        if (period_start, period_end) != whole:
            return None
        year = str(period_start.year)
    return f"{specialist.pk if specialist else ''}|{technique or ''}|{year}"


def clinical_results(*, period_start=None, period_end=None, technique=None, specialist=None):
    """The clinical team's figures (unsuppressed) for any filter, from the newest snapshot.

    The unfiltered figures and every surgeon × technique × calendar-year combination were
    computed with the snapshot; only another period (not one whole year) is computed here, over
    the snapshot's rows in that period.
    """
    snapshot, updating = current_snapshot("clinical")
    if snapshot is None:
        return None
    as_of = snapshot["as_of"]
    thresholds = _thresholds_of(snapshot)
    techniques = dict((key, set_) for key, _, set_ in technique_filters())[technique or ""]
    key = _combination_key(period_start, period_end, technique, specialist)
    if key == "||":
        data = snapshot["clinical"]
    elif key is not None:
        found = FigureResult.objects.filter(snapshot_id=snapshot["pk"], key=key)
        data = found.values_list("data", flat=True).first()
        if data is None:  # no procedure in that combination
            data = compute([], _context(as_of, thresholds), techniques)
    else:
        rows = [
            row
            for row in _rows_of(snapshot["pk"])
            if (period_start is None or row.day >= period_start)
            and (period_end is None or row.day <= period_end)
            and (specialist is None or row.surgeon == specialist.pk)
        ]
        data = compute(rows, _context(as_of, thresholds), techniques)
    return Results(
        data,
        as_of,
        list(thresholds.values()),
        is_updating=updating,
        computed_at=snapshot["created_at"],
    )


def editor_choices():
    """The editors' period choices ``[(key, label)]`` from the newest snapshot."""
    snapshot, _ = current_snapshot("editor")
    if snapshot is None:
        return []
    # Labelled again from the keys: the stored labels are in the language of the refresh.
    as_of = snapshot["as_of"]
    return [(key, period_label(key, as_of)) for key, _label in snapshot["editor"]["periods"]]


def editor_results(*, period="articles", technique=""):
    """The editors' protected figures for one period and technique filter, or None."""
    snapshot, updating = current_snapshot("editor")
    if snapshot is None:
        return None
    data = snapshot["editor"]["results"].get(f"{period}|{technique or ''}")
    if data is None:
        return None
    return Results(
        data,
        snapshot["as_of"],
        list(_thresholds_of(snapshot).values()),
        suppressed_view=True,
        is_updating=updating,
        computed_at=snapshot["created_at"],
    )
