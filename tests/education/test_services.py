import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from clinic.models import AuditEvent
from education import services
from education.models import Assignment
from tests import factories

pytestmark = pytest.mark.django_db


def test_assigning_records_the_live_version_and_an_audit_event(
    live_article, patient, specialist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign_article(
            article=live_article,
            patient=patient,
            assigned_by=specialist,
            note="Read before Monday.",
        )
    assert assignment.version == live_article.published_version
    assert assignment.note == "Read before Monday."
    event = AuditEvent.objects.get(action="create", object_id=str(assignment.pk))
    assert event.patient == patient
    assert event.user == specialist
    assert event.object_type == "education.assignment"


def test_the_email_has_a_link_and_no_health_information(
    live_article, patient, specialist, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portal.clinic.example"
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.assign_article(
            article=live_article, patient=patient, assigned_by=specialist, note="Your L5 disc."
        )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [patient.email]
    assert f"https://portal.clinic.example/education/assignments/{assignment.pk}/" in message.body
    text = message.subject + message.body
    for private in (live_article.published_version.title, "L5", patient.family_name, patient.mrn):
        assert private not in text


def test_no_email_is_sent_if_the_assignment_is_rolled_back(
    live_article, patient, specialist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.assign_article(article=live_article, patient=patient, assigned_by=specialist)
    assert mail.outbox == []  # rolled back: what waits for the commit never runs
    for callback in callbacks:  # committed, it would have been sent
        callback()
    assert len(mail.outbox) == 1


def test_only_specialists_assign(live_article, patient, editor):
    with pytest.raises(ValidationError, match="Only a specialist"):
        services.assign_article(article=live_article, patient=patient, assigned_by=editor)
    assert not Assignment.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_an_unpublished_or_retired_article_cannot_be_assigned(
    draft, live_article, patient, specialist, editor
):
    with pytest.raises(ValidationError, match="Only a published article"):
        services.assign_article(article=draft.article, patient=patient, assigned_by=specialist)
    live_article.retire(by=editor)
    with pytest.raises(ValidationError, match="Only a published article"):
        services.assign_article(article=live_article, patient=patient, assigned_by=specialist)
    assert not Assignment.objects.exists()


def test_reading_events_are_audited_against_the_patient(patient_user, patient, specialist):
    assignment = factories.AssignmentFactory(patient=patient)
    assert services.open_assignment(assignment=assignment, by=patient_user) is True
    assert services.open_assignment(assignment=assignment, by=patient_user) is False
    services.mark_understood(assignment=assignment, by=patient_user)
    services.ask_question(assignment=assignment, by=patient_user, text="Can I swim?")
    services.answer_question(assignment=assignment, by=specialist, text="Yes, after 4 weeks.")
    details = list(
        AuditEvent.objects.filter(patient=patient).order_by("id").values_list("detail", flat=True)
    )
    assert details == [
        "opened reading",
        "marked reading understood",
        "asked a question about reading",
        "answered a reading question",
    ]
    assert not any("swim" in d for d in details)
