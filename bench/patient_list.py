"""Time the specialist's patient list at scale, in a throwaway SQLite database.

    .venv/bin/python bench/patient_list.py [--procedures 10000] [--runs 7]

Builds the dataset of bench/dataset.py (N operated patients and three in ten as many others, with
their records), then times the list page through Django's test client: first page, a deep page,
a name search and each filter. Set DATABASE_URL to time PostgreSQL instead (the database is used
as is, so use a scratch one).
"""

import argparse
import os
import statistics
import time

import dataset


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    dataset.scratch("bench-cases-")
    dataset.build(args.procedures)
    measure(args.runs)


def measure(runs):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from clinic.models import Patient, User

    setup_test_environment()  # so that responses carry their template context

    # Page 400 is the page after the 9,975th patient (keyset pagination: no OFFSET), or the
    # last page of a smaller list.
    order = ("family_name", "given_name", "id")
    deep = list(Patient.objects.order_by(*order).values_list("pk", flat=True)[: 399 * 25])[-1]
    client = Client()
    client.force_login(User.objects.get(username=dataset.SPECIALIST))
    cases = {
        "first page": "",
        "page 400": f"?after={deep}",
        "search 'Garcia'": "?q=Garcia",
        "search MRN": "?q=BN0001234",
        "decision = MISS": "?outcome=miss",
        "no decision yet": "?outcome=none",
        "technique open": "?technique=open",
        "follow-up overdue": "?follow_up=overdue",
        "follow-up due": "?follow_up=due",
    }
    print(f"{'patient list':<22} {'median ms':>10} {'max ms':>8} {'queries':>8} {'rows':>7}")
    for label, query in cases.items():
        url = "/cases/patients/" + query
        client.get(url)  # warm up
        timings = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        count = response.context["page"].count
        print(
            f"{label:<22} {statistics.median(timings):>10.1f} {max(timings):>8.1f} "
            f"{len(queries):>8} {count:>7}"
        )


if __name__ == "__main__":
    main()
