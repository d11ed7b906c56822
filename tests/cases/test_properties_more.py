"""Property tests of the other clinical forms (the consult and follow-up forms are in
test_properties.py): whatever is posted, the page either saves a valid record or shows errors —
never a server error, never a partial write (rows and audit entries are counted before/after) —
and every page that shows a saved record keeps loading.

The values posted include the ends of the calendar and of the number columns (``value``, shared
by every clinical form's property tests), where a missing rule once let a derived value overflow.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure
from clinic.models import AuditEvent, Patient
from education.models import Assignment
from tests import factories
from tests.examples import examples

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _days_from_today(n):
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


# The ends of the calendar, the first accepted day and the day before it, and around today.
EDGE_DAYS = ["0001-01-01", "9999-12-31", "1899-12-31", "1900-01-01", "1950-01-01"]
edge_day = st.one_of(st.sampled_from(EDGE_DAYS), st.sampled_from([-1, 0, 1]).map(_days_from_today))
# The same as moments (datetime-local boxes), far in the past and future included.
edge_moment = st.tuples(edge_day, st.sampled_from(["T00:00", "T23:59", " 12:30"])).map("".join)
# The ends of the number columns and numbers that are not numbers.
edge_number = st.sampled_from(
    ["-1", "-0", "0.5", "32767", "32768", "65536", "2147483648", "9" * 25, "1e309", "NaN",
     "Infinity"]
)  # fmt: skip
# Anything a browser (or someone without one) might send in a field.
value = st.one_of(
    edge_day,
    edge_moment,
    edge_number,
    st.none(),
    st.text(max_size=12),
    st.integers(min_value=-50, max_value=3000).map(str),
    st.sampled_from(
        ["", " ", "\x00", "on", "true", "L4-L5", "left", "miss", "favours", "2999-01-01",
         "2020-02-30", "2024-01-01T10:00", "<script>alert(1)</script>", "x" * 300]
    ),
    st.dates().map(lambda d: d.isoformat()),
)  # fmt: skip
free_text = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.sampled_from(["", "   ", "\x00", "a\x00b", "é" * 2001, "x" * 4001, "<b>bold</b>"]),
)


def posted(data):
    return {k: v for k, v in data.items() if v is not None}


@st.composite
def fields(draw, names, strategy=value, most=4):
    """Up to ``most`` of the fields ``names`` posted as ``strategy`` draws them (``None`` leaves
    the field out); the rest of a valid post stays as it is, so a value that is valid on its own
    (an edge of the calendar that is allowed) gets saved and its record's pages shown."""
    chosen = draw(st.lists(st.sampled_from(names), max_size=most, unique=True))
    return {name: draw(strategy) for name in chosen}


def snapshot(*models):
    """Row counts of the clinical tables and the audit trail: what a partial write would move
    (a form shown again is audited as a view, which writes nothing: views are not counted)."""
    tables = (Patient, Consult, CandidacyDecision, Procedure, AdverseEvent, FollowUp, Assignment)
    counts = {m.__name__: m._base_manager.count() for m in tables}
    return {**counts, "AuditEvent": AuditEvent.objects.exclude(action="view").count()}


EDIT_PAGES = {
    Patient: "cases:patient_edit",
    Consult: "cases:consult_edit",
    Procedure: "cases:procedure_edit",
    AdverseEvent: "cases:adverseevent_edit",
    FollowUp: "cases:followup_form",
}
EXPORTS = {
    Consult: "consults",
    CandidacyDecision: "decisions",
    Procedure: "procedures",
    AdverseEvent: "adverse_events",
    FollowUp: "follow_ups",
}


