"""A consult and its candidacy decision recorded in one sitting (issue 14): the consult page
carries the decision, "Record consult and decision" validates the two together and saves
them in one transaction, or saves nothing and shows every error. The decision's planned
procedure date prefills the procedure form."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.forms import MISS_ARTICLE_SLUG, DecisionForm, ProcedureForm
from cases.models import CandidacyDecision, Consult, FollowUp
from cases.views import DECISION_BEGUN
from clinic import roles
from clinic.models import AuditEvent
from education.models import Assignment
from tests import factories
from tests.cases.test_write_queries import grow

pytestmark = pytest.mark.django_db

DECIDE = {"decide": "1"}  # the "Record consult and decision" button


def day(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def patient(db):
    return factories.PatientFactory()


@pytest.fixture
def url(patient):
    return reverse("cases:consult_create", args=[patient.pk])


@pytest.fixture
def miss_article(db):
    return factories.published_article(article__slug=MISS_ARTICLE_SLUG)


@pytest.fixture
def sitting(consult_data, decision_data):
    """A valid post of the consult page with its decision."""
    return {**consult_data, **decision_data, **DECIDE}


def written(patient):
    """What the patient's record holds: consults, decisions, their history and audit entries."""
    return {
        "consults": Consult.objects.filter(patient=patient).count(),
        "decisions": CandidacyDecision.objects.filter(patient=patient).count(),
        "consult history": Consult.history.filter(patient_id=patient.pk).count(),
        "decision history": CandidacyDecision.history.filter(patient_id=patient.pk).count(),
        "audit creates": AuditEvent.objects.filter(patient=patient, action="create").count(),
        "follow-ups": FollowUp.objects.filter(patient=patient).count(),
        "assignments": Assignment.objects.filter(patient=patient).count(),
    }


NOTHING = {
    "consults": 0,
    "decisions": 0,
    "consult history": 0,
    "decision history": 0,
    "audit creates": 0,
    "follow-ups": 0,
    "assignments": 0,
}


# --- the page ------------------------------------------------------------------------------------


def test_the_consult_page_carries_the_decision_and_both_buttons(client_for, specialist, url):
    response = client_for(specialist).get(url)
    html = response.content.decode()
    assert response.context["decision_form"] is not None
    assert "Record consult and decision" in html
    assert '<button type="submit" class="btn btn-outline-primary">Save consult</button>' in html
    for name in ("outcome", "severity_assessment", "health_assessment", "symptoms_assessment"):
        assert f'name="{name}"' in html
    # The acknowledgment is offered (shown by the script when a red flag is ticked), and the
    # planned date is tied to the surgical outcomes.
    assert 'data-for-red-flags="true"' in html
    assert 'data-for-outcomes="miss open"' in html
    assert "js/decision-conditional.js" in html


def test_the_consult_page_offers_the_miss_article_ticked_with_miss(
    client_for, specialist, url, miss_article
):
    html = client_for(specialist).get(url).content.decode()
    assert 'data-ticked-for-outcome="miss"' in html
    assert "js/decision-form.js" in html


def test_the_consult_page_says_which_decision_the_new_one_replaces(client_for, specialist, patient):
    current = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(patient=patient, specialist=specialist)
    )
    response = client_for(specialist).get(reverse("cases:consult_create", args=[patient.pk]))
    assert response.context["replaces"] == current
    assert "replaces the patient's current one" in response.content.decode()


def test_editing_a_consult_offers_no_decision(client_for, specialist):
    consult = factories.ConsultFactory(specialist=specialist)
    response = client_for(specialist).get(reverse("cases:consult_edit", args=[consult.pk]))
    assert "decision_form" not in response.context
    assert "Record consult and decision" not in response.content.decode()


# --- the combined save ---------------------------------------------------------------------------


