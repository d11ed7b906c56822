"""Sensible defaults for the specialist (issue 14): the registering specialist as primary
specialist, MISS ticks the MISS article, the procedure form starts from its decision."""

import pytest
from django.urls import reverse

from cases.forms import DecisionForm
from cases.models import CandidacyDecision
from clinic.models import Patient
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def miss_article():
    return factories.published_article(article__slug="miss-spinal-herniations")


def _decision(specialist, outcome):
    consult = factories.ConsultFactory(specialist=specialist)
    return factories.CandidacyDecisionFactory(consult=consult, outcome=outcome)


# --- registering a patient ----------------------------------------------------------------------


def test_the_registering_specialist_is_the_primary_specialist_by_default(client_for, specialist):
    form = client_for(specialist).get(reverse("cases:patient_create")).context["form"]
    assert form["primary_specialist"].value() == specialist.pk
    assert f'<option value="{specialist.pk}" selected>' in str(form["primary_specialist"])


def test_a_superuser_registering_a_patient_gets_no_primary_specialist(client_for, superuser):
    form = client_for(superuser).get(reverse("cases:patient_create")).context["form"]
    assert form["primary_specialist"].value() is None


def test_the_specialist_may_still_register_a_patient_for_nobody_in_particular(
    client_for, specialist
):
    response = client_for(specialist).post(
        reverse("cases:patient_create"),
        {
            "mrn": "MRN-DEFAULT-1",
            "given_name": "Ana",
            "family_name": "Ruiz",
            "date_of_birth": "1970-03-04",
            "sex": "female",
            "preferred_language": "en",
            "primary_specialist": "",
        },
    )
    assert response.status_code == 302
    assert Patient.objects.get(mrn="MRN-DEFAULT-1").primary_specialist is None


# --- the MISS article with a MISS decision --------------------------------------------------------


def test_the_miss_article_box_is_wired_to_tick_with_the_miss_outcome(
    client_for, specialist, miss_article
):
    consult = factories.ConsultFactory(specialist=specialist)
    response = client_for(specialist).get(reverse("cases:decision_create", args=[consult.pk]))
    html = response.content.decode()
    assert 'data-ticked-for-outcome="miss"' in html
    assert "js/decision-form.js" in html
    assert response.context["form"]["assign_article"].value() is False


def test_a_form_starting_from_miss_has_the_article_ticked(specialist, miss_article):
    consult = factories.ConsultFactory(specialist=specialist)
    form = DecisionForm(
        instance=CandidacyDecision(consult=consult, patient=consult.patient),
        initial={"outcome": "miss"},
    )
    assert form["assign_article"].value() is True
    form = DecisionForm(
        instance=CandidacyDecision(consult=consult, patient=consult.patient),
        initial={"outcome": "conservative"},
    )
    assert form["assign_article"].value() is False


def test_amending_a_miss_decision_does_not_give_the_article_again(
    client_for, specialist, miss_article
):
    decision = _decision(specialist, "miss")
    response = client_for(specialist).get(reverse("cases:decision_amend", args=[decision.pk]))
    assert response.context["form"]["outcome"].value() == "miss"
    assert response.context["form"]["assign_article"].value() is False


def test_without_a_published_miss_article_there_is_no_box_and_no_script(client_for, specialist):
    consult = factories.ConsultFactory(specialist=specialist)
    html = (
        client_for(specialist)
        .get(reverse("cases:decision_create", args=[consult.pk]))
        .content.decode()
    )
    assert "data-ticked-for-outcome" not in html
    assert "js/decision-form.js" not in html


# --- the procedure from its decision --------------------------------------------------------------


def test_an_open_surgery_decision_prefills_open_microdiscectomy(client_for, specialist):
    decision = _decision(specialist, "open")
    form = (
        client_for(specialist)
        .get(reverse("cases:procedure_create", args=[decision.pk]))
        .context["form"]
    )
    assert form["technique"].value() == "open"
    assert form["level"].value() == decision.consult.level
    assert form["side"].value() == decision.consult.side
    assert form["surgeon"].value() == specialist.pk


def test_a_miss_decision_leaves_the_minimally_invasive_technique_to_the_surgeon(
    client_for, specialist
):
    decision = _decision(specialist, "miss")
    form = (
        client_for(specialist)
        .get(reverse("cases:procedure_create", args=[decision.pk]))
        .context["form"]
    )
    assert form["technique"].value() in (None, "")
    assert form["level"].value() == decision.consult.level


def test_the_prefilled_technique_is_saved_as_sent(client_for, specialist, procedure_data):
    decision = _decision(specialist, "open")
    response = client_for(specialist).post(
        reverse("cases:procedure_create", args=[decision.pk]),
        {**procedure_data, "technique": "open", "surgeon": specialist.pk},
    )
    assert response.status_code == 302
    assert decision.procedures.get().technique == "open"