def assert_pages_load(client, record):
    """Every page showing ``record`` loads: the patient's page, the record's own page and edit
    page, the admin's list of its kind and the clinic-wide export of its table. (``client``: a
    specialist's or a superuser's.)"""
    model = type(record)
    patient = record if model is Patient else record.patient
    urls = {patient.get_absolute_url(), record.get_absolute_url()}
    edit = reverse(EDIT_PAGES[model], args=[record.pk]) if model in EDIT_PAGES else None
    if getattr(record, "entered_in_error", False):
        urls.discard(edit)  # a marked record is no longer edited (a follow-up's page is its form)
    elif edit:
        urls.add(edit)
    urls.add(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url
    if model in EXPORTS:
        assert client.post(reverse("cases:export_csv", args=[EXPORTS[model]])).status_code == 200


def assert_saved_or_errors(response, before, *, created=None):
    """200 with form errors and nothing written, or a redirect and one audited record."""
    assert response.status_code in (200, 302), response.status_code
    event("saved" if response.status_code == 302 else "errors")  # --hypothesis-show-statistics
    after = snapshot()
    if response.status_code == 200:
        form = response.context["form"]
        assert form.errors or not form.is_bound  # an empty post shows the form again
        assert after == before
        return None
    assert after["AuditEvent"] > before["AuditEvent"]
    if created is not None:
        assert after[created.__name__] == before[created.__name__] + 1
        record = created._base_manager.latest("pk")
        record.full_clean()
        return record
    return None


PATIENT_FIELDS = ["mrn", "given_name", "family_name", "date_of_birth", "sex",
                  "preferred_language", "email", "phone", "primary_specialist",
                  "confirm_not_duplicate"]  # fmt: skip
VALID_PATIENT = {
    "mrn": "MRN-NEW-1",
    "given_name": "Ana",
    "family_name": "Silva",
    "date_of_birth": "1970-05-01",
    "sex": "female",
    "preferred_language": "en",
    "email": "",
    "phone": "",
}


@SETTINGS
@given(data=fields(PATIENT_FIELDS))
def test_patient_registration_saves_a_valid_patient_or_shows_errors(client_for, specialist, data):
    client = client_for(specialist)
    before = snapshot()
    response = client.post(reverse("cases:patient_create"), posted({**VALID_PATIENT, **data}))
    patient = assert_saved_or_errors(response, before, created=Patient)
    if patient is not None:
        assert_pages_load(client, patient)


@SETTINGS
@given(data=fields([*PATIENT_FIELDS, "version"]))
def test_correcting_a_patient_saves_a_valid_patient_or_shows_errors(client_for, specialist, data):
    """The edit form: the stored patient changes whole, or not at all (history included)."""
    patient = factories.PatientFactory()
    client = client_for(specialist)
    before = snapshot()
    history = patient.history.count()
    form = {**VALID_PATIENT, "version": str(patient.version), **data}
    response = client.post(reverse("cases:patient_edit", args=[patient.pk]), posted(form))
    stored = Patient.objects.get(pk=patient.pk)
    if response.status_code == 200:
        assert response.context["form"].errors
        assert snapshot() == before
        assert (stored.version, stored.mrn, stored.history.count()) == (
            patient.version,
            patient.mrn,
            history,
        )
    else:
        assert response.status_code == 302, response.status_code
        stored.full_clean()
        assert stored.version == patient.version + 1
        assert stored.history.count() == history + 1
        assert snapshot()["AuditEvent"] == before["AuditEvent"] + 1
        assert_pages_load(client, stored)


DECISION_FIELDS = ["decided_on", "outcome", "severity_assessment", "severity_note",
                   "health_assessment", "health_note", "symptoms_assessment", "symptoms_note",
                   "rationale", "red_flags_acknowledged", "assign_article"]  # fmt: skip


@SETTINGS
@given(data=fields(DECISION_FIELDS), rationale=free_text)
def test_candidacy_decision_saves_a_valid_decision_or_shows_errors(
    client_for, specialist, records, decision_data, data, rationale
):
    client = client_for(specialist)
    before = snapshot()
    post = posted({**decision_data, **data, "rationale": rationale})
    response = client.post(reverse("cases:decision_create", args=[records["consult"].pk]), post)
    decision = assert_saved_or_errors(response, before, created=CandidacyDecision)
    if decision is not None:
        assert decision.rationale.strip() and decision.rationale == decision.rationale.strip()
        # Exactly one decision of the patient is current: the new one.
        current = CandidacyDecision.objects.current().filter(patient=records["patient"])
        assert list(current) == [decision]
        assert_pages_load(client, decision)


PROCEDURE_FIELDS = ["procedure_date", "surgeon", "technique", "level", "second_level", "side",
                    "incision_length_mm", "skin_to_skin_minutes", "blood_loss_ml",
                    "converted_to_open", "admitted_at", "discharged_at"]  # fmt: skip


@SETTINGS
@given(data=fields(PROCEDURE_FIELDS))
def test_procedure_saves_a_valid_procedure_with_its_follow_ups_or_shows_errors(
    client_for, specialist, procedure_data, data
):
    decision = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(specialist=specialist)
    )
    client = client_for(specialist)
    before = snapshot()
    valid = {**procedure_data, "surgeon": str(specialist.pk)}
    response = client.post(
        reverse("cases:procedure_create", args=[decision.pk]), posted({**valid, **data})
    )
    procedure = assert_saved_or_errors(response, before, created=Procedure)
    if procedure is not None:
        assert procedure.decision == decision
        assert procedure.follow_ups.exists()  # scheduled in the same write
        assert_pages_load(client, procedure)


