"""The methods the portal answers, and which responses no browser or proxy may keep.

Every URL, role and method is walked by tests/test_access_matrix.py; these are the cases the
penetration test reported, one by one.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.urls import reverse

from clinic.middleware import PrivateResponsesMiddleware
from clinic.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_a_patients_admin_page_answers_405_to_other_methods_and_shows_nothing(
    client_for, specialist, patient, method
):
    for name in ("admin:clinic_patient_change", "admin:clinic_patient_history"):
        response = getattr(client_for(specialist), method)(reverse(name, args=[patient.pk]))
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, POST"
        assert patient.mrn not in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "options"])
def test_a_page_that_only_reads_a_record_answers_405_to_other_methods(
    client_for, specialist, patient, method
):
    url = reverse("cases:patient_detail", args=[patient.pk])
    response = getattr(client_for(specialist), method)(url)
    assert response.status_code == 405
    assert patient.mrn not in response.content.decode()
    assert not AuditEvent.objects.filter(action="view", patient=patient).exists()


def test_a_page_with_a_patients_record_is_never_stored(client_for, specialist, patient):
    response = client_for(specialist).get(reverse("cases:patient_detail", args=[patient.pk]))
    assert response.status_code == 200
    assert {"no-store", "private"} <= cache_control(response)


def test_a_patients_own_pages_are_never_stored(client_for, patient_user):
    assert {"no-store", "private"} <= cache_control(client_for(patient_user).get("/"))


@pytest.mark.parametrize("download", ["research export", "outcome figures", "audit trail"])
def test_a_csv_download_is_never_stored(client_for, superuser, download):
    factories.PatientFactory()
    client = client_for(superuser)
    if download == "research export":
        response = client.post(reverse("cases:export_csv", args=["consults"]))
    elif download == "outcome figures":
        response = client.get(reverse("cases:outcomes"), {"format": "csv"})
    else:
        response = client.get(reverse("audit_trail"), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert {"no-store", "private"} <= cache_control(response)


def test_a_download_is_never_stored_whoever_asks(rf):
    """The rule does not rest on the login alone: any attachment is kept out of caches."""

    def download(request):
        response = HttpResponse("a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    request = rf.get("/x.csv")
    request.user = AnonymousUser()
    response = PrivateResponsesMiddleware(download)(request)
    assert {"no-store", "private"} <= cache_control(response)


def test_the_public_landing_page_and_articles_may_be_cached(client, editor, specialist):
    article = factories.published_article(author=editor, reviewer=specialist)
    for url in ("/", reverse("education:library"), article.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in cache_control(response), url
