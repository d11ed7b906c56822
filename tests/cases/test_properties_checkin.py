"""Property tests of the patient's check-in (cases:checkin): whatever a browser posts — valid
answers, out-of-range marks, junk, missing answers, repeated keys, fields the form does not have,
either button or none — the page either saves what the answers mean (the completed follow-up, or
the draft) with its one audit entry, or shows the form with errors and changes nothing. Never a
server error, never a partial write.

Each example answers a follow-up of its own (a fresh schedule), so no example sees another's
check-in already answered; the client logs in once per test, not per example (see
``patient_client``); counts and rows are compared just before and just after the one POST.
"""

import datetime
import json
import math

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cases import checkin_form, checkins, instruments, odi
from cases.models import FollowUp
from clinic.models import AuditEvent
from tests.cases.test_checkins import PLACEHOLDER, answers, schedule_for
from tests.examples import examples

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DAYS_AGO = 100  # the procedure day of each schedule: its 3-month check-in is due, anchored there

# What the patient can validly answer, as a browser posts it (text). The oracle below is written
# from the clinical scales, not read from CheckinForm, so a form that drifts from them fails.
NRS = [str(n) for n in range(11)]
VALID = {
    "nrs_back": NRS,
    "nrs_leg": NRS,
    "satisfaction": ["1", "2", "3", "4"],
    "global_perceived_effect": list(FollowUp.GlobalEffect.values),
    "daily_activities": ["yes", "not_yet"],
    "work": ["yes", "not_yet", "not_applicable"],
    **{code: [str(mark) for mark in range(6)] for code in odi.SECTIONS},
}
NUMBERS = {"nrs_back", "nrs_leg", "satisfaction", *odi.SECTIONS}
REQUIRED = ("nrs_back", "nrs_leg", "satisfaction", "global_perceived_effect")
DATE_OF = {"daily_activities": "returned_to_daily_activities_on", "work": "returned_to_work_on"}
# Not in the form: a crafted POST naming them must change nothing they name.
NOT_IN_FORM = ("source", "completed_at", "assessed_on", "odi_score", "odi_answers",
               "checkin_draft", "version", "patient", "odi_11")  # fmt: skip

junk = st.one_of(
    st.text(min_size=1, max_size=12),
    st.integers(min_value=-50, max_value=3000).map(str),
    st.sampled_from(
        [" ", "\x00", "-1", "11", "6", "2.0", " 2", "02", "1e1", "on", "true", "None",
         "much better", "2020-02-30", "2024-01-01T10:00", "<script>alert(1)</script>", "x" * 300]
    ),
)  # fmt: skip


def parses_as_date(text):
    try:
        return forms.DateField().to_python(text) is not None
    except ValidationError:
        return False


def junk_for(name):
    """Text that is certainly not a valid answer to ``name`` (and not blank)."""
    if name in VALID:
        return junk.filter(lambda text: text not in VALID[name] and text != "")
    return junk.filter(lambda text: text != "" and not parses_as_date(text))


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def around(low, high):
    """Days-ago in [low, high], the two ends (where an off-by-one would hide) often."""
    return st.one_of(st.sampled_from([low, high]), st.integers(low, high)).map(days_ago)


DATES = {
    "in_window": around(0, DAYS_AGO),  # today back to the procedure day
    "future": around(-400, -1),
    "before_anchor": around(DAYS_AGO + 1, DAYS_AGO + 400),
}


def last(raw):
    """The answer a repeated key gives: the form reads the last value."""
    return raw[-1] if isinstance(raw, list) else raw


def meaning_of(data):
    """What a valid POST's answers mean: marks and ratings as numbers, a return date only after
    "yes", nothing for a blank answer."""
    meaning = {}
    for name in VALID:
        raw = last(data.get(name, ""))
        if raw != "":
            meaning[name] = int(raw) if name in NUMBERS else raw
    for choice, name in DATE_OF.items():
        if meaning.get(choice) == "yes" and data.get(name):
            meaning[name] = datetime.date.fromisoformat(data[name])
    return meaning


