from django.core.management.base import BaseCommand, CommandError

from clinic import backup


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by backup_database."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--yes", action="store_true", help="Confirm: the current contents are replaced."
        )

    def handle(self, *args, path, yes, **options):
        if not yes:
            raise CommandError("Restoring replaces every row of the database: add --yes.")
        try:
            backup.restore(path)
        except (RuntimeError, OSError) as error:
            raise CommandError(str(error)) from error
        counts = backup.table_row_counts()
        self.stdout.write(f"Restored {len(counts)} tables, {sum(counts.values())} rows")
