"""The portal's roles: Django groups, each with model permissions and action permissions.

The groups are created by a data migration (``clinic/migrations/0002_roles.py``). Their
permissions are declared here, in one table, and synchronised after every ``migrate`` (and every
test-database flush) by :func:`sync_role_permissions`, so the groups always carry exactly what
DESIGN.md's role table says and the shared admin follows it. Each app adds its own rows.
"""

PATIENTS = "Patients"
SPECIALISTS = "Specialists"
CONTENT_EDITORS = "Content editors"
ALL_ROLES = (PATIENTS, SPECIALISTS, CONTENT_EDITORS)

ROLE_PERMISSIONS = {
    PATIENTS: [],
    SPECIALISTS: [
        # clinic: patients are registered and corrected, never deleted
        "clinic.view_patient",
        "clinic.add_patient",
        "clinic.change_patient",
        # cases: clinical records are viewed, added and changed, never deleted
        *[
            f"cases.{action}_{model}"
            for model in ("consult", "candidacydecision", "procedure", "adverseevent", "followup")
            for action in ("view", "add", "change")
        ],
        "cases.decide_candidacy",
        "cases.export_research_data",
        # education: clinical review of articles, and assigning reading to patients
        "education.view_article",
        "education.view_articleversion",
        "education.review_article",
        "education.assign_article",
        "education.view_assignment",
        "education.add_assignment",
        "education.change_assignment",
    ],
    CONTENT_EDITORS: [
        # education: writing and publishing articles; never assignments (they are about patients)
        "education.view_article",
        "education.add_article",
        "education.change_article",
        "education.view_articleversion",
        "education.add_articleversion",
        "education.change_articleversion",
        "education.publish_article",
    ],
}


def sync_role_permissions(sender=None, using="default", **kwargs):
    """Create the role groups if missing and set each one's permissions to the table above.

    Connected to ``post_migrate``, which is sent once per app: it acts once, for the last app,
    after making sure every app's permissions exist.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    app_configs = list(apps.get_app_configs())
    if sender is not None and sender != app_configs[-1]:
        return
    for app_config in app_configs:
        create_permissions(app_config, verbosity=0, using=using)

    for role, names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = set()
        for name in names:
            app_label, codename = name.split(".")
            wanted.update(
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .values_list("pk", flat=True)
            )
        group.permissions.set(wanted)


def specialists():
    """The users who may be named as a specialist (a consult's, a patient's primary one) or as a
    surgeon: active members of the Specialists role."""
    from clinic.models import User

    return User.objects.filter(groups__name=SPECIALISTS, is_active=True)


def patient_accounts():
    """The users who may be linked to a patient's record as its portal login."""
    from clinic.models import User

    return User.objects.filter(groups__name=PATIENTS)