@st.composite
def checkin_posts(draw):
    """``(data, outcome)``: a POST and what it must do: ``completed``, ``draft``, ``errors`` or
    ``unbound`` (an empty POST)."""
    button = draw(st.sampled_from(["submit_checkin", "save_draft", "both", "neither"]))
    is_draft = button in ("save_draft", "both")
    # Up to two answers are spoiled (junk, missing, a date out of range); the rest are valid
    # or, where optional, mostly given: a mix in which every outcome comes up often, and ODI
    # answers both scored (8 or more sections) and too few to score.
    broken = draw(st.sets(st.sampled_from([*VALID, *DATE_OF.values()]), max_size=2))
    data, refused = {}, False
    for name, choices in VALID.items():
        if name in broken:
            kind = draw(st.sampled_from(["junk", "missing"]))
        elif name in REQUIRED:
            kind = "valid"
        else:
            kind = draw(st.sampled_from(["valid", "valid", "valid", "missing"]))
        if kind == "valid":
            raw = draw(st.sampled_from(choices))
        elif kind == "junk":
            raw = draw(junk_for(name))
            refused = True
        else:
            raw = draw(st.sampled_from([None, ""]))  # no key at all, or an empty one
            refused |= name in REQUIRED and not is_draft
        if raw is not None and draw(st.sampled_from([False, False, False, True])):
            raw = [draw(st.one_of(junk, st.sampled_from(choices))), raw]
        data[name] = raw
    for choice, name in DATE_OF.items():
        said_yes = last(data[choice]) == "yes"
        if name in broken:
            kind = draw(st.sampled_from(["future", "before_anchor", "junk", "missing"]))
        elif said_yes:
            kind = "in_window"
        else:
            kind = draw(st.sampled_from(["missing", "in_window", "future", "before_anchor"]))
        if kind == "missing":
            data[name] = draw(st.sampled_from([None, ""]))
            refused |= said_yes and not is_draft  # a draft may leave the date for later
        elif kind == "junk":
            data[name] = draw(junk_for(name))
            # Not a date: refused after "yes"; after "not yet" (or no answer) the field is
            # hidden, so it is dropped like any other date rather than refused out of sight.
            refused |= said_yes
        else:
            data[name] = draw(DATES[kind]).isoformat()
            # After "not yet" (or no answer) any date given is dropped, whatever it is.
            refused |= said_yes and kind != "in_window"
    data.update(draw(st.fixed_dictionaries({}, optional=dict.fromkeys(NOT_IN_FORM, junk))))
    for key in ("submit_checkin", "save_draft"):
        if button in (key, "both"):
            data[key] = ""
    data = {key: value for key, value in data.items() if value is not None}
    if not data:
        return data, "unbound"
    if refused:
        return data, "errors"
    return data, "draft" if is_draft else "completed"


def snapshot():
    """Row counts of every table of the clinical apps: records, their history, the audit trail,
    reminders, instruments, reading assignments. What any partial write would move. (A form
    shown again is audited as a view: not a write, so views are not counted.)"""
    models = (
        m for app in ("clinic", "cases", "education") for m in apps.get_app_config(app).get_models()
    )
    return {
        model._meta.label: (
            model._base_manager.exclude(action="view")
            if model is AuditEvent
            else model._base_manager
        ).count()
        for model in models
    }


def rows_of(follow_up):
    """Every follow-up of the schedule, field by field."""
    rows = FollowUp._base_manager.filter(procedure=follow_up.procedure_id).values()
    return {row["id"]: row for row in rows}


def events_since(pk):
    return list(
        AuditEvent.objects.filter(pk__gt=pk)
        .order_by("pk")
        .values_list("action", "detail", "object_type", "object_id", "user", "patient")
    )


def odi_points(marks):
    """What cases.odi scores the marks, in whole points rounded half up (as stored)."""
    score = odi.score(marks).score
    return None if score is None else math.floor(score + 0.5)


@pytest.fixture
def patient_client(client_for, patient_user):
    """The patient's client, logged in once for all of a test's examples.

    Every login writes a LOGIN audit entry and ``client_for`` logs the previous user out first
    (a LOGOUT entry): logging in inside an example, after its "before" count, adds entries the
    check-in never wrote (clinic/signals.py).
    """
    return client_for(patient_user)


@pytest.fixture
def odi_wording(db):
    instrument, _ = instruments.load_instrument("odi", json.loads(PLACEHOLDER.read_text()))
    return instrument


def due_checkin(patient_user, specialist):
    """A fresh due 3-month check-in of the patient's own. Made before the "before" counts:
    recording the procedure writes rows and a "procedure recorded" audit entry of its own."""
    procedure = schedule_for(patient_user.patient, specialist, days_ago=DAYS_AGO)
    return procedure.follow_ups.get(timepoint="3m")


