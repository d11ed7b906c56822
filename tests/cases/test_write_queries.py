"""The clinical saves cost a fixed number of queries, whatever the database holds (issue 13: at
most 25 each). Each is posted through its page, once on a small database and again after many
more patients and records were added: the same count.

What the counts are made of: the session, the user with their roles and, for a specialist, the
permissions (3 for a specialist, 2 for a patient), the page's record with what the save reads of
it (one query, joined), the writes themselves with their history row and audit entry, and the
test's savepoint around the service's transaction. Validation costs no query per rule
(``clinic.constraints``).
"""

import pytest
from django.urls import reverse

from cases import services
from tests import factories
from tests.cases.test_checkins import answers, schedule_for
from tests.cases.test_checkins import url as checkin_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def steady_session(monkeypatch):
    """Query counts without the idle-logout clock's occasional session write (every 30 s)."""
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)


def grow(specialist, patients=30):
    """Many more records: ``patients`` patients through consult, MISS decision and procedure,
    each with its five follow-ups."""
    for _ in range(patients):
        decision = factories.CandidacyDecisionFactory(
            consult=factories.ConsultFactory(specialist=specialist)
        )
        services.record_procedure(
            procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
            by=specialist,
        )


def post(client, url, data):
    client.get(url)  # the form is opened first, as in the portal
    return client.post(url, data)


# session, user with roles, permissions (3); the patient; the transaction's savepoint (2);
# consult, its history row, the audit entry (3).
CONSULT_CREATE = 9


def test_a_consult_save_costs_the_same_queries_however_many_records(
    client_for, specialist, consult_data, django_assert_num_queries
):
    client = client_for(specialist)
    patient = factories.PatientFactory()
    url = reverse("cases:consult_create", args=[patient.pk])
    client.get(url)
    with django_assert_num_queries(CONSULT_CREATE):
        assert client.post(url, consult_data).status_code == 302
    grow(specialist)
    for _ in range(5):
        factories.ConsultFactory(patient=patient, specialist=specialist)
    with django_assert_num_queries(CONSULT_CREATE):
        assert client.post(url, consult_data).status_code == 302
    assert patient.consults.count() == 7


# 3; the consult with its patient and people; the service's savepoint (2); decisions dated
# before the new consult date; the stored version under lock; update, history, audit (3).
CONSULT_EDIT = 11


def test_a_consult_edit_costs_the_same_queries_however_many_records(
    client_for, specialist, consult_data, django_assert_num_queries
):
    client = client_for(specialist)
    consult = factories.ConsultFactory(specialist=specialist)
    dates = {"consult_date": consult.consult_date, "mri_date": consult.mri_date}
    consult_data = {**consult_data, **{name: day.isoformat() for name, day in dates.items()}}
    url = reverse("cases:consult_edit", args=[consult.pk])
    client.get(url)
    with django_assert_num_queries(CONSULT_EDIT):
        response = client.post(url, {**consult_data, "version": "1", "nrs_leg": "6"})
    assert response.status_code == 302
    grow(specialist)
    for _ in range(5):
        factories.CandidacyDecisionFactory(consult=consult)
        factories.ConsultFactory(patient=consult.patient, specialist=specialist)
    with django_assert_num_queries(CONSULT_EDIT):
        response = client.post(url, {**consult_data, "version": "2", "nrs_leg": "5"})
    assert response.status_code == 302
    consult.refresh_from_db()
    assert (consult.version, consult.nrs_leg) == (3, 5)


# 3; the consult with its patient; the MISS article the form offers; savepoints (2); the
# patient's current decision; decision and history (2); pending follow-ups to cancel and the
# baselines asked (one query); the patient's baseline check-in and its history (2, issue 15); audit.
DECISION_CREATE = 14


