"""The one cohort every outcome figure is drawn from: a row per counted procedure.

A procedure counts when neither it, its decision nor that decision's consult was entered in
error. Each row holds what the figures need, read from the database in a fixed handful of queries
whatever the number of procedures:

* the procedure: patient, surgeon, day, technique, incision, nights, same-/next-day discharge;
* adverse events (valid ones) within 30 and 90 days, any and surgical-site infections;
* the baseline: NRS back, NRS leg and ODI the patient reported before the procedure (their
  baseline check-in, answered inside its window, which closes on the procedure day) where there
  is one, else those of the consult of the procedure's decision; ``base_source`` says which
  (``"patient"`` or ``"consult"``). A patient's baseline without an ODI (the clinic had not
  loaded its wording) keeps the consult's ODI;
* each follow-up timepoint's state and values. A follow-up is **due** once its window has closed,
  or earlier when it was answered inside its window; it is **answered** when completed, valid,
  not cancelled and assessed inside its window. An assessment outside its window is kept on the
  record but counts as not answered;
* the earliest return to daily activities and to work, in days after the procedure, among the
  answered follow-ups.

Rows are plain values (JSON-ready), so a snapshot of the cohort can be stored and filtered
later without the database (:mod:`cases.outcomes`).
"""

import dataclasses
import datetime

from cases.models import BASELINE, AdverseEvent, FollowUp, Procedure, Timepoint

TIMEPOINTS = tuple(Timepoint.values)
MISS_TECHNIQUES = tuple(t.value for t in Procedure.MISS_TECHNIQUES)

# Where a row's baseline comes from.
PATIENT_REPORTED = "patient"
CONSULT = "consult"

# A follow-up timepoint's state in a row.
NOT_DUE = 0  # none scheduled, cancelled, or its window is still open and it is unanswered
MISSING = 1  # due and not answered in its window (including an assessment outside it)
ANSWERED = 2  # completed inside its window


@dataclasses.dataclass(frozen=True, slots=True)
class Visit:
    """One timepoint of one procedure: its state, and the values when answered in window."""

    state: int = NOT_DUE
    back: int | None = None
    leg: int | None = None
    odi: int | None = None
    satisfaction: int | None = None

    @property
    def is_due(self):
        return self.state != NOT_DUE

    @property
    def is_answered(self):
        return self.state == ANSWERED


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    procedure: int
    patient: int
    surgeon: int
    day: datetime.date
    technique: str
    incision: int | None
    nights: int | None
    same_day: bool | None
    next_day: bool | None
    ae_30: bool
    ae_90: bool
    ssi_30: bool
    ssi_90: bool
    base_back: int | None
    base_leg: int | None
    base_odi: int | None
    visits: tuple  # a Visit per TIMEPOINTS entry
    return_daily: int | None
    return_work: int | None
    base_source: str = CONSULT  # PATIENT_REPORTED or CONSULT: whose baseline values these are

    @property
    def group(self):
        return "miss" if self.technique in MISS_TECHNIQUES else "open"

    @property
    def quarter(self):
        return quarter_of(self.day)

    def visit(self, timepoint):
        return self.visits[TIMEPOINTS.index(timepoint)]

    def to_json(self):
        return [
            self.procedure,
            self.patient,
            self.surgeon,
            self.day.isoformat(),
            self.technique,
            self.incision,
            self.nights,
            self.same_day,
            self.next_day,
            self.ae_30,
            self.ae_90,
            self.ssi_30,
            self.ssi_90,
            self.base_back,
            self.base_leg,
            self.base_odi,
            [
                [visit.state, visit.back, visit.leg, visit.odi, visit.satisfaction]
                for visit in self.visits
            ],
            self.return_daily,
            self.return_work,
            self.base_source,
        ]

    @classmethod
    def from_json(cls, data):
        return cls(
            *data[:3],
            datetime.date.fromisoformat(data[3]),
            *data[4:16],
            tuple(Visit(*visit) for visit in data[16]),
            *data[17:],
        )