def assert_post_does(client, follow_up, data, outcome):
    """POST ``data`` to the check-in: it must do ``outcome`` and store what the answers mean."""
    before, rows = snapshot(), rows_of(follow_up)
    last_event = AuditEvent.objects.aggregate(last=Max("pk"))["last"] or 0

    response = client.post(reverse("cases:checkin", args=[follow_up.pk]), data)

    assert response.status_code in (200, 302), response.status_code
    after, rows_after = snapshot(), rows_of(follow_up)
    if outcome in ("errors", "unbound"):
        assert response.status_code == 200
        form = response.context["form"]
        if outcome == "errors":
            assert form.errors
        else:  # an empty POST (no button either) shows the blank form again
            assert not form.is_bound
        assert after == before
        assert rows_after == rows
        patient = follow_up.patient
        assert events_since(last_event) == [  # the form shown again: a view of the check-in
            ("view", "check-in", "cases.followup", str(follow_up.pk), patient.user_id, patient.pk)
        ]
        return

    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == reverse("dashboard")
    meaning, row = meaning_of(data), rows[follow_up.pk]
    if outcome == "draft":
        expected = {
            **row,
            "checkin_draft": {
                name: value.isoformat() if isinstance(value, datetime.date) else value
                for name, value in meaning.items()
            },
            "version": row["version"] + 1,
        }
        written = ("update", "check-in draft saved")
    else:
        marks = {code: [meaning[code]] for code in odi.SECTIONS if code in meaning}
        expected = {
            **row,
            "source": FollowUp.Source.PATIENT,
            "assessed_on": timezone.localdate(),
            "completed_at": rows_after[follow_up.pk]["completed_at"],
            **{name: meaning[name] for name in REQUIRED},
            **{name: meaning.get(name) for name in DATE_OF.values()},
            "odi_answers": marks,
            "odi_score": odi_points(marks),
            "checkin_draft": {},
            "version": row["version"] + 1,
        }
        assert expected["completed_at"] is not None
        written = ("create", "follow-up recorded")
    assert rows_after == {**rows, follow_up.pk: expected}
    FollowUp.objects.get(pk=follow_up.pk).full_clean()
    history, audit = FollowUp.history.model._meta.label, AuditEvent._meta.label
    assert after == {**before, history: before[history] + 1, audit: before[audit] + 1}
    patient = follow_up.patient
    assert events_since(last_event) == [
        (*written, "cases.followup", str(follow_up.pk), patient.user_id, patient.pk)
    ]


@SETTINGS
@given(post=checkin_posts())
def test_a_checkin_post_saves_what_the_answers_mean_or_shows_errors_and_writes_nothing(
    patient_client, patient_user, specialist, odi_wording, post
):
    data, outcome = post
    event(outcome)  # pytest --hypothesis-show-statistics: how often each outcome came up
    assert_post_does(patient_client, due_checkin(patient_user, specialist), data, outcome)


@settings(SETTINGS, max_examples=examples(25))
@given(
    question=st.sampled_from(list(DATE_OF)),
    answer=st.sampled_from(["yes", "not_yet"]),
    n=st.one_of(st.sampled_from([-1, 0, DAYS_AGO, DAYS_AGO + 1]), st.integers(-30, DAYS_AGO + 30)),
    button=st.sampled_from(["submit_checkin", "save_draft"]),
)
def test_a_return_date_is_taken_from_the_procedure_day_to_today_and_only_after_yes(
    patient_client, patient_user, specialist, question, answer, n, button
):
    day = days_ago(n).isoformat()
    data = {
        **answers(**{question: answer, DATE_OF[question]: day, "submit_checkin": None}),
        button: "",
    }
    in_window = 0 <= n <= DAYS_AGO
    outcome = "draft" if button == "save_draft" else "completed"
    if answer == "yes" and not in_window:
        outcome = "errors"
    event(outcome)
    assert_post_does(patient_client, due_checkin(patient_user, specialist), data, outcome)


@pytest.fixture
def closed_checkins(patient_user, specialist, odi_wording):
    """A schedule's follow-ups that take no answer: one answered, one whose window has closed,
    one whose window has not opened."""
    answered = due_checkin(patient_user, specialist)
    form = checkin_form.CheckinForm(answers(), follow_up=answered)
    assert form.is_valid(), form.errors
    checkins.submit_checkin(follow_up=answered, form=form, by=patient_user)
    return [answered, *(answered.procedure.follow_ups.get(timepoint=t) for t in ("6w", "12m"))]


@SETTINGS
@given(post=checkin_posts(), which=st.sampled_from([0, 1, 2]))
def test_a_checkin_that_is_not_open_takes_no_answer_whatever_is_posted(
    patient_client, closed_checkins, post, which
):
    # Nothing may be written, so every example starts from the same state without a fresh one.
    data, _ = post
    follow_up = closed_checkins[which]
    before, rows = snapshot(), rows_of(follow_up)

    response = patient_client.post(reverse("cases:checkin", args=[follow_up.pk]), data)

    assert response.status_code == 200
    assert b"Send my check-in" not in response.content
    assert snapshot() == before
    assert rows_of(follow_up) == rows
