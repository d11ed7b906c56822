"""python manage.py purge_fhir_exports: delete the files of expired bulk exports (run daily)."""

from django.core.management.base import BaseCommand

from interop import exports


class Command(BaseCommand):
    help = "Delete the files of FHIR bulk exports past their expiry (FHIR_EXPORT_EXPIRY_HOURS)."

    def handle(self, *args, **options):
        purged = exports.purge_expired()
        self.stdout.write(f"Deleted the files of {purged} expired export(s).")