def quarter_of(day):
    """``"2025Q3"`` for a day in July–September 2025."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def counted_procedures():
    """The procedures the figures count (see the module docstring)."""
    return Procedure.objects.valid().filter(
        decision__entered_in_error=False, decision__consult__entered_in_error=False
    )


# Read in chunks: a clinic network's hundreds of thousands of follow-ups are never all in memory
# as query results at once, only as the compact rows built from them.
CHUNK = 5_000
NOT_DUE_VISIT = Visit(NOT_DUE)  # Visits are immutable: the empty ones are shared
MISSING_VISIT = Visit(MISSING)


def build(today):
    """Every counted procedure as a :class:`Row`, as things stand on ``today``."""
    procedures = counted_procedures()
    events = _adverse_event_flags(procedures)
    visits, returns, baselines = _visits_and_returns(procedures, today)
    rows = []
    for values in (
        procedures.order_by("pk")
        .values_list(
            "pk",
            "patient_id",
            "surgeon_id",
            "procedure_date",
            "technique",
            "incision_length_mm",
            "length_of_stay_nights",
            "same_day_discharge",
            "next_day_discharge",
            "decision__consult__nrs_back",
            "decision__consult__nrs_leg",
            "decision__consult__odi_score",
        )
        .iterator(chunk_size=CHUNK)
    ):
        pk = values[0]
        ae_30, ae_90, ssi_30, ssi_90 = events.get(pk, (False, False, False, False))
        own = visits.get(pk, {})
        daily, work = returns.get(pk, (None, None))
        back, leg, odi = values[9:12]
        source = CONSULT
        reported = baselines.get(pk)
        if reported is not None:
            source = PATIENT_REPORTED
            back, leg = reported[0], reported[1]
            odi = odi if reported[2] is None else reported[2]
        rows.append(
            Row(
                *values[:9],
                ae_30=ae_30,
                ae_90=ae_90,
                ssi_30=ssi_30,
                ssi_90=ssi_90,
                base_back=back,
                base_leg=leg,
                base_odi=odi,
                visits=tuple(own.get(t, NOT_DUE_VISIT) for t in TIMEPOINTS),
                return_daily=daily,
                return_work=work,
                base_source=source,
            )
        )
    return rows


def _adverse_event_flags(procedures):
    """``{procedure id: [any within 30 days, any within 90, SSI within 30, SSI within 90]}``."""
    events = {}
    for procedure_id, event_type, days in (
        AdverseEvent.objects.valid()
        .filter(procedure__in=procedures)
        .values_list("procedure_id", "event_type", "days_after_procedure")
    ):
        flags = events.setdefault(procedure_id, [False, False, False, False])
        if days is not None and days <= 90:
            flags[1] = True
            flags[3] = flags[3] or event_type == AdverseEvent.Type.SSI
            if days <= 30:
                flags[0] = True
                flags[2] = flags[2] or event_type == AdverseEvent.Type.SSI

    return events


def _visits_and_returns(procedures, today):
    """Each procedure's :class:`Visit` per timepoint, its earliest return to daily activities
    and to work (days after the procedure) among the follow-ups answered in their window, and
    the patient-reported baseline ``(back, leg, odi)`` of those who answered it in its window."""
    visits, returns, baselines = {}, {}, {}
    for row in (
        FollowUp.objects.valid()
        .filter(procedure__in=procedures, cancelled_at__isnull=True)
        .values_list(
            "procedure_id",
            "procedure__procedure_date",
            "timepoint",
            "window_opens",
            "window_closes",
            "completed_at",
            "assessed_on",
            "nrs_back",
            "nrs_leg",
            "odi_score",
            "satisfaction",
            "returned_to_daily_activities_on",
            "returned_to_work_on",
            "source",
        )
        .iterator(chunk_size=CHUNK)
    ):
        procedure_id, operated, timepoint, opens, closes, completed, assessed = row[:7]
        back, leg, odi, satisfaction, daily, work, source = row[7:]
        in_window = completed is not None and assessed and opens <= assessed <= closes
        if timepoint == BASELINE:
            # The patient's own answers only: values the clinic typed in are the consult's kind.
            if in_window and source == FollowUp.Source.PATIENT:
                baselines[procedure_id] = (back, leg, odi)
            continue
        if in_window:
            visit = Visit(ANSWERED, back, leg, odi, satisfaction)
            earliest = returns.setdefault(procedure_id, [None, None])
            for index, day in enumerate((daily, work)):
                if day is not None:
                    days = (day - operated).days
                    if earliest[index] is None or days < earliest[index]:
                        earliest[index] = days
        elif closes < today:
            visit = MISSING_VISIT
        else:
            visit = NOT_DUE_VISIT
        visits.setdefault(procedure_id, {})[timepoint] = visit

    return visits, returns, baselines
