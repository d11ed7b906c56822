"""Keyset pagination (clinic.paging): the patient list and the audit trail page by the last row
seen, not by OFFSET. Paging forward and back shows every row exactly once, in order, even
where the sort keys are equal, and the filters stay in the links."""

import datetime
import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEvent, Patient
from tests import factories

pytestmark = pytest.mark.django_db


def _link(response, rel):
    """The query parameters of the page's Next (``rel="next"``) or Previous link, or None."""
    found = re.search(rf'rel="{rel}" href="\?([^"]*)"', response.content.decode())
    if found is None:
        return None
    return {k: v[0] for k, v in parse_qs(unescape(found.group(1))).items()}


def _walk(client, url, query):
    """Every page forward from the first, then back from the last: the rows of each page."""
    forward, backward = [], []
    response = client.get(url, query)
    while True:
        assert response.status_code == 200
        forward.append([row.pk for row in response.context["page"]])
        following = _link(response, "next")
        if following is None:
            break
        response = client.get(url, following)
    while (previous := _link(response, "prev")) is not None:
        response = client.get(url, previous)
        backward.append([row.pk for row in response.context["page"]])
    return forward, backward


def _namesakes(n):
    """``n`` patients sharing two family names and two given names: many equal sort keys."""
    return [
        factories.PatientFactory(
            family_name=["Garcia", "Lopez"][i % 2], given_name=["Ana", "Eva"][i // 2 % 2]
        )
        for i in range(n)
    ]


def test_paging_the_patient_list_forward_then_back_shows_every_patient_once(client_for, specialist):
    patients = _namesakes(60)
    client = client_for(specialist)
    forward, backward = _walk(client, reverse("cases:patient_list"), {})
    expected = list(
        Patient.objects.order_by("family_name", "given_name", "id").values_list("pk", flat=True)
    )
    assert [len(page) for page in forward] == [25, 25, 10]
    assert [pk for page in forward for pk in page] == expected
    # Back from the last page: the pages before it, the same rows, the first page last.
    assert backward == forward[-2::-1]
    assert len(expected) == len(patients)


def test_patient_list_links_keep_the_search_and_filters(client_for, specialist):
    _namesakes(60)
    factories.PatientFactory(family_name="Smith")
    client = client_for(specialist)
    query = {"q": "garcia", "outcome": "none"}
    forward, backward = _walk(client, reverse("cases:patient_list"), query)
    garcias = Patient.objects.filter(family_name="Garcia").order_by("given_name", "id")
    assert [pk for page in forward for pk in page] == [p.pk for p in garcias]
    response = client.get(reverse("cases:patient_list"), query)
    assert _link(response, "next") == {
        "q": "garcia",
        "outcome": "none",
        "after": str(forward[0][-1]),
    }
    assert backward == forward[-2::-1]


def test_patient_list_page_is_found_from_the_marked_row_without_an_offset(client_for, specialist):
    _namesakes(30)
    client = client_for(specialist)
    first = client.get(reverse("cases:patient_list"))
    following = _link(first, "next")
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cases:patient_list"), following)
    page_query = next(q["sql"] for q in queries.captured_queries if "LIMIT 26" in q["sql"])
    assert "OFFSET" not in page_query


@pytest.mark.parametrize("marker", ["", "0", "-1", "x", "1.5", "٣", "9" * 19, "9" * 40, str(2**63)])
def test_a_marker_that_names_no_row_shows_a_page_not_an_error(client_for, specialist, marker):
    _namesakes(3)
    client = client_for(specialist)
    for name in ("after", "before", "page"):
        response = client.get(reverse("cases:patient_list"), {name: marker})
        assert response.status_code == 200
        assert len(response.context["page"]) == 3


def test_a_stale_previous_link_shows_the_full_first_page(client_for, specialist):
    patients = _namesakes(30)
    ordered = Patient.objects.order_by("family_name", "given_name", "id")
    # "Previous" from the 3rd row: fewer than a page before it, so the first page, full.
    response = client_for(specialist).get(reverse("cases:patient_list"), {"before": ordered[2].pk})
    assert [p.pk for p in response.context["page"]] == [p.pk for p in ordered[:25]]
    assert _link(response, "prev") is None
    assert len(patients) == 30


def test_paging_the_audit_trail_shows_every_event_once_newest_first(client_for, superuser):
    at = timezone.now() - datetime.timedelta(hours=1)
    for i in range(120):  # ties: ten events at each moment
        AuditEvent.objects.create(
            action="view", username=f"u{i}", at=at + datetime.timedelta(seconds=i // 10)
        )
    client = client_for(superuser)
    forward, backward = _walk(client, reverse("audit_trail"), {"action": "view"})
    expected = list(
        AuditEvent.objects.filter(action="view").order_by("-at", "-id").values_list("pk", flat=True)
    )
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward[-2::-1]
    response = client.get(reverse("audit_trail"), {"action": "view"})
    assert "120 events" in response.content.decode()
    assert "page=" not in response.context["query"]


def test_the_audit_trail_counts_up_to_its_limit(client_for, superuser, settings, monkeypatch):
    monkeypatch.setattr("clinic.views.AUDIT_COUNT_LIMIT", 5)
    for i in range(7):
        AuditEvent.objects.create(action="view", username=f"u{i}")
    response = client_for(superuser).get(reverse("audit_trail"), {"action": "view"})
    assert "5+ events" in response.content.decode()


def test_numbered_pages_keep_working_in_the_shared_pagination(client_for, specialist, patient):
    """The reading list still uses Django's paginator through the same template."""
    for _ in range(51):
        factories.AssignmentFactory(patient=patient, assigned_by=specialist)
    response = client_for(specialist).get(reverse("education:assignment_list"))
    assert "Page 1 of 2" in response.content.decode()
    assert _link(response, "next") == {"page": "2"}
