"""What the property tests of the edit forms share (test_properties_edit.py for the portal's,
test_properties_admin.py for the admin's): the strategies of what is posted, the comparison of
every row before and after, a new pathway per example, and one versioned edit checked whole.
"""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import event
from hypothesis import strategies as st

from cases import services
from cases.models import (
    AdverseEvent,
    CandidacyDecision,
    Consult,
    FollowUp,
    Level,
    Procedure,
    Side,
)
from clinic.models import STALE_MESSAGE, AuditEvent, Patient
from education.models import Assignment
from tests import factories
from tests.cases.test_properties_checkin import events_since, snapshot
from tests.cases.test_properties_more import (
    assert_pages_load,
    free_text,
    posted,
    value,
)

# --- what is posted ------------------------------------------------------------------------------


def day(low, high):
    """An ISO date ``low`` to ``high`` days ago (negative: in the future), the two ends often."""
    return st.one_of(st.sampled_from([low, high]), st.integers(low, high)).map(
        lambda n: (timezone.localdate() - datetime.timedelta(days=n)).isoformat()
    )


def choice(choices, *extra):
    return st.sampled_from([*choices.values, *extra])


def as_posted(form):
    """The form as a browser posts it unchanged: the values the page shows, ticked boxes only."""
    data = {}
    for field in form:
        widget, shown = field.field.widget, field.value()
        if isinstance(widget, forms.MultiWidget):  # the admin's date and time boxes
            parts = widget.decompress(shown)
            for i, (part_widget, part) in enumerate(zip(widget.widgets, parts, strict=True)):
                data[f"{field.html_name}_{i}"] = _text(part_widget, part)
        elif isinstance(widget, forms.CheckboxInput):
            if shown:
                data[field.html_name] = "on"
        else:
            data[field.html_name] = _text(widget, shown)
    return data


def _text(widget, shown):
    text = widget.format_value(shown)
    if isinstance(text, list):  # select and radio widgets
        text = text[0] if text else ""
    return "" if text is None else str(text)


@st.composite
def edits(draw, choices, most=3):
    """Up to ``most`` fields changed: to a value of ``choices`` or anything a browser might send
    (``None`` leaves the field out, which unticks a box)."""
    names = draw(st.lists(st.sampled_from(sorted(choices)), max_size=most, unique=True))
    return {name: draw(st.one_of(choices[name], value)) for name in names}


def resolve(data, ids):
    """``"@name"`` stands for the id of an object made for the example (another patient's
    procedure, a user who is not a specialist...), known only once it exists."""
    return {
        key: str(ids[text[1:]]) if isinstance(text, str) and text[1:] in ids else text
        for key, text in data.items()
    }


# A version posted in the hidden field: the one opened, or junk.
VERSION = st.sampled_from(["", "0", "-1", "2.5", "x", "9" * 20])

