"""Seed the soak database: distinct accounts for every simulated user, and patients to read.

    DATABASE_URL=... .venv/bin/python bench/soak/seed.py OUT.json [--patients 300] [--accounts 60]

Idempotent. Creates ``--accounts`` patient accounts (``soak-patient-N``, each with a Patient
record, a consult and an assigned article) and as many specialist accounts
(``soak-specialist-N``), plus ``--patients`` patients with a consult in all, so the specialist's
list has pages. Every simulated user logs in with an account of its own: no account is shared,
so django-axes (which locks a username after failed logins) is never involved and nothing is
turned off for the soak. Writes the accounts and ids the locustfile needs to OUT.json.
"""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--accounts", type=int, default=60)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django

    django.setup()
    data = seed(args.patients, args.accounts, os.environ["SOAK_PASSWORD"])
    Path(args.out).write_text(json.dumps(data, indent=1))
    print(
        f"soak data: {len(data['patients'])} patient accounts, "
        f"{len(data['specialists'])} specialist accounts, {len(data['patient_ids'])} patients"
    )


def _account(username, role, password, **fields):
    from django.contrib.auth.models import Group

    from clinic.models import User

    user, _ = User.objects.get_or_create(username=username, defaults=fields)
    user.set_password(password)  # each run has a password of its own
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def _consult(patient, specialist):
    from django.utils import timezone

    from cases import services
    from cases.models import Consult

    if patient.consults.exists():
        return
    today = timezone.localdate()
    services.record_consult(
        consult=Consult(
            patient=patient,
            specialist=specialist,
            consult_date=today - datetime.timedelta(days=30),
            dominant_pain="leg",
            side="left",
            symptom_duration_weeks=10,
            level="L4-L5",
            morphology="extrusion",
            zone="subarticular",
            imaging_concordant=True,
            physiotherapy=True,
            conservative_care_weeks=8,
            asa_class=1,
            smoking="never",
            work_status="working",
            nrs_back=3,
            nrs_leg=7,
        ),
        by=specialist,
    )


def seed(n_patients, n_accounts, password):
    from clinic import roles
    from clinic.models import Patient
    from education import services as education_services
    from education.models import Article

    article = Article.objects.published().order_by("pk").first()
    if article is None:
        raise SystemExit("No published article: run import_articles first.")
    specialists = [
        _account(f"soak-specialist-{i}", roles.SPECIALISTS, password, is_staff=True)
        for i in range(1, n_accounts + 1)
    ]
    lead = specialists[0]
    data = {"patients": [], "specialists": [u.username for u in specialists], "patient_ids": []}
    for i in range(1, n_patients + 1):
        user = None
        if i <= n_accounts:
            user = _account(f"soak-patient-{i}", roles.PATIENTS, password)
        patient, _ = Patient.objects.get_or_create(
            mrn=f"SOAK-{i:05d}",
            defaults={
                "given_name": "Soak",
                "family_name": f"Patient{i}",
                "date_of_birth": datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                "sex": "female" if i % 2 else "male",
                "email": f"soak-{i}@example.org",
                "user": user,
                "primary_specialist": lead,
            },
        )
        _consult(patient, lead)
        data["patient_ids"].append(patient.pk)
        if user is not None:
            assignment = patient.assignments.first() or education_services.assign_article(
                article=article, patient=patient, assigned_by=lead, note="Please read this."
            )
            data["patients"].append({"username": user.username, "assignment": assignment.pk})
    return data


if __name__ == "__main__":
    main()
