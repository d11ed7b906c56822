"""Time the specialist's patient list at scale, in a throwaway SQLite database.

    .venv/bin/python bench/patient_list.py [--patients 20000] [--runs 7]

Builds N patients (three in four with a consult and a decision, two in five operated, each
operation with its five follow-ups), then times the list page through Django's test client:
first page, a deep page, a name search and each filter. Data is bulk-inserted because this
database is thrown away; the derived values are still computed by the models' own methods.
Set DATABASE_URL to time PostgreSQL instead (the database is used as is, so use a scratch one).
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-cases-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ["DJANGO_DEBUG"] = "true"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    build(args.patients)
    measure(args.runs)


def build(n):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from cases.models import CandidacyDecision, Consult, FollowUp, Procedure, Timepoint
    from clinic import roles
    from clinic.models import Patient, User

    started = time.perf_counter()
    specialist, _ = User.objects.get_or_create(username="bench-specialist", is_staff=True)
    specialist.groups.add(Group.objects.get(name=roles.SPECIALISTS))
    today = timezone.localdate()
    family = ["Garcia", "Smith", "Muller", "Rossi", "Dubois", "Kowalski", "Nielsen", "Silva"]
    given = ["Ana", "Ben", "Carla", "David", "Eva", "Farid", "Grace", "Hugo", "Ines", "Jon"]
    Patient.objects.bulk_create(
        [
            Patient(
                mrn=f"B{i:07d}",
                given_name=given[i % len(given)],
                family_name=f"{family[i % len(family)]}{i % 997}",
                date_of_birth=datetime.date(1940 + i % 60, 1 + i % 12, 1 + i % 28),
                primary_specialist=specialist,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    patients = list(Patient.objects.order_by("id"))
    consults = []
    for i, patient in enumerate(patients):
        if i % 4 == 3:
            continue
        consults.append(
            Consult(
                patient=patient,
                specialist=specialist,
                recorded_by=specialist,
                consult_date=today - datetime.timedelta(days=30 + i % 700),
                dominant_pain="leg",
                side="left",
                symptom_duration_weeks=10,
                level="L4-L5",
                morphology="extrusion",
                zone="subarticular",
                imaging_concordant=True,
                conservative_care_weeks=8,
                asa_class=1,
                smoking="never",
                work_status="working",
                nrs_back=3,
                nrs_leg=7,
            )  # fmt: skip
        )
    Consult.objects.bulk_create(consults, batch_size=2000)
    consults = list(Consult.objects.order_by("id"))
    outcomes = ["miss", "miss", "open", "conservative", "workup", "refer"]
    decisions = []
    for i, consult in enumerate(consults):
        decision = CandidacyDecision(
            consult=consult, patient_id=consult.patient_id, outcome=outcomes[i % len(outcomes)],
            severity_assessment="favours", health_assessment="favours",
            symptoms_assessment="favours", rationale="Bench.", decided_by=specialist,
            recorded_by=specialist, decided_on=consult.consult_date,
            decided_at=timezone.make_aware(
                datetime.datetime.combine(consult.consult_date, datetime.time(12))
            ),
        )  # fmt: skip
        decision.criteria = consult.candidacy_criteria()
        decisions.append(decision)
    CandidacyDecision.objects.bulk_create(decisions, batch_size=2000)
    procedures = []
    for decision in CandidacyDecision.objects.filter(outcome__in=["miss", "open"]):
        day = decision.decided_on + datetime.timedelta(days=7)
        p = Procedure(
            decision=decision, patient_id=decision.patient_id, surgeon=specialist,
            recorded_by=specialist, procedure_date=day,
            technique="open" if decision.outcome == "open" else "fe_transforaminal",
            level="L4-L5", side="left", incision_length_mm=8, skin_to_skin_minutes=50,
            admitted_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(7))),
            discharged_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(18))),
        )  # fmt: skip
        p.compute_stay()
        procedures.append(p)
    Procedure.objects.bulk_create(procedures, batch_size=2000)
    follow_ups = []
    for procedure in Procedure.objects.all():
        for timepoint in Timepoint.values:
            f = FollowUp(procedure=procedure, timepoint=timepoint, recorded_by=specialist)
            f.compute_schedule()
            follow_ups.append(f)
    FollowUp.objects.bulk_create(follow_ups, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would gather
    print(
        f"built {len(patients)} patients, {len(consults)} consults, {len(decisions)} decisions, "
        f"{len(procedures)} procedures, {len(follow_ups)} follow-ups "
        f"in {time.perf_counter() - started:.1f} s ({os.environ['DATABASE_URL'].split(':')[0]})"
    )


def measure(runs):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from clinic.models import Patient, User

    setup_test_environment()  # so that responses carry their template context

    # Page 400 is the page after the 9,975th patient (keyset pagination: no OFFSET).
    order = ("family_name", "given_name", "id")
    deep = Patient.objects.order_by(*order).values_list("pk", flat=True)[399 * 25 - 1]
    client = Client()
    client.force_login(User.objects.get(username="bench-specialist"))
    cases = {
        "first page": "",
        "page 400": f"?after={deep}",
        "search 'Garcia1'": "?q=Garcia1",
        "search MRN": "?q=B0012345",
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