# Other values each field may validly (or nearly) take. "@..." names an object of the example.
CONSULT = {
    "consult_date": day(-2, 130),
    "mri_date": st.one_of(st.just(""), day(-2, 200)),
    "dominant_pain": choice(Consult.DominantPain),
    "side": choice(Side),
    "symptom_duration_weeks": st.sampled_from(["0", "2000", "2001"]),
    "weakness": st.just("on"),
    "mrc_grade": st.sampled_from(["", "0", "5", "6"]),
    "red_flag_other": st.just("on"),
    "level": choice(Level),
    "second_level": choice(Level, ""),
    "morphology": choice(Consult.Morphology),
    "zone": choice(Consult.Zone),
    "imaging_concordant": st.sampled_from(["true", "false", "unknown"]),
    "conservative_care_weeks": st.sampled_from(["", "0", "2000", "2001"]),
    "asa_class": st.sampled_from(["1", "4", "5"]),
    "bmi": st.sampled_from(["", "10", "80", "80.1", "24.55"]),
    "smoking": choice(Consult.Smoking),
    "work_status": choice(Consult.WorkStatus),
    "nrs_back": st.sampled_from(["0", "10", "11"]),
    "nrs_leg": st.sampled_from(["0", "10", "11"]),
    "odi_score": st.sampled_from(["", "0", "100", "101"]),
    "notes": free_text,
    "version": VERSION,
}
DECISION = {
    "decided_on": day(-2, 130),
    "outcome": choice(CandidacyDecision.Outcome),
    "severity_assessment": choice(CandidacyDecision.Factor),
    "health_assessment": choice(CandidacyDecision.Factor),
    "symptoms_assessment": choice(CandidacyDecision.Factor),
    "severity_note": free_text,
    "health_note": free_text,
    "symptoms_note": free_text,
    "rationale": free_text,
    "red_flags_acknowledged": st.just("on"),
    "assign_article": st.just("on"),
}
MOMENT = st.sampled_from(["", "T00:00", "T23:59", "T07:00"])
PROCEDURE = {
    "procedure_date": day(-2, 115),
    "surgeon": st.sampled_from(["", "@specialist", "@nobody"]),
    "technique": choice(Procedure.Technique),
    "level": choice(Level),
    "second_level": choice(Level, ""),
    "side": choice(Side),
    "incision_length_mm": st.sampled_from(["0", "1", "300", "301"]),
    "skin_to_skin_minutes": st.sampled_from(["0", "1", "1440", "1441"]),
    "blood_loss_ml": st.sampled_from(["", "0", "10000", "10001"]),
    "converted_to_open": st.just("on"),
    "admitted_at": st.tuples(day(-2, 115), MOMENT).map("".join),
    "discharged_at": st.one_of(st.just(""), st.tuples(day(-2, 115), MOMENT).map("".join)),
    "version": VERSION,
}
ADVERSE_EVENT = {
    "event_type": choice(AdverseEvent.Type),
    "onset_date": day(-2, 105),
    "clavien_dindo_grade": choice(AdverseEvent.Grade),
    "description": free_text,
    "version": VERSION,
}
# The procedure moved by this many days (its admission and discharge with it): the decision was
# 110 days ago and the procedure 100 (``pathway``), its adverse event 30 days after it and its
# completed follow-up 42 days after it.
SHIFT = st.one_of(
    st.sampled_from([0, 0, 1, -1, 30, 31, 42, 43, -10, -11, 100, 101]), st.integers(-15, 105)
)
STALE = st.sampled_from([False, False, False, True])


# --- what is compared ----------------------------------------------------------------------------

RECORDS = (Consult, CandidacyDecision, Procedure, AdverseEvent, FollowUp, Assignment)


def counts():
    """Rows in every table of the clinical apps (records, history, audit trail) and the admin's
    log of changes: what any partial write would move."""
    return {**snapshot(), "admin.LogEntry": LogEntry.objects.count()}


def rows_of(*patients):
    """Every field of every record of these patients, and of the patients themselves."""
    ids = [patient.pk for patient in patients]
    patient_rows = Patient._base_manager.filter(pk__in=ids).values()
    rows = {("Patient", row["id"]): row for row in patient_rows}
    for model in RECORDS:
        for row in model._base_manager.filter(patient__in=ids).values():
            rows[model.__name__, row["id"]] = row
    return rows


def row(record):
    """``record``'s fields as ``values()`` gives them, derived values computed from the rest."""
    for compute in ("compute_stay", "compute_timing", "compute_schedule", "compute_odi"):
        if hasattr(record, compute):
            getattr(record, compute)()
    # The patient follows the record it hangs from, as the models' save() sets it.
    if isinstance(record, Procedure) and record.decision_id:
        record.patient_id = record.decision.patient_id
    if isinstance(record, AdverseEvent) and record.procedure_id:
        record.patient_id = record.procedure.patient_id
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields}


def history(model):
    return model.history.model._meta.label


