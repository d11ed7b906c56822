"""Property tests of the admin's change forms of the clinical records and of the patient's change
and add forms; the portal's edit forms, and what each example checks, are in
test_properties_edit.py.
"""

import pytest
from django.urls import reverse
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cases.models import (
    FollowUp,
    Timepoint,
)
from clinic.models import Patient
from tests import factories
from tests.cases.edit_examples import (
    ADVERSE_EVENT,
    CONSULT,
    PROCEDURE,
    SHIFT,
    STALE,
    VERSION,
    admin_form,
    as_posted,
    assert_valid,
    check_edit,
    choice,
    counts,
    day,
    edits,
    history,
    ids_of,
    moved,
    pathway,
    plus,
    post_once,
    resolve,
    row,
    rows_of,
    saved_meanwhile,
)
from tests.cases.test_properties_checkin import events_since
from tests.cases.test_properties_more import (
    SETTINGS,
    assert_pages_load,
    free_text,
    posted,
)
from tests.examples import examples

pytestmark = pytest.mark.django_db

ADMIN_SETTINGS = settings(SETTINGS, max_examples=examples(20))  # the admin is slow to render

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
