"""Time the outcome figures at scale, in a throwaway SQLite database (or DATABASE_URL).

    .venv/bin/python bench/outcome_figures.py [--procedures 10000] [--runs 5]

Builds the dataset of bench/dataset.py (every follow-up whose window has closed mostly answered
in its window), and times: the background refresh (cohort, the clinical team's figures, every
editor aggregate with its protection, the articles' figures); a dashboard read of a fresh
snapshot; a filtered read (one technique, one year); an editor's read; an article figure. Prints
medians in ms.
"""

import argparse
import datetime
import os
import resource
import statistics
import time

import dataset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    os.environ["DJANGO_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    dataset.scratch("bench-figures-")
    dataset.build(args.procedures)
    measure(args.runs)


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
    # The task worker's peak memory is the refresh's (ru_maxrss is in KiB on Linux).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"peak memory of this process: {peak} MB")
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