def plus(before, *added):
    """``before`` with one more row in each table named in ``added`` (a name may repeat)."""
    after = dict(before)
    for label in added:
        after[label] += 1
    return after


def last_event():
    return AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def form_errors(response):
    form = response.context["adminform"].form if "adminform" in response.context else None
    return (form or response.context["form"]).errors


def links_hold(*patients):
    """Each record belongs to the patient of the record it hangs from."""
    ids = [patient.pk for patient in patients]
    for decision in CandidacyDecision._base_manager.filter(patient__in=ids):
        assert decision.patient_id == decision.consult.patient_id, decision
    for procedure in Procedure._base_manager.filter(patient__in=ids):
        assert procedure.patient_id == procedure.decision.patient_id, procedure
    for adverse_event in AdverseEvent._base_manager.filter(patient__in=ids):
        assert adverse_event.patient_id == adverse_event.procedure.patient_id, adverse_event
    for follow_up in FollowUp._base_manager.filter(patient__in=ids):
        assert follow_up.patient_id == follow_up.anchor.patient_id, follow_up


def assert_valid(record):
    """``full_clean()`` passes on the stored ``record`` (an AssertionError naming it if not)."""
    stored = type(record)._base_manager.get(pk=record.pk)
    try:
        stored.full_clean()
    except ValidationError as error:
        raise AssertionError(f"{stored!r} was saved invalid: {error.messages}") from None
    return stored


def post_once(client, url, data, *, saves, patients):
    """POST ``data``: a redirect if and only if ``saves``; otherwise the form with its errors and
    not a row of any table, nor a field of the patients' records, changed. Returns the response
    and the counts and rows from just before."""
    before, rows, last = counts(), rows_of(*patients), last_event()

    response = client.post(url, data)

    assert response.status_code in (200, 302), response.status_code
    event("saved" if response.status_code == 302 else "errors")  # --hypothesis-show-statistics
    if response.status_code == 200:
        assert form_errors(response)
        assert counts() == before
        assert rows_of(*patients) == rows
        # Nothing is written. The form shown again is a view of the record it edits, audited as
        # one (a new record's form shows none).
        assert [event[0] for event in events_since(last)] in ([], ["view"])
    assert (response.status_code == 302) == saves, (
        form_errors(response) if response.status_code == 200 else "saved"
    )
    return response, before, rows, last


# --- the records of each example -----------------------------------------------------------------


def pathway(specialist):
    """A new patient through the whole pathway, as in the ``records`` fixture: consult, MISS
    decision 110 days ago, procedure 100 days ago with its follow-ups scheduled (the 6-week one
    completed, 42 days after), an adverse event 30 days after the procedure (the last day that
    counts as within 30 days)."""
    consult = factories.ConsultFactory(specialist=specialist)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    procedure = services.record_procedure(
        procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
        by=specialist,
    )
    adverse_event = factories.AdverseEventFactory(
        procedure=procedure, onset_date=procedure.procedure_date + datetime.timedelta(days=30)
    )
    follow_up = procedure.follow_ups.get(timepoint="6w")
    follow_up.assessed_on = procedure.procedure_date + datetime.timedelta(days=42)
    follow_up.nrs_back, follow_up.nrs_leg = 2, 1
    services.complete_follow_up(
        follow_up=follow_up, expected_version=follow_up.version, by=specialist
    )
    return {
        "patient": consult.patient,
        "consult": consult,
        "decision": decision,
        "procedure": procedure,
        "adverseevent": adverse_event,
        "followup": follow_up,
    }


def ids_of(records, other, **users):
    return {
        **{name: record.pk for name, record in records.items()},
        **{f"other_{name}": record.pk for name, record in other.items()},
        "other_mrn": other["patient"].mrn,
        **{name: user.pk for name, user in users.items()},
    }


