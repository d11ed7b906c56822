"""Access to the cases pages beyond the status codes each role gets, which
tests/test_access_matrix.py pins for every URL: each kind of record's entered-in-error page,
rows hidden from a permission, unknown rows and kinds, the navigation."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db

# The matrix opens the consult's; each other kind of record finds its row its own way.
EIE_KINDS = ["decision", "procedure", "adverseevent", "followup"]


@pytest.mark.parametrize("kind", EIE_KINDS)
def test_entered_in_error_page_follows_the_role_trio(
    client, client_for, specialist, editor, patient_user, records, kind
):
    url = reverse("cases:entered_in_error", args=[kind, records[kind].pk])
    assert client.get(url).status_code == 302
    assert client_for(patient_user).get(url).status_code == 403
    assert client_for(editor).get(url).status_code == 403
    assert client_for(specialist).get(url).status_code == 200


def test_the_research_export_downloads_a_csv(client_for, specialist, records):
    response = client_for(specialist).post(reverse("cases:export_csv", args=["consults"]))
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
