"""Demo accounts and patients for ``seed_demo``: idempotent, never for production data."""

import datetime

from django.contrib.auth.models import Group

from clinic import roles
from clinic.models import Patient, User

DEFAULT_PASSWORD = "clinic-demo-2026"

ACCOUNTS = {
    # username: (first name, last name, role or None for the superuser, is_staff)
    "admin": ("Ada", "Admin", None, True),
    "specialist": ("Sofia", "Reyes", roles.SPECIALISTS, True),
    "editor": ("Eli", "Carter", roles.CONTENT_EDITORS, True),
    "patient": ("Maria", "Lopez", roles.PATIENTS, False),
    "patient2": ("James", "Walker", roles.PATIENTS, False),
}

PATIENTS = {
    # username: (MRN, date of birth, sex, preferred language)
    "patient": ("DEMO-0001", datetime.date(1978, 3, 14), Patient.Sex.FEMALE, "es"),
    "patient2": ("DEMO-0002", datetime.date(1965, 11, 2), Patient.Sex.MALE, "en"),
}


def seed_accounts(password):
    """Create or refresh the demo accounts; return them by username."""
    accounts = {}
    for username, (first, last, role, is_staff) in ACCOUNTS.items():
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@example.org"
        user.is_staff = is_staff
        user.is_superuser = role is None
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)] if role else [])
        accounts[username] = user
    for username, (mrn, dob, sex, language) in PATIENTS.items():
        user = accounts[username]
        Patient.objects.update_or_create(
            mrn=mrn,
            defaults={
                "given_name": user.first_name,
                "family_name": user.last_name,
                "date_of_birth": dob,
                "sex": sex,
                "preferred_language": language,
                "email": user.email,
                "user": user,
                "primary_specialist": accounts["specialist"],
            },
        )
    return accounts
