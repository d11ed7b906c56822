"""Time the outcome figures at scale, in a throwaway SQLite database (or DATABASE_URL).

    .venv/bin/python bench/outcome_figures.py [--patients 20000] [--runs 5]

Builds patients as bench/patient_list.py does (two in five operated, five follow-ups each), then
completes every follow-up whose window has closed (in its window, with values), and times:
the background refresh (cohort, the clinical team's figures, every editor aggregate with its
protection, the articles' figures); a dashboard read of a fresh snapshot; a filtered read (one
technique, one year); an editor's read; an article figure. Prints medians in ms.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-figures-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_DEBUG"] = "true"
    os.environ["DJANGO_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

    import django

    django.setup()
    import patient_list
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    patient_list.build(args.patients)
    complete_follow_ups()
    measure(args.runs)


def complete_follow_ups():
    """Answer every follow-up whose window has closed, at its target day (bulk: throwaway data)."""
    from django.db import connection
    from django.utils import timezone

    today = timezone.localdate()
    # Back to daily activities 0–9 days after the operation: before any assessment, as the
    # record rules require. Date arithmetic is spelt per database.
    if connection.vendor == "sqlite":
        returned = "date(anchor_date, '+' || (id %% 10) || ' days')"
    else:
        returned = "anchor_date + (id %% 10)"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_followup SET completed_at = %s, assessed_on = due_date,"
            " nrs_back = 2 + id %% 3, nrs_leg = 1 + id %% 4, odi_score = 10 + id %% 30,"
            f" satisfaction = 1 + id %% 4, returned_to_daily_activities_on = {returned}"
            " WHERE window_closes < %s",
            [timezone.now(), today],
        )
    print(f"completed follow-ups: {cursor.rowcount}")


def timed(label, runs, function):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{label:<46} {statistics.median(times):9.1f} ms")
    return result


def measure(runs):
    from django.utils import timezone

    from cases import outcomes
    from cases.models import Procedure

    print(f"procedures: {Procedure.objects.count()}")
    snapshot = timed("refresh (background task)", runs, outcomes.refresh)
    print(f"snapshot editor aggregates: {len(snapshot.editor['results'])}")
    timed("dashboard, no filter (snapshot read)", runs, outcomes.clinical_results)
    year = timezone.localdate().year - 1
    timed(
        "dashboard, tubular in one year (computed)",
        runs,
        lambda: outcomes.clinical_results(
            technique="tubular",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
        ),
    )
    timed("editors' view, one period", runs, lambda: outcomes.editor_results(period="all"))
    timed("article figure", runs, lambda: outcomes.article_figure("same_day_discharge"))


if __name__ == "__main__":
    main()
