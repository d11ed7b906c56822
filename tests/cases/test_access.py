"""Every cases page: anonymous → login, patients and editors → 403, specialists → 200."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = [
    ("cases:patient_list", None),
    ("cases:patient_create", None),
    ("cases:patient_detail", "patient"),
    ("cases:patient_invite", "patient"),
    ("cases:consult_create", "patient"),
    ("cases:consult_detail", "consult"),
    ("cases:consult_edit", "consult"),
    ("cases:decision_create", "consult"),
    ("cases:decision_detail", "decision"),
    ("cases:decision_amend", "decision"),
    ("cases:procedure_create", "reoperation"),
    ("cases:procedure_detail", "procedure"),
    ("cases:procedure_edit", "procedure"),
    ("cases:adverseevent_create", "procedure"),
    ("cases:adverseevent_edit", "adverseevent"),
    ("cases:followup_form", "followup"),
    ("cases:export_index", None),
]
EIE_KINDS = ["consult", "decision", "procedure", "adverseevent", "followup"]


@pytest.fixture
def records(records, specialist):
    """The pathway, and a reoperation: a new decision of the patient, waiting for its procedure
    (the decision that was operated on takes no second one)."""
    from cases import services
    from tests import factories

    reoperation = services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(consult=records["consult"]),
        by=specialist,
    )
    return {**records, "reoperation": reoperation}


def url_for(name, key, records):
    return reverse(name, args=[records[key].pk] if key else [])


def all_urls(records):
    urls = [url_for(name, key, records) for name, key in PAGES]
    urls += [reverse("cases:entered_in_error", args=[k, records[k].pk]) for k in EIE_KINDS]
    return urls


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_anonymous_visitor_is_sent_to_log_in(client, records, name, key):
    response = client.get(url_for(name, key, records))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_patient_is_refused_every_cases_page(client_for, patient_user, records, name, key):
    assert client_for(patient_user).get(url_for(name, key, records)).status_code == 403


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_editor_is_refused_every_cases_page(client_for, editor, records, name, key):
    assert client_for(editor).get(url_for(name, key, records)).status_code == 403


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_specialist_opens_every_cases_page(client_for, specialist, records, name, key):
    assert client_for(specialist).get(url_for(name, key, records)).status_code == 200


@pytest.mark.parametrize(("name", "key"), PAGES)
def test_superuser_opens_every_cases_page(client_for, superuser, records, name, key):
    assert client_for(superuser).get(url_for(name, key, records)).status_code == 200


@pytest.mark.parametrize("kind", EIE_KINDS)
def test_entered_in_error_page_follows_the_role_trio(
    client, client_for, specialist, editor, patient_user, records, kind
):
    url = reverse("cases:entered_in_error", args=[kind, records[kind].pk])
    assert client.get(url).status_code == 302
    assert client_for(patient_user).get(url).status_code == 403
    assert client_for(editor).get(url).status_code == 403
    assert client_for(specialist).get(url).status_code == 200


def test_research_export_follows_the_role_trio(client, client_for, specialist, editor, records):
    url = reverse("cases:export_csv", args=["consults"])
    assert client.post(url).status_code == 302
    assert client_for(editor).post(url).status_code == 403
    response = client_for(specialist).post(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_an_unknown_record_kind_answers_404(client_for, specialist):
    url = reverse("cases:entered_in_error", args=["patient", 1])
    assert client_for(specialist).get(url).status_code == 404


def test_a_patient_who_does_not_exist_answers_404(client_for, specialist):
    assert (
        client_for(specialist).get(reverse("cases:patient_detail", args=[999])).status_code == 404
    )


def test_staff_member_with_view_permission_but_no_row_access_gets_404(client_for, records):
    """Row-level access: the permission alone does not open a record hidden by visible_to."""
    from tests.factories import UserFactory

    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_patient", "view_consult"])
    )
    response = client_for(user).get(reverse("cases:patient_detail", args=[records["patient"].pk]))
    assert response.status_code == 404


def test_nav_shows_cases_links_to_clinicians_only(client_for, specialist, editor, patient_user):
    link = reverse("cases:patient_list").encode()
    assert link in client_for(specialist).get("/").content
    assert link not in client_for(editor).get("/").content
    assert link not in client_for(patient_user).get("/").content


def test_admin_shows_clinical_models_to_specialists_but_not_editors(
    client_for, specialist, editor, records
):
    url = reverse("admin:cases_consult_changelist")
    assert client_for(specialist).get(url).status_code == 200
    assert client_for(editor).get(url).status_code == 403
