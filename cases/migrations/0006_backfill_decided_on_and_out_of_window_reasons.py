"""Existing records under the new rules (the constraints follow in 0007).

* A decision's clinical day (``decided_on``, new) is the day it was entered (``decided_at`` in the
  clinic's time zone): the day its follow-ups were anchored on until now. Its history rows too.
* A follow-up assessed outside its window before reasons were asked for is kept, with a reason
  saying so, and so leaves that timepoint's figures.
* A decision with more than one valid procedure (saved twice while "Record the procedure" stayed
  on the page) keeps its first; each later one is marked entered in error, with a reason naming
  the first, and its pending follow-ups are cancelled, as the portal does when a procedure is
  marked. Completed follow-ups of those procedures stay, for the specialist to review.

Migrations save without django-simple-history, so these corrections have no history rows.
"""

from django.db import migrations
from django.db.models import Count, F, Q
from django.utils import timezone

LATE_REASON = (
    "Assessed outside the window before the portal asked for a reason (set when the rule was "
    "introduced)."
)


def backfill_decided_on(apps, schema_editor):
    for name in ("CandidacyDecision", "HistoricalCandidacyDecision"):
        model = apps.get_model("cases", name)
        for pk, decided_at in model._base_manager.values_list("pk", "decided_at").iterator():
            model._base_manager.filter(pk=pk).update(decided_on=timezone.localdate(decided_at))


def give_late_assessments_a_reason(apps, schema_editor):
    FollowUp = apps.get_model("cases", "FollowUp")
    outside = Q(assessed_on__lt=F("window_opens")) | Q(assessed_on__gt=F("window_closes"))
    FollowUp._base_manager.filter(outside, out_of_window_reason="").update(
        out_of_window_reason=LATE_REASON
    )


def mark_second_procedures_entered_in_error(apps, schema_editor):
    Procedure = apps.get_model("cases", "Procedure")
    FollowUp = apps.get_model("cases", "FollowUp")
    valid = Procedure._base_manager.filter(entered_in_error=False)
    twice = (
        valid.values("decision_id").annotate(n=Count("pk")).filter(n__gt=1).values("decision_id")
    )
    now = timezone.now()
    for decision_id in twice.values_list("decision_id", flat=True):
        first, *later = valid.filter(decision_id=decision_id).order_by("pk")
        for procedure in later:
            procedure.entered_in_error = True
            procedure.entered_in_error_reason = (
                f"Recorded twice for the same decision: procedure {first.pk} is the one kept."
            )
            procedure.entered_in_error_by_id = procedure.recorded_by_id
            procedure.entered_in_error_at = now
            procedure.version += 1
            procedure.save(
                update_fields=[
                    "entered_in_error",
                    "entered_in_error_reason",
                    "entered_in_error_by",
                    "entered_in_error_at",
                    "version",
                ]
            )
            FollowUp._base_manager.filter(
                procedure=procedure,
                entered_in_error=False,
                completed_at__isnull=True,
                cancelled_at__isnull=True,
            ).update(
                cancelled_at=now, cancel_reason="anchor entered in error", version=F("version") + 1
            )


def forwards(apps, schema_editor):
    backfill_decided_on(apps, schema_editor)
    give_late_assessments_a_reason(apps, schema_editor)
    mark_second_procedures_entered_in_error(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_decided_on_out_of_window_reason"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
