"""Clinical records in the shared admin: never deleted, never reverted, changed only over the
version the user opened, and audited like the portal."""

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import reverse

from cases.models import AdverseEvent, Consult, FollowUp
from clinic import roles
from clinic.models import STALE_MESSAGE, AuditEvent, StaleRecordError
from tests import factories

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


# --- fields the portal protects -------------------------------------------------------------------


def as_posted(response):
    """The admin change form in ``response``, as the browser posts it unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):  # the date and time boxes
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(field, forms.BooleanField) and not isinstance(
            field, forms.NullBooleanField
        ):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    return data


@pytest.fixture
def people(db):
    """Accounts that are not active specialists, and one that is."""
    return {
        "editor": _in_role(factories.UserFactory(is_staff=True), roles.CONTENT_EDITORS),
        "patient": _in_role(factories.UserFactory(), roles.PATIENTS),
        "no role": factories.UserFactory(is_staff=True),
        "former specialist": _in_role(factories.UserFactory(is_active=False), roles.SPECIALISTS),
        "specialist": _in_role(factories.UserFactory(is_staff=True), roles.SPECIALISTS),
    }


def _in_role(user, role):
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.parametrize(("kind", "field"), [("consult", "specialist"), ("procedure", "surgeon")])
def test_a_records_specialist_or_surgeon_is_chosen_among_active_specialists(
    client_for, superuser, specialist, records, people, kind, field
):
    record = records[kind]
    url = reverse(f"admin:cases_{kind}_change", args=[record.pk])
    client = client_for(superuser)
    page = client.get(url)
    offered = set(page.context["adminform"].form.fields[field].queryset)
    assert offered == {specialist, people["specialist"]}
    data = as_posted(page)
    for name in ("editor", "patient", "no role", "former specialist"):
        response = client.post(url, {**data, field: people[name].pk})
        assert response.status_code == 200, name
        assert field in response.context["adminform"].form.errors
    assert getattr(type(record).objects.get(pk=record.pk), f"{field}_id") == specialist.pk
    assert client.post(url, {**data, field: people["specialist"].pk}).status_code == 302
    assert getattr(type(record).objects.get(pk=record.pk), f"{field}_id") == people["specialist"].pk


def test_a_record_of_a_specialist_who_has_left_is_still_saved_unchanged(
    client_for, superuser, specialist, records
):
    specialist.is_active = False
    specialist.save(update_fields=["is_active"])
    consult = records["consult"]
    url = reverse("admin:cases_consult_change", args=[consult.pk])
    client = client_for(superuser)
    data = as_posted(client.get(url))
    assert client.post(url, {**data, "notes": "Corrected."}).status_code == 302
    consult = Consult.objects.get(pk=consult.pk)
    assert (consult.notes, consult.specialist) == ("Corrected.", specialist)


def test_a_patient_reported_follow_up_cannot_be_passed_off_as_the_specialists(
    client_for, superuser, records
):
    follow_up = records["followup"]
    follow_up.source = FollowUp.Source.PATIENT
    follow_up.save()
    url = reverse("admin:cases_followup_change", args=[follow_up.pk])
    client = client_for(superuser)
    page = client.get(url)
    assert b'name="source"' not in page.content
    response = client.post(url, {**as_posted(page), "source": "specialist"})
    assert response.status_code == 302
    assert FollowUp.objects.get(pk=follow_up.pk).source == FollowUp.Source.PATIENT
