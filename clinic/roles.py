"""The portal's roles: Django groups, each with model permissions and action permissions.

The groups are created by a data migration (``clinic/migrations/0002_roles.py``). Their
permissions are declared in one table, :data:`ROLE_PERMISSIONS`, and synchronised after every
``migrate`` (and every test-database flush) by :func:`sync_role_permissions`, so the groups carry
exactly what the role table in docs/architecture.md says and the shared admin follows it. The
core declares its own rows; each app adds its rows with :func:`grant` in its ``ready()``.
"""

from django.utils.translation import gettext_lazy as _

PATIENTS = "Patients"
SPECIALISTS = "Specialists"
CONTENT_EDITORS = "Content editors"
ALL_ROLES = (PATIENTS, SPECIALISTS, CONTENT_EDITORS)
# One member of each role as people read it (the group names above are stored and stay English).
LABELS = {
    PATIENTS: _("Patient"),
    SPECIALISTS: _("Specialist"),
    CONTENT_EDITORS: _("Content editor"),
}

# The core's own rows; each app adds its rows with :func:`grant` from its AppConfig.ready().
ROLE_PERMISSIONS = {
    PATIENTS: [],
    SPECIALISTS: [
        # patients are registered and corrected, never deleted
        "clinic.view_patient",
        "clinic.add_patient",
        "clinic.change_patient",
    ],
    CONTENT_EDITORS: [],
}


def grant(role, permissions):
    """Add ``permissions`` ("app_label.codename") to what ``role`` is synchronised to."""
    for permission in permissions:
        if permission not in ROLE_PERMISSIONS[role]:
            ROLE_PERMISSIONS[role].append(permission)


def sync_role_permissions(sender=None, using="default", **kwargs):
    """Create the role groups if missing and set each one's permissions to the table above.

    Connected to ``post_migrate``, which is sent once per app: it acts once, for the last app,
    after making sure every app's permissions exist.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    # migrate signals the apps that have models only (with REDIS_URL the last, django_tasks_rq,
    # has none).
    app_configs = [config for config in apps.get_app_configs() if config.models_module]
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
