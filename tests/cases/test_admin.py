"""Clinical records in the shared admin: never deleted, never reverted, changed only over the
version the user opened, and audited like the portal."""

import pytest
from django.urls import reverse

from cases.models import AdverseEvent, Consult
from clinic.models import STALE_MESSAGE, AuditEvent, StaleRecordError

pytestmark = pytest.mark.django_db


def event_form(event, **changes):
    """The admin change form of an adverse event, as the browser would post it."""
    return {
        "procedure": event.procedure_id,
        "event_type": event.event_type,
        "onset_date": event.onset_date.isoformat(),
        "clavien_dindo_grade": event.clavien_dindo_grade,
        "description": event.description,
        "seen_version": event.version,
        **changes,
    }


def audit_actions(obj):
    return sorted(
        AuditEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).values_list("action", flat=True)
    )


def test_nobody_can_delete_clinical_records_in_the_admin(client_for, superuser, records):
    url = reverse("admin:cases_consult_delete", args=[records["consult"].pk])
    assert client_for(superuser).post(url, {"post": "yes"}).status_code == 403
    assert Consult.objects.filter(pk=records["consult"].pk).exists()


def test_changing_a_record_in_the_admin_is_audited_and_bumps_its_version(
    client_for, superuser, records
):
    event = records["adverseevent"]
    url = reverse("admin:cases_adverseevent_change", args=[event.pk])
    client = client_for(superuser)
    assert client.get(url).status_code == 200
    response = client.post(url, event_form(event, event_type="haematoma", clavien_dindo_grade="II"))
    assert response.status_code == 302
    event = AdverseEvent.objects.get(pk=event.pk)
    assert event.event_type == "haematoma" and event.version == 2
    assert audit_actions(event) == ["update", "view"]


def test_an_admin_change_over_a_copy_saved_meanwhile_in_the_portal_is_refused(
    client_for, superuser, specialist, records
):
    event = records["adverseevent"]
    opened = event_form(event, event_type="haematoma")  # the admin user opens version 1
    in_portal = AdverseEvent.objects.get(pk=event.pk)  # a specialist saves in the portal
    in_portal.description = "Seen in clinic."
    in_portal.save_if_current(expected_version=1)

    response = client_for(superuser).post(
        reverse("admin:cases_adverseevent_change", args=[event.pk]), opened
    )
    assert response.status_code == 200
    assert STALE_MESSAGE in response.content.decode()
    event = AdverseEvent.objects.get(pk=event.pk)
    assert (event.event_type, event.description, event.version) == (
        in_portal.event_type,
        "Seen in clinic.",
        2,
    )
    assert "update" not in audit_actions(event)


def test_a_record_cannot_be_reverted_from_its_history(client_for, superuser, specialist, records):
    """A revert would save the old row whole: here it would undo the entered-in-error marking."""
    consult = records["consult"]
    consult.mark_entered_in_error(by=specialist, reason="Wrong patient.")
    first = consult.history.earliest("history_date")
    url = reverse("admin:cases_consult_simple_history", args=[consult.pk, first.history_id])
    client = client_for(superuser)

    page = client.get(url)
    assert page.status_code == 200
    assert b'value="Revert"' not in page.content
    form = {"seen_version": first.version, "consult_date": consult.consult_date.isoformat()}
    assert client.post(url, form).status_code == 403
    consult = Consult.objects.get(pk=consult.pk)
    assert consult.entered_in_error and consult.version == 2


def test_opening_a_record_or_its_history_in_the_admin_is_audited_and_refusals_are_not(
    client_for, specialist, editor, records
):
    consult = records["consult"]
    change = reverse("admin:cases_consult_change", args=[consult.pk])
    history = reverse("admin:cases_consult_history", args=[consult.pk])
    assert client_for(editor).get(change).status_code == 403
    assert audit_actions(consult) == []
    client = client_for(specialist)
    assert client.get(change).status_code == 200
    assert client.get(history).status_code == 200
    events = AuditEvent.objects.filter(object_type="cases.consult", user=specialist)
    assert sorted(events.values_list("detail", flat=True)) == ["admin", "admin history"]
    assert {event.patient for event in events} == {consult.patient}


def test_a_save_that_loses_the_race_under_the_row_lock_is_refused_with_a_message(
    client_for, superuser, records, monkeypatch
):
    """The form saw the current version, but someone saved before the locked re-check."""
    event = records["adverseevent"]

    def someone_saved_first(self, *, expected_version, **kwargs):
        raise StaleRecordError(STALE_MESSAGE, code="stale")

    monkeypatch.setattr(AdverseEvent, "save_if_current", someone_saved_first)
    url = reverse("admin:cases_adverseevent_change", args=[event.pk])
    client = client_for(superuser)
    response = client.post(url, event_form(event, event_type="haematoma"))
    assert response.status_code == 302 and response["Location"] == url
    assert STALE_MESSAGE in client.get(url).content.decode()
    assert AdverseEvent.objects.get(pk=event.pk).event_type == event.event_type
    assert "update" not in audit_actions(event)