ADVERSE_EVENT_FIELDS = ["event_type", "onset_date", "clavien_dindo_grade", "version"]


@SETTINGS
@given(data=fields(ADVERSE_EVENT_FIELDS), description=free_text)
def test_adverse_event_saves_a_valid_event_or_shows_errors(
    client_for, specialist, records, data, description
):
    procedure = records["procedure"]
    valid = {
        "event_type": "dural_tear",
        "onset_date": procedure.procedure_date.isoformat(),
        "clavien_dindo_grade": "I",
    }
    client = client_for(specialist)
    before = snapshot()
    response = client.post(
        reverse("cases:adverseevent_create", args=[procedure.pk]),
        posted({**valid, **data, "description": description}),
    )
    event = assert_saved_or_errors(response, before, created=AdverseEvent)
    if event is not None:
        assert event.procedure == procedure and event.patient == procedure.patient
        assert_pages_load(client, event)


@SETTINGS
@given(
    kind=st.sampled_from(["consult", "decision", "procedure", "adverseevent", "followup"]),
    reason=free_text,
)
def test_entered_in_error_marks_the_record_with_its_reason_or_shows_errors(
    client_for, specialist, kind, reason
):
    consult = factories.ConsultFactory(specialist=specialist)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    procedure = factories.ProcedureFactory(decision=decision)
    record = {
        "consult": consult,
        "decision": decision,
        "procedure": procedure,
        "adverseevent": factories.AdverseEventFactory(procedure=procedure),
        "followup": factories.FollowUpFactory(procedure=procedure),
    }[kind]
    model, version = type(record), record.version
    client = client_for(specialist)
    before = snapshot()
    response = client.post(
        reverse("cases:entered_in_error", args=[kind, record.pk]), posted({"reason": reason})
    )
    assert_saved_or_errors(response, before)
    record = model._base_manager.get(pk=record.pk)
    if response.status_code == 200:
        assert not record.entered_in_error and record.version == version
    else:
        assert record.entered_in_error and record.entered_in_error_reason.strip()
        assert record.entered_in_error_by == specialist and record.version == version + 1
        assert_pages_load(client, record)


@SETTINGS
@given(data=fields(["article"]), note=free_text)
def test_assigning_reading_saves_an_assignment_or_shows_errors(
    client_for, specialist, patient, data, note
):
    article = factories.published_article()
    client = client_for(specialist)
    before = snapshot()
    response = client.post(
        reverse("education:assign_article", args=[patient.pk]),
        posted({"article": str(article.pk), **data, "note": note}),
    )
    if response.status_code == 302 and snapshot() == before:
        pytest.fail("a redirect without an assignment")
    assignment = assert_saved_or_errors(response, before, created=Assignment)
    if assignment is not None:
        assert assignment.patient == patient and assignment.version == article.published_version


def _message_of(client, response):
    return [str(m) for m in response.wsgi_request._messages]


@SETTINGS
@given(question=free_text)
def test_a_patients_question_is_saved_whole_or_refused_with_a_message(
    client_for, patient_user, question
):
    assignment = factories.AssignmentFactory(patient=patient_user.patient)
    client = client_for(patient_user)
    before = snapshot()
    response = client.post(
        reverse("education:assignment_question", args=[assignment.pk]),
        posted({"question": question}),
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    if snapshot() == before:
        assert assignment.question == "" and assignment.asked_at is None
        assert any("question" in m for m in _message_of(client, response))
    else:
        assert assignment.question == question.strip() and assignment.asked_at
        assert 0 < len(assignment.question) <= 2000 and "\x00" not in assignment.question


@SETTINGS
@given(answer=free_text)
def test_a_specialists_answer_is_saved_whole_or_refused_with_a_message(
    client_for, specialist, patient_user, answer
):
    assignment = factories.AssignmentFactory(patient=patient_user.patient)
    assignment.ask_question(by=patient_user, text="Can I drive after the operation?")
    client = client_for(specialist)
    before = snapshot()
    response = client.post(
        reverse("education:assignment_answer", args=[assignment.pk]), posted({"answer": answer})
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    if snapshot() == before:
        assert assignment.answer == "" and assignment.answered_at is None
        assert _message_of(client, response)
    else:
        assert assignment.answer == answer.strip() and assignment.answered_by == specialist
        assert 0 < len(assignment.answer) <= 4000 and "\x00" not in assignment.answer