def saved_meanwhile(record):
    """Someone else saves the record after the form was opened: the opened copy is stale."""
    other = type(record)._base_manager.get(pk=record.pk)
    other.save_if_current(expected_version=other.version)
    event("stale copy posted")


def moved(record, shift):
    """An unsaved copy of the procedure ``shift`` days later, admission and discharge with it."""
    copy = Procedure._base_manager.get(pk=record.pk)
    by = datetime.timedelta(days=shift)
    copy.procedure_date += by
    copy.admitted_at += by
    if copy.discharged_at:
        copy.discharged_at += by
    return copy


def admin_form(model, user, obj=None):
    """The form class of ``model``'s admin page, as the admin builds it for ``user``."""
    request = RequestFactory().get("/")
    request.user = user
    return admin.site._registry[model].get_form(request, obj, change=obj is not None)


# --- one versioned edit --------------------------------------------------------------------------


def check_edit(client, url, form_class, record, data, *, user, detail, patients, admin_log=False):
    """POST an edit of ``record``: saved whole or refused with errors, nothing else changed."""
    model = type(record)
    opened = model._base_manager.get(pk=record.pk)
    expected = form_class(data, instance=model._base_manager.get(pk=record.pk))
    valid = expected.is_valid()
    if valid and "version" in expected.fields:
        # The portal refuses, when it saves, a change that would leave another record invalid
        # (a procedure's own records, a consult's decisions); the admin's form checks that itself.
        try:
            services.check_change(expected.instance)
        except ValidationError:
            valid = False
    # The portal's form carries the version; the admin's form compares it itself.
    current = "version" not in expected.fields or (
        expected.cleaned_data.get("version") == opened.version
    )
    if valid:
        # A record may be hung from another patient's procedure or decision: compare theirs too.
        patients = [*patients, Patient(pk=row(expected.instance)["patient_id"])]
    dependents = []
    if model is Procedure:
        dependents = [*opened.follow_ups.all(), *opened.adverse_events.all()]

    response, before, rows, last = post_once(
        client, url, data, saves=valid and current, patients=patients
    )
    if valid and not current:
        assert STALE_MESSAGE in str(form_errors(response))
    if response.status_code != 302:
        return None

    stored = assert_valid(record)
    assert stored.version == opened.version + 1
    # Every posted value is stored, derived values follow, nothing else moves.
    changed = {(model.__name__, stored.pk): {**row(expected.instance), "version": stored.version}}
    for dependent in dependents:
        dependent.procedure = expected.instance
        changed[type(dependent).__name__, dependent.pk] = row(dependent)
    after = rows_of(*patients)
    assert after == {**rows, **changed}
    for dependent in dependents:
        assert_valid(dependent)
    links_hold(*patients)
    added = [history(model), "clinic.AuditEvent", *(history(type(d)) for d in dependents)]
    if admin_log:
        added.append("admin.LogEntry")
    assert counts() == plus(before, *added)
    assert events_since(last) == [
        ("update", detail, model._meta.label_lower, str(record.pk), user.pk, stored.patient_id)
    ]
    assert_pages_load(client, stored)
    return stored


# --- the portal's edit forms ---------------------------------------------------------------------


def edit_in_portal(
    client, user, records, other, nobody, *, kind, form_class, change, stale, shown=None
):
    """Post the portal's edit form of ``records[kind]`` as the page shows it (``shown``: the copy
    the form is filled from), with ``change`` applied, then check_edit."""
    record = records[kind]
    data = as_posted(form_class(instance=shown or record))
    if stale:
        saved_meanwhile(record)
    data = resolve(posted({**data, **change}), ids_of(records, other, nobody=nobody))
    stored = check_edit(
        client,
        reverse(f"cases:{kind}_edit", args=[record.pk]),
        form_class,
        record,
        data,
        user=user,
        detail=f"{record._meta.verbose_name} edited",
        patients=[records["patient"], other["patient"]],
    )
    if stale:
        assert stored is None
