"""The de-identified research export.

No names, MRN, dates of birth, contact details or free text (which can hold any of those). Each
patient has a stable pseudonymous id: a keyed hash of the internal id (the key is
``RESEARCH_EXPORT_KEY`` if set, else ``SECRET_KEY``), so the same patient keeps the same id across
exports without the id revealing anything. Dates are reduced to intervals: ``day`` counts days
from the patient's first consult (day 0); age is given in whole years at each consult. Records
entered in error are left out.
"""

import hashlib
import hmac

from django.conf import settings

from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure

TABLES = {
    "consults": "Consults: symptoms, imaging, conservative care, case-mix, baseline NRS/ODI",
    "decisions": "Candidacy decisions: outcome, the three factors, the criteria checklist",
    "procedures": "Procedures: technique, incision, time, blood loss, length of stay",
    "adverse_events": "Adverse events: type, Clavien-Dindo grade, days after the procedure",
    "follow_ups": "Follow-ups: NRS, return to activities and work, satisfaction, ODI",
}


def pseudonym(patient_id):
    key = (getattr(settings, "RESEARCH_EXPORT_KEY", "") or settings.SECRET_KEY).encode()
    digest = hmac.new(key, f"patient:{patient_id}".encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:16]}"


def _baselines():
    """Each patient's day 0: the date of their first valid consult."""
    days = {}
    for patient_id, day in (
        Consult.objects.valid().order_by("consult_date").values_list("patient_id", "consult_date")
    ):
        days.setdefault(patient_id, day)
    return days


def _day(baselines, patient_id, value):
    if value is None or patient_id not in baselines:
        return ""
    if hasattr(value, "date"):
        from django.utils import timezone

        value = timezone.localdate(value)
    return (value - baselines[patient_id]).days


def _blank(value):
    return "" if value is None else value


def rows(table):
    """``(header, iterator of rows)`` for one table."""
    baselines = _baselines()
    return {
        "consults": _consults,
        "decisions": _decisions,
        "procedures": _procedures,
        "adverse_events": _adverse_events,
        "follow_ups": _follow_ups,
    }[table](baselines)


CONSULT_FIELDS = [
    "dominant_pain", "side", "symptom_duration_weeks", "numbness", "weakness", "mrc_grade",
    "red_flag_saddle_anaesthesia", "red_flag_bladder_bowel", "red_flag_progressive_deficit",
    "red_flag_other", "level", "second_level", "morphology", "zone", "imaging_concordant",
    "physiotherapy", "medication", "injection", "conservative_care_weeks", "asa_class", "bmi",
    "smoking", "diabetes", "prior_surgery_at_level", "work_status", "nrs_back", "nrs_leg",
    "odi_score",
]  # fmt: skip


def _consults(baselines):
    header = ["pseudo_id", "consult_id", "day", "age_at_consult", "sex", "mri_day", *CONSULT_FIELDS]
    qs = Consult.objects.valid().select_related("patient").order_by("patient_id", "consult_date")

    def generate():
        for c in qs.iterator(chunk_size=500):
            yield [
                pseudonym(c.patient_id),
                c.pk,
                _day(baselines, c.patient_id, c.consult_date),
                c.patient.age_on(c.consult_date),
                c.patient.sex,
                _day(baselines, c.patient_id, c.mri_date),
                *[_blank(getattr(c, f)) for f in CONSULT_FIELDS],
            ]

    return header, generate()


def _decisions(baselines):
    criteria_keys = ["leg_dominant", "imaging_concordant", "conservative_6_weeks", "no_red_flags"]
    header = [
        "pseudo_id", "decision_id", "consult_id", "day", "outcome", "is_current",
        "supersedes_decision_id", "severity_assessment", "health_assessment",
        "symptoms_assessment", "red_flags_acknowledged",
        *[f"criterion_{k}" for k in criteria_keys],
    ]  # fmt: skip
    qs = (
        CandidacyDecision.objects.valid()
        .select_related("superseded_by")
        .order_by("decided_on", "decided_at")
    )

    def generate():
        for d in qs.iterator(chunk_size=500):
            criteria = {c["key"]: c["status"] for c in d.criteria}
            yield [
                pseudonym(d.patient_id),
                d.pk,
                d.consult_id,
                _day(baselines, d.patient_id, d.decided_on),
                d.outcome,
                d.is_current,
                _blank(d.supersedes_id),
                d.severity_assessment,
                d.health_assessment,
                d.symptoms_assessment,
                d.red_flags_acknowledged,
                *[criteria.get(k, "") for k in criteria_keys],
            ]

    return header, generate()


PROCEDURE_FIELDS = [
    "technique", "level", "second_level", "side", "incision_length_mm", "skin_to_skin_minutes",
    "blood_loss_ml", "converted_to_open", "length_of_stay_nights", "length_of_stay_hours",
    "same_day_discharge", "next_day_discharge",
]  # fmt: skip


def _procedures(baselines):
    header = ["pseudo_id", "procedure_id", "decision_id", "day", *PROCEDURE_FIELDS]
    qs = Procedure.objects.valid().order_by("procedure_date")

    def generate():
        for p in qs.iterator(chunk_size=500):
            yield [
                pseudonym(p.patient_id),
                p.pk,
                p.decision_id,
                _day(baselines, p.patient_id, p.procedure_date),
                *[_blank(getattr(p, f)) for f in PROCEDURE_FIELDS],
            ]

    return header, generate()


def _adverse_events(baselines):
    header = [
        "pseudo_id", "adverse_event_id", "procedure_id", "day", "event_type",
        "clavien_dindo_grade", "days_after_procedure", "within_30_days", "within_90_days",
    ]  # fmt: skip
    qs = AdverseEvent.objects.valid().order_by("onset_date")

    def generate():
        for a in qs.iterator(chunk_size=500):
            yield [
                pseudonym(a.patient_id),
                a.pk,
                a.procedure_id,
                _day(baselines, a.patient_id, a.onset_date),
                a.event_type,
                a.clavien_dindo_grade,
                a.days_after_procedure,
                a.within_30_days,
                a.within_90_days,
            ]

    return header, generate()


def _follow_ups(baselines):
    header = [
        "pseudo_id", "follow_up_id", "anchor", "procedure_id", "decision_id", "timepoint",
        "days_after_anchor", "in_window", "source", "nrs_back", "nrs_leg",
        "days_to_daily_activities", "days_to_work", "satisfaction", "global_perceived_effect",
        "odi_score",
    ]  # fmt: skip
    qs = FollowUp.objects.valid().filter(completed_at__isnull=False).order_by("due_date")

    def generate():
        for f in qs.iterator(chunk_size=500):

            def since_anchor(day, f=f):
                return "" if day is None else (day - f.anchor_date).days

            yield [
                pseudonym(f.patient_id),
                f.pk,
                "procedure" if f.procedure_id else "decision",
                _blank(f.procedure_id),
                _blank(f.decision_id),
                f.timepoint,
                since_anchor(f.assessed_on),
                f.in_window,
                f.source,
                f.nrs_back,
                f.nrs_leg,
                since_anchor(f.returned_to_daily_activities_on),
                since_anchor(f.returned_to_work_on),
                _blank(f.satisfaction),
                f.global_perceived_effect,
                _blank(f.odi_score),
            ]

    return header, generate()
