from django.core.management.base import BaseCommand, CommandError

from clinic import backup


class Command(BaseCommand):
    help = "Back up the database online (SQLite backup API, or pg_dump for PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="File to write, e.g. backups/clinic-2026-11-24.dump")

    def handle(self, *args, path, **options):
        try:
            backup.backup(path)
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
        counts = backup.table_row_counts()
        self.stdout.write(f"Backed up {len(counts)} tables, {sum(counts.values())} rows to {path}")
