"""Consults, candidacy decisions, procedures, adverse events and follow-ups.

Every clinical record here follows the same three rules (see :class:`ClinicalRecord`):

* it is never deleted: a record entered in error is marked so, with a reason, and drops out of
  figures through ``.valid()``;
* every change is kept by django-simple-history, so it is saved through the model, never through
  ``QuerySet.update()`` or bulk writes (both raise here);
* editable records carry a ``version``: a save based on a stale copy is refused
  (:meth:`ClinicalRecord.save_if_current`), so two specialists cannot overwrite each other.

Derived values (length of stay, same/next-day discharge, 30/90-day flags, follow-up windows) are
stored columns computed by one method per model, called from ``save()``, so that the outcome
dashboard can aggregate them in the database. They are never typed into a form.

One module per group of records (docs/architecture.md); every name is re-exported here, so
``from cases.models import FollowUp`` and the migrations read as before.
"""

from cases.models.base import (
    CLINICAL_DATE,
    MARKING_FIELDS,
    ClinicalQuerySet,
    ClinicalRecord,
    days_from,
    entered_in_error_check,
    long_date,
    nrs_field,
    odi_field,
    range_check,
)
from cases.models.choices import (
    BASELINE,
    AdverseEventType,
    ASAClass,
    BaselineWorkStatus,
    ClavienDindoGrade,
    Criterion,
    DominantPain,
    Factor,
    FollowUpSource,
    FollowUpTimepoint,
    GlobalEffect,
    InstrumentCode,
    Level,
    MICMeasure,
    Morphology,
    Outcome,
    Satisfaction,
    Side,
    Smoking,
    Technique,
    Timepoint,
    WorkStatus,
    Zone,
)
from cases.models.consult import Consult
from cases.models.decision import CandidacyDecision, CandidacyDecisionQuerySet
from cases.models.followup import (
    BASELINE_DAYS,
    CHECKIN_NAMES,
    TIMEPOINT_WINDOWS,
    FollowUp,
    FollowUpQuerySet,
    _odi_points,
)
from cases.models.instruments import CheckinReminder, Instrument, InstrumentQuerySet
from cases.models.invitations import (
    MAX_DATE_OF_BIRTH_ATTEMPTS,
    CheckinLink,
    CheckinLinkQuerySet,
)
from cases.models.outcomes import (
    FigureResult,
    FigureSnapshot,
    MinimalImportantChange,
    MinimalImportantChangeQuerySet,
)
from cases.models.procedure import (
    ADMISSION_DAYS_BEFORE,
    ADVERSE_EVENT_SPAN_DAYS,
    DISCHARGE_DAYS_AFTER,
    MAX_STAY_NIGHTS,
    AdverseEvent,
    Procedure,
)
from clinic.models import not_before_1900, not_in_future

__all__ = [
    "Level",
    "Side",
    "DominantPain",
    "Morphology",
    "Zone",
    "Smoking",
    "WorkStatus",
    "ASAClass",
    "Criterion",
    "Outcome",
    "Factor",
    "Technique",
    "AdverseEventType",
    "ClavienDindoGrade",
    "InstrumentCode",
    "Timepoint",
    "FollowUpSource",
    "BASELINE",
    "BASELINE_DAYS",
    "BaselineWorkStatus",
    "FollowUpTimepoint",
    "GlobalEffect",
    "Satisfaction",
    "MICMeasure",
    "CLINICAL_DATE",
    "long_date",
    "days_from",
    "nrs_field",
    "odi_field",
    "range_check",
    "ClinicalQuerySet",
    "ClinicalRecord",
    "MARKING_FIELDS",
    "entered_in_error_check",
    "Consult",
    "CandidacyDecisionQuerySet",
    "CandidacyDecision",
    "ADMISSION_DAYS_BEFORE",
    "DISCHARGE_DAYS_AFTER",
    "MAX_STAY_NIGHTS",
    "Procedure",
    "ADVERSE_EVENT_SPAN_DAYS",
    "AdverseEvent",
    "InstrumentQuerySet",
    "Instrument",
    "CheckinReminder",
    "CheckinLink",
    "CheckinLinkQuerySet",
    "MAX_DATE_OF_BIRTH_ATTEMPTS",
    "_odi_points",
    "CHECKIN_NAMES",
    "TIMEPOINT_WINDOWS",
    "FollowUpQuerySet",
    "FollowUp",
    "MinimalImportantChangeQuerySet",
    "MinimalImportantChange",
    "FigureResult",
    "FigureSnapshot",
    "not_before_1900",
    "not_in_future",
]
