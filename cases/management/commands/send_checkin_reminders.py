"""``python manage.py send_checkin_reminders``: queue the check-in emails due today.

Meant for a daily cron job. A check-in gets an invitation the day its window opens and reminders
``CHECKIN_REMINDER_DAYS`` after, while it is open and unanswered; a patient gets one email a
day at most. Running it twice queues nothing new. The emails themselves are sent by the task
worker (``manage.py db_worker``), each with its own link and no health information.
"""

from django.core.management.base import BaseCommand

from cases.checkins import send_checkin_reminders


class Command(BaseCommand):
    help = "Queue the check-in invitations and reminders due today (at most one of each)."

    def handle(self, *args, **options):
        queued = send_checkin_reminders()
        self.stdout.write(f"Queued {queued} check-in email{'' if queued == 1 else 's'}.")
