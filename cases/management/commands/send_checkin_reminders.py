"""``python manage.py send_checkin_reminders``: email patients whose check-in is due.

Meant for a daily cron job. Each due, unanswered check-in is reminded at most once, so running
it twice sends nothing new. The email holds a link to the portal and no health information.
"""

from django.core.management.base import BaseCommand

from cases.checkins import send_checkin_reminders


class Command(BaseCommand):
    help = "Email each patient whose check-in is due and unanswered (once per check-in)."

    def handle(self, *args, **options):
        sent = send_checkin_reminders()
        self.stdout.write(f"Sent {sent} check-in reminder{'' if sent == 1 else 's'}.")
