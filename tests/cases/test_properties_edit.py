"""Property tests of the forms that edit clinical data (the forms that create it are in
test_properties.py and test_properties_more.py): in the portal, editing a consult, a procedure or
an adverse event and amending a decision; in the admin, the change forms of the clinical records
and the patient's change and add forms.

Each example posts the form as the page shows it, with up to three fields changed (to another
valid value, to junk, or left out), from a current copy or from a stale one (someone saved the
record after it was opened). The page then either

* redirects, and the record is saved whole: every posted value stored, ``full_clean()`` passes,
  derived values follow, the version moves on by exactly one, exactly the expected audit entry
  and history rows are added and no other row changes (for a procedure, every follow-up and
  adverse event is re-saved against the new date and stays valid); or
* shows the form with errors and changes nothing: the same number of rows in every table of the
  clinical apps (history and audit trail included) and every field of the patient's records the
  same.

It never answers with a server error, and a valid, current post is never refused.

The database is not rolled back between the examples of a test, so each example edits records of
its own (``pathway``); the client logs in once per test (a login writes audit entries); counts and
rows are compared just before and just after the one POST.
"""

import datetime

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from cases import services
from cases.forms import (
    MISS_ARTICLE_SLUG,
    AdverseEventForm,
    ConsultForm,
    DecisionForm,
    ProcedureForm,
)
from cases.models import (
    AdverseEvent,
    CandidacyDecision,
    Consult,
    FollowUp,
    Level,
    Procedure,
    Side,
    Timepoint,
)
from clinic.models import STALE_MESSAGE, AuditEvent, Patient
from education.models import Assignment
from tests import factories
from tests.cases.test_properties_checkin import events_since, snapshot
from tests.cases.test_properties_more import (
    SETTINGS,
    assert_pages_load,
    free_text,
    posted,
    value,
)

pytestmark = pytest.mark.django_db

ADMIN_SETTINGS = settings(SETTINGS, max_examples=20)  # admin pages are the slowest to render

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


@pytest.fixture
def specialist_client(client_for, specialist):
    return client_for(specialist)


@pytest.fixture
def superuser_client(client_for, superuser):
    return client_for(superuser)


@pytest.fixture
def other(specialist):
    """Another patient's pathway: the records a crafted post may try to hang a record from."""
    return pathway(specialist)


@pytest.fixture
def nobody(db):
    """A user who is not a specialist."""
    return factories.UserFactory()


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


@SETTINGS
@given(change=edits(CONSULT), stale=STALE)
def test_editing_a_consult_saves_it_whole_or_shows_errors_and_writes_nothing(
    specialist_client, specialist, other, nobody, change, stale
):
    records = pathway(specialist)
    edit_in_portal(
        specialist_client, specialist, records, other, nobody,
        kind="consult", form_class=ConsultForm, change=change, stale=stale,
    )  # fmt: skip


@SETTINGS
@given(shift=SHIFT, change=edits(PROCEDURE), stale=STALE)
@example(shift=31, change={}, stale=False)
def test_editing_a_procedure_saves_it_and_resaves_its_dependents_or_shows_errors(
    specialist_client, specialist, other, nobody, shift, change, stale
):
    records = pathway(specialist)
    edit_in_portal(
        specialist_client, specialist, records, other, nobody,
        kind="procedure", form_class=ProcedureForm, change=change, stale=stale,
        shown=moved(records["procedure"], shift),
    )  # fmt: skip


@SETTINGS
@given(change=edits(ADVERSE_EVENT), stale=STALE)
def test_editing_an_adverse_event_saves_it_whole_or_shows_errors_and_writes_nothing(
    specialist_client, specialist, other, nobody, change, stale
):
    records = pathway(specialist)
    edit_in_portal(
        specialist_client, specialist, records, other, nobody,
        kind="adverseevent", form_class=AdverseEventForm, change=change, stale=stale,
    )  # fmt: skip


@pytest.fixture
def miss_article(db):
    """The published MISS article: the amendment form then offers to assign it."""
    return factories.published_article(article__slug=MISS_ARTICLE_SLUG)


