"""API clients: made by superusers (admin or command), token shown once, stored as a hash."""

import hashlib
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command

from clinic.models import AuditEvent
from interop.models import ApiClient

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_the_token_is_stored(api_client):
    client, token = api_client
    stored = ApiClient.objects.get(pk=client.pk)
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    row = ApiClient.objects.filter(pk=client.pk).values().get()
    assert token not in str(row)
    assert ApiClient.objects.for_token(token) == client
    assert ApiClient.objects.for_token(token + "x") is None


def test_create_api_client_prints_the_token_once_as_the_last_line():
    out = io.StringIO()
    call_command(
        "create_api_client",
        "registry",
        "--scope",
        "system/Patient.read",
        "--scope",
        "system/Observation.read",
        "--expires-days",
        "30",
        stdout=out,
    )
    output = out.getvalue().strip().splitlines()
    token = output[-1]
    client = ApiClient.objects.get(name="registry")
    assert ApiClient.objects.for_token(token) == client
    assert token not in "\n".join(output[:-1])
    assert client.scopes == "system/Patient.read system/Observation.read"
    assert client.readable_types() == ["Patient", "Observation"]
    assert 29 <= (client.expires_at - client.created_at).days <= 30
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type="interop.apiclient"
    ).exists()


def test_create_api_client_refuses_an_unknown_scope_and_writes_nothing():
    with pytest.raises(CommandError, match="Unknown scope"):
        call_command("create_api_client", "x", "--scope", "user/*.write", stdout=io.StringIO())
    assert not ApiClient.objects.exists()


def test_a_superuser_creates_a_client_in_the_admin_and_sees_the_token_once(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/interop/apiclient/add/",
        {"name": "ehr", "scopes": "system/*.read", "expires_at_0": "", "expires_at_1": ""},
    )
    # The token is on the page that answers the creation, never in a message (a cookie).
    assert response.status_code == 200
    token = re.search(r'<code id="api-token">([^<]+)</code>', response.content.decode())[1]
    assert not list(get_messages(response.wsgi_request))
    assert token not in str(response.cookies.get("messages", ""))
    assert "no-store" in response["Cache-Control"]
    created = ApiClient.objects.get(name="ehr")
    assert ApiClient.objects.for_token(token) == created
    assert created.created_by == superuser
    page = client.get(f"/admin/interop/apiclient/{created.pk}/change/")
    assert token.encode() not in page.content
    assert created.token_hash.encode() not in page.content


def test_the_admin_refuses_a_bad_scope_with_a_message(client, superuser):
    client.force_login(superuser)
    response = client.post("/admin/interop/apiclient/add/", {"name": "ehr", "scopes": "all"})
    assert response.status_code == 200
    assert b"Unknown scope" in response.content
    assert not ApiClient.objects.exists()


@pytest.mark.parametrize("role", ["editor", "specialist"])
def test_editors_and_specialists_cannot_create_clients(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    assert client.get("/admin/interop/apiclient/add/").status_code == 403
    response = client.post(
        "/admin/interop/apiclient/add/", {"name": "x", "scopes": "system/*.read"}
    )
    assert response.status_code == 403
    assert not ApiClient.objects.exists()


def test_patients_cannot_reach_the_clients_admin(client, patient_user):
    client.force_login(patient_user)
    response = client.get("/admin/interop/apiclient/add/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
