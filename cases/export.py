"""The de-identified research export, following HIPAA's Safe Harbor method for what it keeps.

Removed: names, MRN, dates of birth, contact details, free text (which can hold any of those),
internal record ids (they would open the record in the portal) and every date. Instead:

* **Record keys per export.** Each patient and record appears under a key (``P-…`` a patient,
  ``C-…`` a consult, ``D-…`` a decision, ``S-…`` a procedure, ``A-…`` an adverse event, ``F-…`` a
  follow-up): a keyed hash of the internal id under a random key made for that one export and kept
  only in the exporting user's session. The files downloaded from one visit of the export page
  share their keys, so they join; another export gets other keys, and no key opens anything in
  the portal or can be turned back into an id once the session has ended.
* **No dates**: ``day`` counts days from the patient's first consult (day 0); intervals such as
  days after the procedure stay.
* **Ages** in whole years at each consult, 90 and over as ``90+``.

Records entered in error are left out; rows are in key order, not in the order they were entered.
"""

import hashlib
import hmac
import secrets

from django.utils import timezone

from cases.models import (
    BASELINE,
    AdverseEvent,
    CandidacyDecision,
    Consult,
    FollowUp,
    Procedure,
)

TABLES = {
    "consults": "Consults: symptoms, imaging, conservative care, case-mix, baseline NRS/ODI",
    "decisions": "Candidacy decisions: outcome, the three factors, the criteria checklist",
    "procedures": "Procedures: technique, incision, time, blood loss, length of stay, whose "
    "baseline (patient-reported or the consult's)",
    "adverse_events": "Adverse events: type, Clavien-Dindo grade, days after the procedure",
    "follow_ups": "Follow-ups: NRS, return to activities and work, satisfaction, ODI; the "
    "patient's baseline (timepoint bl) with work status",
}


# The user's exports: export id -> key, the newest last; a few are kept in the session.
SESSION_KEY = "research_exports"
KEPT_EXPORTS = 5
# Safe Harbor: ages over 89 are given as one group.
OLDEST_AGE = 90

PREFIXES = {
    "patient": "P",
    "consult": "C",
    "decision": "D",
    "procedure": "S",
    "adverse_event": "A",
    "follow_up": "F",
}


def start_export(session):
    """A new export: its id (for the export page's forms) and a random key, kept in ``session``."""
    export_id = secrets.token_urlsafe(12)
    exports = {**session.get(SESSION_KEY, {}), export_id: secrets.token_hex(32)}
    session[SESSION_KEY] = dict(list(exports.items())[-KEPT_EXPORTS:])
    return export_id


def export_key(session, export_id):
    """The key of the export ``export_id`` started in ``session``; for an id it does not hold, a
    new random key (an export of its own)."""
    key = session.get(SESSION_KEY, {}).get(export_id or "")
    return bytes.fromhex(key) if key else secrets.token_bytes(32)