@SETTINGS
@given(
    plan=st.sampled_from(["miss", "conservative"]),
    red_flags=st.booleans(),
    amended_first=STALE,
    change=edits(DECISION),
)
def test_amending_a_decision_adds_one_superseding_it_or_shows_errors_and_writes_nothing(
    specialist_client, specialist, miss_article, plan, red_flags, amended_first, change
):
    """The amended decision is never changed: a new one supersedes it, with the follow-ups and
    the reading its plan brings. A decision someone amended first takes no second amendment."""
    consult = factories.ConsultFactory(specialist=specialist, red_flag_other=red_flags)
    patient = consult.patient
    decision = services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(
            consult=consult, outcome=plan, red_flags_acknowledged=red_flags
        ),
        by=specialist,
    )
    initial = {name: getattr(decision, name) for name in DecisionForm.AMENDED_FIELDS}

    def amendment_form(data=None):
        instance = CandidacyDecision(consult=consult, patient=patient)
        return DecisionForm(data, instance=instance, initial=initial)

    if amended_first:
        event("amended first")
        first = amendment_form(as_posted(amendment_form()))
        assert first.is_valid(), first.errors
        services.record_decision(
            decision=first.save(commit=False), by=specialist, supersedes=decision
        )
    data = posted({**as_posted(amendment_form()), **change})
    expected = amendment_form(data)
    valid = expected.is_valid()
    pending = list(FollowUp.objects.pending().filter(patient=patient, decision__isnull=False))

    response, before, rows, last = post_once(
        specialist_client,
        reverse("cases:decision_amend", args=[decision.pk]),
        data,
        saves=valid and not amended_first,
        patients=[patient],
    )
    if response.status_code != 302:
        return

    new = assert_valid(CandidacyDecision.objects.get(supersedes=decision))
    assert list(CandidacyDecision.objects.current().filter(patient=patient)) == [new]
    assert (new.decided_by, new.recorded_by, new.consult, new.patient) == (
        specialist,
        specialist,
        consult,
        patient,
    )
    assert {name: getattr(new, name) for name in DecisionForm.Meta.fields} == {
        name: getattr(expected.instance, name) for name in DecisionForm.Meta.fields
    }
    conservative = new.outcome in CandidacyDecision.FOLLOWED_WITHOUT_SURGERY
    assigned = bool(expected.cleaned_data.get("assign_article"))
    scheduled = [] if not conservative or pending else list(new.follow_ups.all())
    cancelled = [] if conservative else pending
    assert len(scheduled) in (0, 5)

    # The old decision and every other record stay as they were; the plan's follow-ups are
    # scheduled from the new decision, or the pending ones cancelled.
    after = rows_of(patient)
    new_rows = {("CandidacyDecision", new.pk)} | {("FollowUp", f.pk) for f in scheduled}
    if assigned:
        assignment = Assignment.objects.get(patient=patient, article=miss_article)
        new_rows.add(("Assignment", assignment.pk))
    assert set(after) == set(rows) | new_rows
    for key, old in rows.items():
        if key in {("FollowUp", f.pk) for f in cancelled}:
            assert after[key]["cancelled_at"] is not None
            assert after[key] == {
                **old,
                "cancelled_at": after[key]["cancelled_at"],
                "cancel_reason": "the plan changed",
                "version": old["version"] + 1,
            }
        else:
            assert after[key] == old, key
    links_hold(patient)

    added = [CandidacyDecision._meta.label, history(CandidacyDecision), "clinic.AuditEvent"]
    added += [FollowUp._meta.label, history(FollowUp)] * len(scheduled)
    added += [history(FollowUp)] * len(cancelled)
    events = [("create", "decision amended", "cases.candidacydecision", str(new.pk))]
    if assigned:
        added += [Assignment._meta.label, history(Assignment), "clinic.AuditEvent"]
        events.append(("create", "assigned reading", "education.assignment", str(assignment.pk)))
    assert counts() == plus(before, *added)
    assert events_since(last) == [(*e, specialist.pk, patient.pk) for e in events]
    assert_pages_load(specialist_client, new)


# --- the admin's change forms of clinical records ------------------------------------------------

