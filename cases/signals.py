"""Keep the outcome figures current: a saved clinical record asks for a refresh after commit;
and the work queue's cached counts are forgotten."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save


def _refresh_after_commit():
    from cases.tasks import request_refresh

    request_refresh()


def _figures_changed(sender, **kwargs):
    # One refresh per transaction, however many records it saves (seed_demo saves hundreds).
    # Django keeps the pending callbacks as (savepoint ids, callable, robust) tuples.
    if any(pending[1] is _refresh_after_commit for pending in connection.run_on_commit):
        return
    # robust: a queue that cannot be reached is logged; the saved record stands.
    transaction.on_commit(_refresh_after_commit, robust=True)


def _counts_changed(sender, **kwargs):
    from cases.dashboard import forget_counts

    forget_counts()


def connect():
    from cases.models import CheckinReminder, MinimalImportantChange
    from cases.outcomes import CLINICAL_MODELS
    from clinic.models import Patient

    for model in (*CLINICAL_MODELS, MinimalImportantChange):
        post_save.connect(_figures_changed, sender=model, dispatch_uid=f"figures-{model.__name__}")
    # The work queue's counts (cases/dashboard.py): follow-ups, reminders, the patient's
    # specialist, and the consults, decisions and procedures data quality looks at.
    for model in (*CLINICAL_MODELS, CheckinReminder, Patient):
        for signal in (post_save, post_delete):
            signal.connect(
                _counts_changed, sender=model, dispatch_uid=f"work-queue-{model.__name__}"
            )
