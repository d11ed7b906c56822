from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        from clinic import checks, page_cache, roles, signals  # noqa: F401  (checks, login audit)

        page_cache.connect()

        # After the permissions exist (django.contrib.auth's own post_migrate handler runs
        # first: it is connected earlier), give each role its permissions.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="clinic.sync_roles")