def test_the_combined_save_writes_the_consult_the_decision_and_their_audit_entries(
    client_for, specialist, patient, url, sitting
):
    response = client_for(specialist).post(url, sitting)

    consult = Consult.objects.get(patient=patient)
    decision = CandidacyDecision.objects.get(patient=patient)
    assert response.status_code == 302
    assert response.url == decision.get_absolute_url()
    assert decision.consult == consult
    assert (decision.outcome, decision.decided_by, decision.recorded_by) == (
        "miss",
        specialist,
        specialist,
    )
    assert consult.recorded_by == specialist and consult.specialist == specialist
    # The checklist is the posted consult's, kept with the decision.
    assert decision.criteria == consult.candidacy_criteria()
    events = AuditEvent.objects.filter(patient=patient, action="create").order_by("id")
    assert [(e.detail, e.object_type, e.object_id, e.user) for e in events] == [
        ("consult recorded", "cases.consult", str(consult.pk), specialist),
        ("decision recorded", "cases.candidacydecision", str(decision.pk), specialist),
    ]
    assert consult.history.count() == 1 and decision.history.count() == 1


def test_the_combined_save_gives_the_miss_article_when_ticked(
    client_for, specialist, patient, url, sitting, miss_article
):
    response = client_for(specialist).post(url, {**sitting, "assign_article": "on"})
    assert response.status_code == 302
    assignment = Assignment.objects.get(patient=patient)
    assert assignment.article == miss_article
    assert written(patient)["audit creates"] == 3  # consult, decision, reading


def test_a_conservative_decision_with_its_consult_schedules_its_follow_ups(
    client_for, specialist, patient, url, sitting
):
    response = client_for(specialist).post(url, {**sitting, "outcome": "conservative"})
    assert response.status_code == 302
    decision = CandidacyDecision.objects.get(patient=patient)
    # The five timepoints, and the patient's own baseline check-in (issue 15).
    assert decision.follow_ups.exclude(timepoint="bl").count() == 5
    assert decision.follow_ups.filter(timepoint="bl").count() == 1


def test_the_combined_save_replaces_the_patients_current_decision(
    client_for, specialist, patient, url, sitting
):
    earlier = factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(patient=patient, specialist=specialist),
        decided_on=day(-3),
    )
    assert client_for(specialist).post(url, sitting).status_code == 302
    new = CandidacyDecision.objects.current_for(patient).get()
    assert new.supersedes == earlier
    assert new.consult != earlier.consult


# --- nothing half-written ------------------------------------------------------------------------


def test_an_invalid_decision_writes_nothing_and_shows_every_error(
    client_for, specialist, patient, url, sitting
):
    data = {**sitting, "outcome": "", "rationale": "  ", "severity_assessment": ""}
    response = client_for(specialist).post(url, data)

    assert response.status_code == 200
    errors = response.context["decision_form"].errors
    assert set(errors) >= {"outcome", "rationale", "severity_assessment"}
    assert not response.context["form"].errors  # the consult part was fine
    html = response.content.decode()
    assert "Nothing was saved: correct the fields marked below, in the candidacy decision." in html
    # What was typed is shown again, to correct rather than retype.
    assert response.context["form"]["nrs_leg"].value() == "8"
    assert written(patient) == NOTHING


def test_an_invalid_consult_writes_nothing_and_shows_its_errors_beside_the_decisions(
    client_for, specialist, patient, url, sitting
):
    data = {**sitting, "nrs_leg": "11", "rationale": ""}
    response = client_for(specialist).post(url, data)

    assert response.status_code == 200
    assert "nrs_leg" in response.context["form"].errors
    assert "rationale" in response.context["decision_form"].errors
    assert written(patient) == NOTHING


def test_a_decision_dated_before_the_consult_it_comes_with_is_refused(
    client_for, specialist, patient, url, sitting
):
    data = {**sitting, "consult_date": day(-1).isoformat(), "decided_on": day(-2).isoformat()}
    response = client_for(specialist).post(url, data)

    assert response.status_code == 200
    [message] = response.context["decision_form"].errors["decided_on"]
    assert message.startswith("The decision cannot be before its consult")
    assert written(patient) == NOTHING


