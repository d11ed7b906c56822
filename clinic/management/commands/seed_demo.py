from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clinic import demo, registry


class Command(BaseCommand):
    help = "Create (or refresh) the demo accounts and demo records. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD)
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password; it refuses to run with "
                "DEBUG off. Use --force if this really is a demo or test machine."
            )
        with transaction.atomic():
            accounts = demo.seed_accounts(password)
            for seeder in registry.demo_seeders():  # each app's own demo records
                seeder(accounts=accounts, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo accounts ready: {', '.join(accounts)} (password: {password})")
        )