ADMIN_CONSULT = {
    **{name: values for name, values in CONSULT.items() if name != "version"},
    "patient": st.sampled_from(["", "@patient", "@other_patient"]),
    "specialist": st.sampled_from(["", "@specialist", "@nobody"]),
    "seen_version": VERSION,
}
SPLIT = ("version", "admitted_at", "discharged_at")  # the admin has two boxes for a date and time
ADMIN_PROCEDURE = {
    **{name: values for name, values in PROCEDURE.items() if name not in SPLIT},
    "admitted_at_0": day(-2, 115),
    "admitted_at_1": st.sampled_from(["", "00:00", "23:59", "25:00"]),
    "discharged_at_0": st.one_of(st.just(""), day(-2, 115)),
    "discharged_at_1": st.sampled_from(["", "00:00", "23:59"]),
    "decision": st.sampled_from(["", "@decision", "@other_decision"]),
    "seen_version": VERSION,
}
ADMIN_ADVERSE_EVENT = {
    **{name: values for name, values in ADVERSE_EVENT.items() if name != "version"},
    "procedure": st.sampled_from(["", "@procedure", "@other_procedure"]),
    "seen_version": VERSION,
}
ADMIN_FOLLOW_UP = {
    "procedure": st.sampled_from(["", "@procedure", "@other_procedure"]),
    "decision": st.sampled_from(["", "@decision"]),
    "timepoint": choice(Timepoint),
    "source": choice(FollowUp.Source),
    "assessed_on": st.one_of(st.just(""), day(-2, 105)),
    "out_of_window_reason": st.one_of(st.just("Seen late: the patient was abroad"), free_text),
    "nrs_back": st.sampled_from(["", "0", "10", "11"]),
    "nrs_leg": st.sampled_from(["", "0", "10", "11"]),
    "returned_to_daily_activities_on": st.one_of(st.just(""), day(-2, 105)),
    "returned_to_work_on": st.one_of(st.just(""), day(-2, 105)),
    "satisfaction": st.sampled_from(["", "1", "4", "5"]),
    "global_perceived_effect": choice(FollowUp.GlobalEffect, ""),
    "odi_score": st.sampled_from(["", "0", "100", "101"]),
    "seen_version": VERSION,
}


def change_in_admin(client, superuser, specialist, other, nobody, kind, change, *, stale, **how):
    """Change a new pathway's record of ``kind`` in the admin, as the superuser. ``how``: which
    follow-up (``timepoint``), how far to move a procedure (``shift``)."""
    records = pathway(specialist)
    if kind == "followup":
        records["followup"] = records["procedure"].follow_ups.get(timepoint=how["timepoint"])
    record = records[kind]
    form_class = admin_form(type(record), superuser, record)
    shown = moved(record, how["shift"]) if kind == "procedure" else record
    data = as_posted(form_class(instance=shown))
    if stale:
        saved_meanwhile(record)
    ids = ids_of(records, other, specialist=specialist, nobody=nobody)
    stored = check_edit(
        client,
        reverse(f"admin:cases_{kind}_change", args=[record.pk]),
        form_class,
        record,
        resolve(posted({**data, **change}), ids),
        user=superuser,
        detail="changed in admin",
        patients=[records["patient"], other["patient"]],
        admin_log=True,
    )
    if stale:
        assert stored is None


@ADMIN_SETTINGS
@given(change=edits(ADMIN_CONSULT), stale=STALE)
@example(change={"patient": "@other_patient"}, stale=False)
def test_changing_a_consult_in_the_admin_saves_it_whole_or_shows_errors(
    superuser_client, superuser, specialist, other, nobody, change, stale
):
    change_in_admin(
        superuser_client, superuser, specialist, other, nobody, "consult", change, stale=stale
    )


@ADMIN_SETTINGS
@given(shift=SHIFT, change=edits(ADMIN_PROCEDURE), stale=STALE)
@example(shift=1, change={}, stale=False)
def test_changing_a_procedure_in_the_admin_saves_it_and_its_dependents_or_shows_errors(
    superuser_client, superuser, specialist, other, nobody, shift, change, stale
):
    """The admin saves like the portal: a procedure's follow-ups and adverse events follow it."""
    change_in_admin(
        superuser_client,
        superuser,
        specialist,
        other,
        nobody,
        "procedure",
        change,
        stale=stale,
        shift=shift,
    )


@ADMIN_SETTINGS
@given(change=edits(ADMIN_ADVERSE_EVENT), stale=STALE)
def test_changing_an_adverse_event_in_the_admin_saves_it_whole_or_shows_errors(
    superuser_client, superuser, specialist, other, nobody, change, stale
):
    change_in_admin(
        superuser_client, superuser, specialist, other, nobody, "adverseevent", change, stale=stale
    )


