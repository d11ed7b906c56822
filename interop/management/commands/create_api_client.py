"""python manage.py create_api_client NAME --scope system/*.read [--expires-days N]"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinic.audit import record_event
from clinic.models import AuditEvent
from interop.models import ApiClient


class Command(BaseCommand):
    help = (
        "Create a FHIR API client. Its token is printed once, as the last line of the output, "
        "and only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            required=True,
            help="system/*.read or system/<Type>.read; repeat for several.",
        )
        parser.add_argument("--expires-days", type=int, default=None)

    def handle(self, *args, name, scopes, expires_days, **options):
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        client = ApiClient(
            name=name,
            scopes=" ".join(scopes),
            expires_at=timezone.now() + timedelta(days=expires_days) if expires_days else None,
        )
        token = client.new_token()
        try:
            client.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        with transaction.atomic():
            client.save()
            record_event(
                AuditEvent.Action.CREATE, obj=client, detail="API client created (command)"
            )
        expiry = (
            f"expires {client.expires_at:%Y-%m-%d %H:%M} UTC" if client.expires_at else "no expiry"
        )
        self.stdout.write(f"Created API client {client.name!r} ({client.scopes}; {expiry}).")
        self.stdout.write("Its token follows; it is not shown again and only its hash is kept:")
        self.stdout.write(token)