class Keys:
    """The record keys of one export."""

    def __init__(self, key):
        self.key = key

    def __call__(self, kind, pk):
        if pk is None:
            return ""
        digest = hmac.new(self.key, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()
        return f"{PREFIXES[kind]}-{digest[:16]}"


def age(patient, day):
    years = patient.age_on(day)
    return f"{OLDEST_AGE}+" if years >= OLDEST_AGE else years


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
        value = timezone.localdate(value)
    return (value - baselines[patient_id]).days


def _blank(value):
    return "" if value is None else value


def rows(table, *, key):
    """``(header, rows)`` for one table of the export keyed by ``key`` (``export_key``), in key
    order."""
    header, generate = {
        "consults": _consults,
        "decisions": _decisions,
        "procedures": _procedures,
        "adverse_events": _adverse_events,
        "follow_ups": _follow_ups,
    }[table](_baselines(), Keys(key))
    return header, sorted(generate(), key=lambda row: row[:2])


CONSULT_FIELDS = [
    "dominant_pain", "side", "symptom_duration_weeks", "numbness", "weakness", "mrc_grade",
    "red_flag_saddle_anaesthesia", "red_flag_bladder_bowel", "red_flag_progressive_deficit",
    "red_flag_other", "level", "second_level", "morphology", "zone", "imaging_concordant",
    "physiotherapy", "medication", "injection", "conservative_care_weeks", "asa_class", "bmi",
    "smoking", "diabetes", "prior_surgery_at_level", "work_status", "nrs_back", "nrs_leg",
    "odi_score",
]  # fmt: skip


def _consults(baselines, keys):
    header = [
        "patient_key", "consult_key", "day", "age_at_consult", "sex", "mri_day", *CONSULT_FIELDS,
    ]  # fmt: skip
    qs = Consult.objects.valid().select_related("patient")

    def generate():
        for c in qs.iterator(chunk_size=500):
            yield [
                keys("patient", c.patient_id),
                keys("consult", c.pk),
                _day(baselines, c.patient_id, c.consult_date),
                age(c.patient, c.consult_date),
                c.patient.sex,
                _day(baselines, c.patient_id, c.mri_date),
                *[_blank(getattr(c, f)) for f in CONSULT_FIELDS],
            ]

    return header, generate


def _decisions(baselines, keys):
    criteria_keys = ["leg_dominant", "imaging_concordant", "conservative_6_weeks", "no_red_flags"]
    header = [
        "patient_key", "decision_key", "consult_key", "day", "outcome", "is_current",
        "supersedes_decision_key", "severity_assessment", "health_assessment",
        "symptoms_assessment", "red_flags_acknowledged",
        *[f"criterion_{k}" for k in criteria_keys],
    ]  # fmt: skip
    qs = CandidacyDecision.objects.valid().select_related("superseded_by")

    def generate():
        for d in qs.iterator(chunk_size=500):
            criteria = {c["key"]: c["status"] for c in d.criteria}
            yield [
                keys("patient", d.patient_id),
                keys("decision", d.pk),
                keys("consult", d.consult_id),
                _day(baselines, d.patient_id, d.decided_on),
                d.outcome,
                d.is_current,
                keys("decision", d.supersedes_id),
                d.severity_assessment,
                d.health_assessment,
                d.symptoms_assessment,
                d.red_flags_acknowledged,
                *[criteria.get(k, "") for k in criteria_keys],
            ]

    return header, generate


PROCEDURE_FIELDS = [
    "technique", "level", "second_level", "side", "incision_length_mm", "skin_to_skin_minutes",
    "blood_loss_ml", "converted_to_open", "length_of_stay_nights", "length_of_stay_hours",
    "same_day_discharge", "next_day_discharge",
]  # fmt: skip


def _reported_baselines():
    """The procedures whose patient answered their baseline check-in inside its window (which
    closes on the procedure day): their baseline is the patient's, the others' the consult's,
    as in the outcome figures (cases.outcomes.cohort)."""
    reported = set()
    for procedure_id, opens, closes, assessed in (
        FollowUp.objects.valid()
        .filter(
            timepoint=BASELINE,
            procedure__isnull=False,
            completed_at__isnull=False,
            source=FollowUp.Source.PATIENT,
        )
        .values_list("procedure_id", "window_opens", "window_closes", "assessed_on")
    ):
        if assessed and opens <= assessed <= closes:
            reported.add(procedure_id)
    return reported


def _procedures(baselines, keys):
    header = [
        "patient_key", "procedure_key", "decision_key", "day", *PROCEDURE_FIELDS,
        "baseline_source",
    ]  # fmt: skip
    qs = Procedure.objects.valid()

    def generate():
        reported = _reported_baselines()
        for p in qs.iterator(chunk_size=500):
            yield [
                keys("patient", p.patient_id),
                keys("procedure", p.pk),
                keys("decision", p.decision_id),
                _day(baselines, p.patient_id, p.procedure_date),
                *[_blank(getattr(p, f)) for f in PROCEDURE_FIELDS],
                "patient" if p.pk in reported else "consult",
            ]

    return header, generate


def _adverse_events(baselines, keys):
    header = [
        "patient_key", "adverse_event_key", "procedure_key", "day", "event_type",
        "clavien_dindo_grade", "days_after_procedure", "within_30_days", "within_90_days",
    ]  # fmt: skip
    qs = AdverseEvent.objects.valid()

    def generate():
        for a in qs.iterator(chunk_size=500):
            yield [
                keys("patient", a.patient_id),
                keys("adverse_event", a.pk),
                keys("procedure", a.procedure_id),
                _day(baselines, a.patient_id, a.onset_date),
                a.event_type,
                a.clavien_dindo_grade,
                a.days_after_procedure,
                a.within_30_days,
                a.within_90_days,
            ]

    return header, generate


def _follow_ups(baselines, keys):
    header = [
        "patient_key", "follow_up_key", "anchor", "procedure_key", "decision_key", "timepoint",
        "days_after_anchor", "in_window", "source", "nrs_back", "nrs_leg",
        "days_to_daily_activities", "days_to_work", "satisfaction", "global_perceived_effect",
        "odi_score", "work_status",
    ]  # fmt: skip
    qs = FollowUp.objects.valid().filter(completed_at__isnull=False)

    def generate():
        for f in qs.iterator(chunk_size=500):

            def since_anchor(day, f=f):
                return "" if day is None else (day - f.anchor_date).days

            yield [
                keys("patient", f.patient_id),
                keys("follow_up", f.pk),
                # The baseline ("bl") is its decision's, whatever procedure closed it.
                "procedure" if f.procedure_id and not f.is_baseline else "decision",
                keys("procedure", f.procedure_id),
                keys("decision", f.decision_id),
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
                f.work_status,
            ]

    return header, generate