@ADMIN_SETTINGS
@given(timepoint=st.sampled_from(["2w", "6w"]), change=edits(ADMIN_FOLLOW_UP), stale=STALE)
@example(timepoint="2w", change={"timepoint": "6w"}, stale=False)
@example(timepoint="6w", change={"nrs_back": ""}, stale=False)
def test_changing_a_follow_up_in_the_admin_saves_it_whole_or_shows_errors(
    superuser_client, superuser, specialist, other, nobody, timepoint, change, stale
):
    """The 6-week follow-up is completed, the 2-week one pending."""
    change_in_admin(
        superuser_client,
        superuser,
        specialist,
        other,
        nobody,
        "followup",
        change,
        stale=stale,
        timepoint=timepoint,
    )


# --- the admin's patient forms -------------------------------------------------------------------

ADMIN_PATIENT = {
    "mrn": st.sampled_from(["", "MRN-EDITED", "@other_mrn", "x" * 33]),
    "given_name": free_text,
    "family_name": free_text,
    "date_of_birth": day(-2, 40000),
    "sex": choice(Patient.Sex),
    "preferred_language": st.sampled_from(["en", "es", "fr"]),
    "email": st.sampled_from(["", "ana@example.org", "not-an-email"]),
    "phone": free_text,
    "user": st.sampled_from(["", "@patient_user", "@nobody"]),
    "primary_specialist": st.sampled_from(["", "@specialist", "@nobody"]),
}


@ADMIN_SETTINGS
@given(change=edits(ADMIN_PATIENT))
@example(change={})
def test_changing_a_patient_in_the_admin_saves_it_whole_or_shows_errors(
    superuser_client, superuser, specialist, patient_user, other, nobody, change
):
    records = pathway(specialist)
    patient = records["patient"]
    form_class = admin_form(Patient, superuser, patient)
    ids = ids_of(records, other, specialist=specialist, nobody=nobody, patient_user=patient_user)
    data = resolve(posted({**as_posted(form_class(instance=patient)), **change}), ids)
    expected = form_class(data, instance=Patient.objects.get(pk=patient.pk))

    response, before, rows, last = post_once(
        superuser_client,
        reverse("admin:clinic_patient_change", args=[patient.pk]),
        data,
        saves=expected.is_valid(),
        patients=[patient, other["patient"]],
    )
    if response.status_code != 302:
        return

    assert_valid(patient)
    after = rows_of(patient, other["patient"])
    changed = {
        **row(expected.instance),
        "version": patient.version + 1,
        "updated_at": after["Patient", patient.pk]["updated_at"],
    }
    assert after == {**rows, ("Patient", patient.pk): changed}
    assert counts() == plus(before, history(Patient), "clinic.AuditEvent", "admin.LogEntry")
    assert events_since(last) == [
        ("update", "updated in admin", "clinic.patient", str(patient.pk), superuser.pk, patient.pk)
    ]
    assert_pages_load(superuser_client, Patient.objects.get(pk=patient.pk))


@ADMIN_SETTINGS
@given(change=edits(ADMIN_PATIENT, most=4))
def test_registering_a_patient_in_the_admin_saves_one_whole_or_shows_errors(
    superuser_client, superuser, specialist, patient_user, other, nobody, change
):
    new = factories.PatientFactory.build()
    form_class = admin_form(Patient, superuser)
    ids = ids_of({}, other, specialist=specialist, nobody=nobody, patient_user=patient_user)
    data = resolve(posted({**as_posted(form_class(instance=new)), **change}), ids)
    expected = form_class(data)

    response, before, rows, last = post_once(
        superuser_client,
        reverse("admin:clinic_patient_add"),
        data,
        saves=expected.is_valid(),
        patients=[other["patient"]],
    )
    if response.status_code != 302:
        return

    stored = assert_valid(Patient.objects.latest("pk"))
    assert stored.version == 1
    exclude = {"id", "created_at", "updated_at"}
    saved = {k: v for k, v in row(stored).items() if k not in exclude}
    assert saved == {k: v for k, v in row(expected.instance).items() if k not in exclude}
    assert rows_of(other["patient"]) == rows
    added = [Patient._meta.label, history(Patient), "clinic.AuditEvent", "admin.LogEntry"]
    assert counts() == plus(before, *added)
    assert events_since(last) == [
        ("create", "created in admin", "clinic.patient", str(stored.pk), superuser.pk, stored.pk)
    ]
    assert_pages_load(superuser_client, stored)