def test_red_flags_ticked_on_the_consult_need_the_acknowledgment_for_an_elective_plan(
    client_for, specialist, patient, url, sitting
):
    client = client_for(specialist)
    data = {**sitting, "red_flag_bladder_bowel": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    [message] = response.context["decision_form"].errors["red_flags_acknowledged"]
    assert "bladder or bowel dysfunction" in message
    assert "I have weighed them" in response.content.decode()
    assert written(patient) == NOTHING

    response = client.post(url, {**data, "red_flags_acknowledged": "on"})
    assert response.status_code == 302
    assert CandidacyDecision.objects.get(patient=patient).red_flags_acknowledged


def test_a_refusal_by_the_service_undoes_the_consult(client_for, specialist, patient, url, sitting):
    """The replaced decision is dated after the one posted: found only when the decision is
    saved, after its consult was: the consult goes too, and the error is on the date."""
    factories.CandidacyDecisionFactory(
        consult=factories.ConsultFactory(
            patient=patient, specialist=specialist, consult_date=day(-1)
        ),
        decided_on=day(0),
    )
    before = written(patient)
    data = {**sitting, "consult_date": day(-2).isoformat(), "decided_on": day(-2).isoformat()}
    data["mri_date"] = day(-3).isoformat()
    response = client_for(specialist).post(url, data)

    assert response.status_code == 200
    [message] = response.context["decision_form"].errors["decided_on"]
    assert "cannot be dated before the decision it amends or replaces" in message
    assert written(patient) == before


def test_the_service_saves_both_or_neither(specialist, patient):
    consult = factories.ConsultFactory.build(patient=patient, specialist=specialist)
    decision = factories.CandidacyDecisionFactory.build(
        consult=consult, rationale="   "
    )  # refused by the model
    with pytest.raises(ValidationError):
        services.record_consult_and_decision(consult=consult, decision=decision, by=specialist)
    assert written(patient) == NOTHING


# --- saving the consult alone --------------------------------------------------------------------


def test_save_consult_alone_still_records_the_consult_only(
    client_for, specialist, patient, url, consult_data
):
    response = client_for(specialist).post(url, consult_data)
    consult = Consult.objects.get(patient=patient)
    assert response.status_code == 302 and response.url == consult.get_absolute_url()
    assert not CandidacyDecision.objects.filter(patient=patient).exists()


def test_save_consult_alone_with_a_decision_typed_is_refused_and_keeps_what_was_typed(
    client_for, specialist, patient, url, consult_data, decision_data
):
    response = client_for(specialist).post(url, {**consult_data, **decision_data})

    assert response.status_code == 200
    assert DECISION_BEGUN in response.context["form"].non_field_errors()
    assert response.context["decision_form"]["rationale"].value() == decision_data["rationale"]
    assert written(patient) == NOTHING


def test_a_decision_is_begun_by_its_content_not_by_its_date():
    assert not DecisionForm.started({"decided_on": "2026-01-01", "red_flags_acknowledged": "on"})
    assert not DecisionForm.started({"outcome": "", "rationale": "   "})
    assert DecisionForm.started({"rationale": "Because"})
    assert DecisionForm.started({"planned_on": "2026-01-01"})


# --- the planned procedure date ------------------------------------------------------------------


def test_the_planned_date_is_saved_with_the_decision_and_shown_on_its_page(
    client_for, specialist, patient, url, sitting
):
    client = client_for(specialist)
    response = client.post(url, {**sitting, "planned_on": day(14).isoformat()})
    decision = CandidacyDecision.objects.get(patient=patient)
    assert decision.planned_on == day(14)
    page = client.get(response.url)
    assert page.status_code == 200
    assert '<dd class="col-sm-8" id="planned-on">' in page.content.decode()


@pytest.mark.parametrize(
    ("outcome", "planned", "message"),
    [
        ("miss", -1, "The planned procedure date cannot be before the decision"),
        ("open", 731, "more than two years after the decision"),
        ("conservative", 7, "goes with a plan for surgery"),
    ],
)
def test_an_implausible_planned_date_is_refused_with_a_clear_message(
    client_for, specialist, patient, url, sitting, outcome, planned, message
):
    data = {**sitting, "outcome": outcome, "planned_on": day(planned).isoformat()}
    response = client_for(specialist).post(url, data)
    assert response.status_code == 200
    [error] = response.context["decision_form"].errors["planned_on"]
    assert message in error
    assert written(patient) == NOTHING


def test_the_planned_date_is_checked_on_the_decision_page_too(
    client_for, specialist, decision_data
):
    consult = factories.ConsultFactory(specialist=specialist)
    response = client_for(specialist).post(
        reverse("cases:decision_create", args=[consult.pk]),
        {**decision_data, "planned_on": day(-1).isoformat()},
    )
    assert response.status_code == 200
    [error] = response.context["form"].errors["planned_on"]
    assert error.startswith("The planned procedure date cannot be before the decision (")
    assert not consult.decisions.exists()


def test_the_model_and_the_database_refuse_a_planned_date_before_the_decision(specialist):
    decision = factories.CandidacyDecisionFactory.build(
        consult=factories.ConsultFactory(specialist=specialist),
        decided_on=day(0),
        planned_on=day(-1),
    )
    decision.patient = decision.consult.patient
    with pytest.raises(ValidationError) as refused:
        decision.full_clean()
    assert list(refused.value.error_dict) == ["planned_on"]
    with pytest.raises(IntegrityError), transaction.atomic():
        decision.save()  # past the model's checks: the CHECK constraint


def test_an_amendment_keeps_a_plan_still_ahead_and_drops_one_gone_by(client_for, specialist):
    client = client_for(specialist)
    ahead = factories.CandidacyDecisionFactory(planned_on=day(10))
    form = client.get(reverse("cases:decision_amend", args=[ahead.pk])).context["form"]
    assert form["planned_on"].value() == day(10)
    consult = factories.ConsultFactory(specialist=specialist, consult_date=day(-20))
    gone = factories.CandidacyDecisionFactory(
        consult=consult, decided_on=day(-20), planned_on=day(-5)
    )
    form = client.get(reverse("cases:decision_amend", args=[gone.pk])).context["form"]
    assert form["planned_on"].value() is None


# --- the procedure form from the decision --------------------------------------------------------


def test_the_procedure_form_starts_from_the_decision_and_its_planned_date(client_for, specialist):
    consult = factories.ConsultFactory(
        specialist=specialist, level="L5-S1", second_level="L4-L5", side="right"
    )
    decision = factories.CandidacyDecisionFactory(
        consult=consult, outcome="open", planned_on=day(0)
    )
    response = client_for(specialist).get(reverse("cases:procedure_create", args=[decision.pk]))
    form = response.context["form"]
    assert form["procedure_date"].value() == day(0)
    assert (form["technique"].value(), form["level"].value()) == ("open", "L5-S1")
    assert (form["second_level"].value(), form["side"].value()) == ("L4-L5", "right")
    assert form["surgeon"].value() == specialist.pk
    assert f'value="{day(0).isoformat()}"' in str(form["procedure_date"])


def test_a_plan_for_a_day_still_to_come_is_named_but_not_prefilled(client_for, specialist):
    decision = factories.CandidacyDecisionFactory(planned_on=day(7))
    response = client_for(specialist).get(reverse("cases:procedure_create", args=[decision.pk]))
    assert response.context["form"]["procedure_date"].value() is None
    assert ", planned for " in response.content.decode()


def test_initial_values_from_a_decision_without_a_plan(specialist):
    decision = factories.CandidacyDecisionFactory(outcome="miss")
    initial = ProcedureForm.initial_from_decision(decision)
    assert "procedure_date" not in initial and "technique" not in initial
    assert initial["level"] == decision.consult.level
    assert ProcedureForm.initial_from_decision(decision, today=day(0)) == initial


def test_the_prefilled_planned_date_is_saved_as_sent(client_for, specialist, procedure_data):
    decision = factories.CandidacyDecisionFactory(planned_on=day(0))
    response = client_for(specialist).post(
        reverse("cases:procedure_create", args=[decision.pk]),
        {**procedure_data, "procedure_date": day(0).isoformat(), "surgeon": specialist.pk},
    )
    assert response.status_code == 302
    assert decision.procedures.get().procedure_date == decision.planned_on


# --- who may ----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, url, sitting, patient):
    assert client.get(url).status_code == 302
    response = client.post(url, sitting)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert written(patient) == NOTHING


@pytest.mark.parametrize("role", ["editor", "patient_user"])
def test_editors_and_patients_may_not_record_a_consult_or_decision(
    client_for, request, role, url, sitting, patient
):
    client = client_for(request.getfixturevalue(role))
    assert client.get(url).status_code == 403
    assert client.post(url, sitting).status_code == 403
    assert written(patient) == NOTHING


def test_a_superuser_may_record_both(client_for, superuser, patient, url, sitting):
    assert client_for(superuser).post(url, sitting).status_code == 302
    assert CandidacyDecision.objects.get(patient=patient).decided_by == superuser


def test_who_may_record_a_consult_but_not_decide_gets_no_decision_and_may_not_post_one(
    client_for, specialist, patient, url, sitting, consult_data
):
    """A clinic that takes the decision permission from its specialists' role."""
    Group.objects.get(name=roles.SPECIALISTS).permissions.remove(
        Permission.objects.get(codename="decide_candidacy")
    )
    client = client_for(specialist)
    response = client.get(url)
    assert response.status_code == 200
    assert "decision_form" not in response.context
    assert "Record consult and decision" not in response.content.decode()
    assert client.post(url, sitting).status_code == 403
    assert written(patient) == NOTHING
    # The consult alone, whatever else was posted: the decision is not theirs to begin.
    assert client.post(url, {**consult_data, "rationale": "x"}).status_code == 302
    assert (written(patient)["consults"], written(patient)["decisions"]) == (1, 0)


# --- what it costs -------------------------------------------------------------------------------


# session, user with roles, permissions (3); the patient; the MISS article the form offers;
# the service's savepoint (2); consult, its history, its audit entry (3); the patient's current
# decision; decision and history (2); pending follow-ups from a decision date to cancel and the
# baselines asked (one query); the patient's baseline check-in and its history (2, issue 15); the
# decision's audit entry. (The consult alone: test_write_queries.CONSULT_CREATE, unchanged.)
SITTING = 17


def test_the_combined_save_costs_the_same_queries_however_many_records(
    client_for, specialist, sitting, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)
    client = client_for(specialist)
    first = factories.PatientFactory()
    url = reverse("cases:consult_create", args=[first.pk])
    client.get(url)
    with django_assert_num_queries(SITTING):
        assert client.post(url, sitting).status_code == 302
    grow(specialist)
    second = factories.PatientFactory()
    url = reverse("cases:consult_create", args=[second.pk])
    client.get(url)
    with django_assert_num_queries(SITTING):
        assert client.post(url, sitting).status_code == 302
    assert CandidacyDecision.objects.current_for(second).get().consult.consult_date == day(0)


# session, user with roles, permissions (3); the patient; the MISS article; the patient's
# current decision (the one the new one would replace); the audit entry of the view.
CONSULT_PAGE = 7


def test_the_consult_page_costs_the_same_queries_however_many_records(
    client_for, specialist, patient, url, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr("clinic.middleware.SessionTimeoutMiddleware.SAVE_EVERY", 10**9)
    client = client_for(specialist)
    client.get(url)
    with django_assert_num_queries(CONSULT_PAGE):
        assert client.get(url).status_code == 200
    grow(specialist)
    for _ in range(5):
        factories.CandidacyDecisionFactory(
            consult=factories.ConsultFactory(patient=patient, specialist=specialist)
        )
    with django_assert_num_queries(CONSULT_PAGE):
        assert client.get(url).status_code == 200
