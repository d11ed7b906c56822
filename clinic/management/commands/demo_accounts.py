from django.core.management.base import BaseCommand

from clinic import demo
from clinic.models import User


class Command(BaseCommand):
    help = "List the demo accounts, their roles and their password (make run ends with it)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=demo.DEFAULT_PASSWORD)

    def handle(self, *args, password, **options):
        users = User.objects.filter(username__in=demo.ACCOUNTS, is_active=True)
        by_name = {user.username: user for user in users}
        self.stdout.write(f"Demo accounts (password: {password}):")
        for username in demo.ACCOUNTS:
            if username in by_name:
                user = by_name[username]
                self.stdout.write(f"  {username:<12} {user.role_label} ({user.get_full_name()})")