def test_a_decision_costs_the_same_queries_however_many_records(
    client_for, specialist, decision_data, django_assert_num_queries
):
    client = client_for(specialist)
    first = factories.ConsultFactory(specialist=specialist)
    url = reverse("cases:decision_create", args=[first.pk])
    client.get(url)
    with django_assert_num_queries(DECISION_CREATE):
        assert client.post(url, decision_data).status_code == 302
    grow(specialist)
    second = factories.ConsultFactory(specialist=specialist)
    url = reverse("cases:decision_create", args=[second.pk])
    client.get(url)
    with django_assert_num_queries(DECISION_CREATE):
        assert client.post(url, decision_data).status_code == 302
    assert second.decisions.get().outcome == "miss"


# 3; the amended decision with its consult and patient; the MISS article; savepoints (2); the
# amended decision's row lock; an amendment saved meanwhile; decision and history (2); pending
# follow-ups from a decision date and the baselines asked (one query); five follow-ups with their
# history (10); the baseline check-in with its history (2, issue 15); audit.
DECISION_AMEND_TO_CONSERVATIVE = 25


def test_the_heaviest_decision_costs_the_same_queries_however_many_records(
    client_for, specialist, decision_data, django_assert_num_queries
):
    """An amendment to conservative care: it supersedes a decision and schedules the patient's
    follow-ups from the decision date."""
    client = client_for(specialist)
    data = {**decision_data, "outcome": "conservative"}
    first = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(specialist=specialist)
    )
    url = reverse("cases:decision_amend", args=[first.pk])
    client.get(url)
    with django_assert_num_queries(DECISION_AMEND_TO_CONSERVATIVE):
        assert client.post(url, data).status_code == 302
    grow(specialist)
    second = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(specialist=specialist)
    )
    url = reverse("cases:decision_amend", args=[second.pk])
    client.get(url)
    with django_assert_num_queries(DECISION_AMEND_TO_CONSERVATIVE):
        assert client.post(url, data).status_code == 302
    assert second.superseded_by.follow_ups.exclude(timepoint="bl").count() == 5
    assert second.superseded_by.follow_ups.filter(timepoint="bl").count() == 1


# 3; the decision with its consult, patient and any procedure; the surgeon chosen; savepoints
# (2); the decision's row lock; its procedure, if one was saved meanwhile; procedure, history,
# audit (3); pending follow-ups from the decision date and the baselines (one query); five
# follow-ups with their history (10). A baseline the procedure closes adds its save (2).
PROCEDURE_CREATE = 23


def test_a_procedure_costs_the_same_queries_however_many_records(
    client_for, specialist, procedure_data, django_assert_num_queries
):
    client = client_for(specialist)
    data = {**procedure_data, "surgeon": specialist.pk}
    first = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(specialist=specialist)
    )
    url = reverse("cases:procedure_create", args=[first.pk])
    client.get(url)
    with django_assert_num_queries(PROCEDURE_CREATE):
        assert client.post(url, data).status_code == 302
    grow(specialist)
    second = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(specialist=specialist)
    )
    url = reverse("cases:procedure_create", args=[second.pk])
    client.get(url)
    with django_assert_num_queries(PROCEDURE_CREATE):
        assert client.post(url, data).status_code == 302
    assert second.procedures.get().follow_ups.count() == 5


# session, user with roles (2); the follow-up with its patient and anchor; the ODI wording; the
# service's savepoint (2); the stored version under lock; the recorder (not loaded with the
# follow-up); another follow-up at this timepoint; update and history (2); audit.
CHECKIN_SUBMIT = 12


def test_a_checkin_costs_the_same_queries_however_many_records(
    client_for, patient_user, specialist, django_assert_num_queries
):
    client = client_for(patient_user)
    first = schedule_for(patient_user.patient, specialist).follow_ups.get(timepoint="3m")
    client.get(checkin_url(first))
    with django_assert_num_queries(CHECKIN_SUBMIT):
        assert client.post(checkin_url(first), answers()).status_code == 302
    grow(specialist)
    second = schedule_for(patient_user.patient, specialist).follow_ups.get(timepoint="3m")
    client.get(checkin_url(second))
    with django_assert_num_queries(CHECKIN_SUBMIT):
        assert client.post(checkin_url(second), answers()).status_code == 302
    second.refresh_from_db()
    assert second.completed_at is not None
