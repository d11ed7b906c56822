"""The access matrix: every URL of the portal, opened by every role, answers what this table says.

A URL pattern that is not in the table fails the test ("add it to the matrix"), so no page can
be added without someone deciding who may open it. Rows of other people answer 404, not 403, so
that their existence is not given away.

Every URL gets every method from every role. GET (and HEAD, a GET without its body) answers as
MATRIX says; a POST as POST_MATRIX says for the forms and actions, 405 everywhere else; PUT,
PATCH, DELETE and OPTIONS answer 405 to everyone, before any login or view (clinic.middleware).
Every response to a signed-in user is ``no-store``, and every response that shows a patient's
record wrote one audit event about it.

Cells: 200 = may open it; LOGIN = 302 to the login page (the admin's own login page for the
admin); 302 = another redirect; 403, 404, 405 = refused with that status.

The tests run with the test settings: two-factor enrolment is not required (with
DJANGO_REQUIRE_2FA=true specialists and superusers are first sent to enrol, see
tests/clinic/test_security.py).
"""

import itertools
import re
from urllib.parse import urlparse

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from cases import services as cases_services
from cases.models import CheckinReminder, Instrument
from clinic.audit import record_event
from clinic.models import AuditEvent, Patient
from education import services as education_services
from interop.models import ApiClient
from tests import factories

LOGIN = "LOGIN"
ROLES = ("anonymous", "patient", "other patient", "editor", "specialist", "superuser")
# Answered by no page: refused with 405 before the login or any view (clinic.middleware).
REFUSED = ("PUT", "PATCH", "DELETE", "OPTIONS")


def methods_for(role, index, answered):
    """The methods to send to the ``index``-th URL as ``role``: those a page answers, as every
    role; the refused ones, answered before the session is read (whoever asks), from one role in
    turn, so that over the URLs each role sends them."""
    refused = REFUSED if ROLES[index % len(ROLES)] == role else ()
    return (*answered, *refused)


# The admin's pages for each model follow from what each staff role may do with the model there
# (v = view, a = add, c = change, d = delete), as the role table (clinic/roles.py) and the
# ModelAdmins' own rules make it. Visitors and patients never get past the admin's login page.
STAFF = ("editor", "specialist", "superuser")
# fmt: off
ADMIN_MODELS = {
    # model: (editor, specialist, superuser)
    "auth.group": ("", "", "vacd"),
    "clinic.user": ("", "", "vac"),  # accounts are deactivated, never deleted
    "clinic.patient": ("", "vac", "vac"),  # never deleted
    "clinic.auditevent": ("", "", "v"),  # nobody edits the audit trail
    "education.article": ("vac", "v", "vac"),  # retired, never deleted
    "education.articleversion": ("vc", "v", "vc"),  # new versions through the workflow
    "education.assignment": ("", "v", "v"),  # assigned in the portal, which emails
    "cases.consult": ("", "vc", "vc"),  # clinical records: created in the portal,
    "cases.candidacydecision": ("", "v", "v"),  # never deleted; decisions append-only
    "cases.procedure": ("", "vc", "vc"),
    "cases.adverseevent": ("", "vc", "vc"),
    "cases.followup": ("", "vc", "vc"),
    "cases.minimalimportantchange": ("", "", "vac"),  # cited configuration, superusers only
    "cases.instrument": ("", "", "v"),  # loaded by load_instrument
    "cases.checkinreminder": ("", "", "v"),  # written by send_checkin_reminders
    "axes.accessattempt": ("", "", "vcd"),  # deleting an attempt lifts a lockout
    "axes.accesslog": ("", "", "vcd"),
    "axes.accessfailurelog": ("", "", "vcd"),
    "otp_totp.totpdevice": ("", "", "vcd"),  # a lost phone: the superuser resets the device
    "otp_static.staticdevice": ("", "", "vcd"),
    "django_tasks_database.dbtaskresult": ("", "", "v"),  # background tasks, read-only
    "interop.apiclient": ("", "", "vac"),  # FHIR API clients: superusers; revoked, not deleted
}
# fmt: on

# What each of a model's admin pages needs ("" = any staff: it only redirects).
ADMIN_PAGE_NEEDS = {
    "changelist": "v",
    "add": "a",
    "change": "v",  # read-only with the view permission alone
    "history": "v",
    "simple_history": "v",  # one past version (never reverted: clinic/admin.py)
    "delete": "d",
    "password_change": "c",  # the user's password
    "object": "",  # <pk>/ redirects to <pk>/change/
}

# URL name: (arguments, anonymous, patient, other patient, editor, specialist, superuser)
# Arguments: "name=object" puts the object's pk (or "object.attr") in the URL; 'x' is a literal.
# "patient" owns every clinical record, the assignment and the patients-only article's reading;
# "other patient" is a second patient with records of their own.
# fmt: off
MATRIX = {
    # clinic
    "dashboard": ("", 200, 200, 200, 200, 200, 200),
    "set_language": ("", 405, 405, 405, 405, 405, 405),  # the header's switcher posts to it
    "favicon": ("", 302, 302, 302, 302, 302, 302),  # to the static SVG
    "two_factor_setup": ("", LOGIN, 200, 200, 200, 200, 200),
    "two_factor_verify": ("", LOGIN, 302, 302, 302, 302, 302),
    "login": ("", 200, 200, 200, 200, 200, 200),
    "logout": ("", LOGIN, 405, 405, 405, 405, 405),
    "password_change": ("", LOGIN, 200, 200, 200, 200, 200),
    "password_change_done": ("", LOGIN, 200, 200, 200, 200, 200),
    "password_reset": ("", 200, 200, 200, 200, 200, 200),
    "password_reset_done": ("", 200, 200, 200, 200, 200, 200),
    "password_reset_confirm": ("uidb64='MQ' token='bad-token'", 200, 200, 200, 200, 200, 200),
    "password_reset_complete": ("", 200, 200, 200, 200, 200, 200),
    "audit_trail": ("", LOGIN, 403, 403, 403, 403, 200),
    # education: public reading
    "education:library": ("", 200, 200, 200, 200, 200, 200),
    "education:article_detail": ("slug=public_article.slug", 200, 200, 200, 200, 200, 200),
    "education:article_detail[language,slug]":
        ("slug=patients_article.slug language=patients_article.language",
         LOGIN, 200, 200, 200, 200, 200),
    # education: writing and clinical review
    "education:manage_article_list": ("", LOGIN, 403, 403, 200, 200, 200),
    "education:article_create": ("", LOGIN, 403, 403, 200, 403, 200),
    "education:article_versions": ("pk=public_article", LOGIN, 403, 403, 200, 200, 200),
    "education:article_edit": ("pk=public_article", LOGIN, 403, 403, 200, 403, 200),
    "education:article_retire": ("pk=public_article", LOGIN, 403, 403, 200, 403, 200),
    "education:version_detail": ("pk=draft", LOGIN, 403, 403, 200, 200, 200),
    "education:version_preview": ("pk=draft", LOGIN, 403, 403, 200, 200, 200),
    "education:version_diff": ("pk=draft", LOGIN, 403, 403, 200, 200, 200),
    "education:version_action": ("pk=version action='approve'", LOGIN, 405, 405, 405, 405, 405),
    # education: assigned reading (patients' own; editors never see it)
    "education:assign_article": ("patient_pk=patient", LOGIN, 403, 403, 403, 200, 200),
    "education:patient_assignments": ("patient_pk=patient", LOGIN, 403, 403, 403, 200, 200),
    "education:assignment_list": ("", LOGIN, 403, 403, 403, 200, 200),
    "education:assignment_detail": ("pk=assignment", LOGIN, 200, 404, 404, 200, 200),
    "education:assignment_understood": ("pk=assignment", LOGIN, 405, 405, 405, 405, 405),
    "education:assignment_question": ("pk=assignment", LOGIN, 405, 405, 405, 405, 405),
    "education:assignment_answer": ("pk=assignment", LOGIN, 405, 405, 405, 405, 405),
    # cases: specialists and superusers only, patients' own records included
    "cases:patient_list": ("", LOGIN, 403, 403, 403, 200, 200),
    "cases:patient_create": ("", LOGIN, 403, 403, 403, 200, 200),
    "cases:patient_detail": ("pk=patient", LOGIN, 403, 403, 403, 200, 200),
    "cases:patient_edit": ("pk=patient", LOGIN, 403, 403, 403, 200, 200),
    "cases:patient_invite": ("pk=patient", LOGIN, 403, 403, 403, 200, 200),
    "cases:consult_create": ("patient_pk=patient", LOGIN, 403, 403, 403, 200, 200),
    "cases:consult_detail": ("pk=consult", LOGIN, 403, 403, 403, 200, 200),
    "cases:consult_edit": ("pk=consult", LOGIN, 403, 403, 403, 200, 200),
    "cases:decision_create": ("consult_pk=consult", LOGIN, 403, 403, 403, 200, 200),
    "cases:decision_detail": ("pk=decision", LOGIN, 403, 403, 403, 200, 200),
    "cases:decision_amend": ("pk=decision", LOGIN, 403, 403, 403, 200, 200),
    "cases:procedure_create": ("decision_pk=reoperation", LOGIN, 403, 403, 403, 200, 200),
    "cases:procedure_detail": ("pk=procedure", LOGIN, 403, 403, 403, 200, 200),
    "cases:procedure_edit": ("pk=procedure", LOGIN, 403, 403, 403, 200, 200),
    "cases:adverseevent_create": ("procedure_pk=procedure", LOGIN, 403, 403, 403, 200, 200),
    "cases:adverseevent_edit": ("pk=adverseevent", LOGIN, 403, 403, 403, 200, 200),
    "cases:followup_form": ("pk=followup", LOGIN, 403, 403, 403, 200, 200),
    "cases:entered_in_error": ("kind='consult' pk=consult", LOGIN, 403, 403, 403, 200, 200),
    # the outcome dashboard: the clinical team in full, editors aggregate-only (test below)
    "cases:outcomes": ("", LOGIN, 403, 403, 200, 200, 200),
    # the data-quality page names patients: the clinical team only
    "cases:data_quality": ("", LOGIN, 403, 403, 403, 200, 200),
    # the patient's own check-ins: patients only, another patient's answers 404
    "cases:checkin": ("pk=followup", LOGIN, 200, 404, 403, 403, 403),
    # the patient's own progress: patients only, each sees their own (test_my_progress.py)
    "cases:my_progress": ("", LOGIN, 200, 200, 403, 403, 403),
    # the link in a check-in email: no login, its own marker in the session (none here: 403),
    # an unknown token 404; the opt-out: the patient's own page, and the emails' signed link
    "cases:checkin_link": ("", 403, 403, 403, 403, 403, 403),
    "cases:checkin_link_done": ("", 200, 200, 200, 200, 200, 200),
    "cases:checkin_link_open": ("token='bad-token'", 404, 404, 404, 404, 404, 404),
    "cases:email_preferences": ("", LOGIN, 200, 200, 403, 403, 403),
    "cases:checkin_unsubscribe": ("token='bad-token'", 404, 404, 404, 404, 404, 404),
    "cases:export_index": ("", LOGIN, 403, 403, 403, 200, 200),
    "cases:export_csv": ("table='consults'", LOGIN, 405, 405, 405, 405, 405),
    # the Django admin: staff only (editors and specialists are staff); the models' pages
    # follow ADMIN_MODELS, the rest is here
    "admin:index": ("", LOGIN, LOGIN, LOGIN, 200, 200, 200),
    # a signed-in patient is told they may not use the admin; staff are sent to its index
    "admin:login": ("", 200, 200, 200, 302, 302, 302),
    # a signed-in patient is sent back to the admin's index (which sends them to its login)
    "admin:logout": ("", LOGIN, 302, 302, 405, 405, 405),
    "admin:password_change": ("", LOGIN, LOGIN, LOGIN, 200, 200, 200),
    "admin:password_change_done": ("", LOGIN, LOGIN, LOGIN, 200, 200, 200),
    "admin:jsi18n": ("", LOGIN, LOGIN, LOGIN, 200, 200, 200),
    # without a field to complete (none of the portal's admins use autocomplete) it refuses
    "admin:autocomplete": ("", LOGIN, LOGIN, LOGIN, 403, 403, 403),
    # redirects to the object's portal page, which then applies the portal's access rules
    "admin:view_on_site": ("content_type_id=patient_type object_id=patient",
                           LOGIN, LOGIN, LOGIN, 302, 302, 302),
    # an app's page opens for a role with any permission on one of the app's models
    "admin:app_list": ("app_label='clinic'", LOGIN, LOGIN, LOGIN, 404, 200, 200),
    "admin:app_list[education]": ("app_label='education'", LOGIN, LOGIN, LOGIN, 200, 200, 200),
    "admin:app_list[cases]": ("app_label='cases'", LOGIN, LOGIN, LOGIN, 404, 200, 200),
    "admin:app_list[auth]": ("app_label='auth'", LOGIN, LOGIN, LOGIN, 404, 404, 200),
    "admin:app_list[axes]": ("app_label='axes'", LOGIN, LOGIN, LOGIN, 404, 404, 200),
    "admin:app_list[otp_totp]": ("app_label='otp_totp'", LOGIN, LOGIN, LOGIN, 404, 404, 200),
    "admin:app_list[otp_static]": ("app_label='otp_static'", LOGIN, LOGIN, LOGIN, 404, 404, 200),
    "admin:app_list[django_tasks_database]": ("app_label='django_tasks_database'",
                                              LOGIN, LOGIN, LOGIN, 404, 404, 200),
    "admin:[any other path]": ("path='/admin/no-such-page/'", LOGIN, LOGIN, LOGIN, 404, 404, 404),
    "admin:app_list[interop]": ("app_label='interop'", LOGIN, LOGIN, LOGIN, 404, 404, 200),
    # the FHIR API: outside the login, a bearer token or 401 (tests/interop); metadata is public
    "interop:metadata": ("", 200, 200, 200, 200, 200, 200),
    "interop:export": ("", 401, 401, 401, 401, 401, 401),
    "interop:patient_export": ("", 401, 401, 401, 401, 401, 401),
    "interop:export_status": ("job_id='7f3c2a4e-0000-4000-8000-000000000000'",
                              401, 401, 401, 401, 401, 401),
    "interop:export_file": ("job_id='7f3c2a4e-0000-4000-8000-000000000000' file_id='1'",
                            401, 401, 401, 401, 401, 401),
    "interop:everything": ("resource_id='1'", 401, 401, 401, 401, 401, 401),
    "interop:search": ("resource_type='Patient'", 401, 401, 401, 401, 401, 401),
    "interop:read": ("resource_type='Patient' resource_id='1'", 401, 401, 401, 401, 401, 401),
    "interop:unknown": ("path='Encounter'", 404, 404, 404, 404, 404, 404),
}
# fmt: on

# What an empty POST gets on every page that takes one: the forms (200 = shown again with its
# errors) and the POST-only actions, which answer 405 to every GET above (302 = reached the view,
# which then refuses the empty form with a message, or acts: "understood" is marked, the CSV is
# sent). Every other portal page only reads: a POST answers 405 (a visitor is first sent to log
# in where the page needs a login). The admin takes a POST on every page: one not listed here
# answers it as its GET. Same columns as MATRIX, without the arguments.
# fmt: off
POST_MATRIX = {
    # clinic
    "set_language": (302, 302, 302, 302, 302, 302),  # no language chosen: back, unchanged
    "two_factor_setup": (LOGIN, 200, 200, 200, 200, 200),
    "two_factor_verify": (LOGIN, 302, 302, 302, 302, 302),  # nobody has enrolled: to setup
    "login": (200, 200, 200, 200, 200, 200),
    "logout": (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),  # logged out, to the login page
    "password_change": (LOGIN, 200, 200, 200, 200, 200),
    "password_reset": (200, 200, 200, 200, 200, 200),
    "password_reset_confirm": (200, 200, 200, 200, 200, 200),
    # education
    "education:article_create": (LOGIN, 403, 403, 200, 403, 200),
    "education:article_edit": (LOGIN, 403, 403, 200, 403, 200),
    "education:article_retire": (LOGIN, 403, 403, 302, 403, 302),  # retired, or already
    "education:version_action": (LOGIN, 403, 403, 403, 302, 302),
    "education:assign_article": (LOGIN, 403, 403, 403, 200, 200),
    "education:assignment_understood": (LOGIN, 302, 404, 404, 404, 404),
    "education:assignment_question": (LOGIN, 302, 404, 404, 404, 404),
    "education:assignment_answer": (LOGIN, 403, 403, 403, 302, 302),
    # cases
    "cases:patient_create": (LOGIN, 403, 403, 403, 200, 200),
    "cases:patient_edit": (LOGIN, 403, 403, 403, 200, 200),
    "cases:patient_invite": (LOGIN, 403, 403, 403, 302, 302),  # refused: already has an account
    "cases:consult_create": (LOGIN, 403, 403, 403, 200, 200),
    "cases:consult_edit": (LOGIN, 403, 403, 403, 200, 200),
    "cases:decision_create": (LOGIN, 403, 403, 403, 200, 200),
    "cases:decision_amend": (LOGIN, 403, 403, 403, 200, 200),
    "cases:procedure_create": (LOGIN, 403, 403, 403, 200, 200),
    "cases:procedure_edit": (LOGIN, 403, 403, 403, 200, 200),
    "cases:adverseevent_create": (LOGIN, 403, 403, 403, 200, 200),
    "cases:adverseevent_edit": (LOGIN, 403, 403, 403, 200, 200),
    "cases:followup_form": (LOGIN, 403, 403, 403, 200, 200),
    "cases:entered_in_error": (LOGIN, 403, 403, 403, 200, 200),
    "cases:checkin": (LOGIN, 200, 404, 403, 403, 403),
    "cases:checkin_link": (403, 403, 403, 403, 403, 403),
    "cases:email_preferences": (LOGIN, 302, 302, 403, 403, 403),
    "cases:checkin_unsubscribe": (404, 404, 404, 404, 404, 404),
    "cases:export_csv": (LOGIN, 403, 403, 403, 200, 200),
    # the admin's pages that answer a POST otherwise than a GET
    "admin:login": (200, 200, 200, 200, 200, 200),  # the form again, with its errors
    "admin:logout": (LOGIN, 302, 302, LOGIN, LOGIN, LOGIN),  # staff are logged out
    "admin:password_change_done": (LOGIN, LOGIN, LOGIN, 405, 405, 405),
    "admin:jsi18n": (LOGIN, LOGIN, LOGIN, 405, 405, 405),
    "admin:autocomplete": (LOGIN, LOGIN, LOGIN, 405, 405, 405),
}
# fmt: on
LOGS_OUT = {"logout", "admin:logout"}

# Every kind of clinical record can be marked entered in error, by the same roles.
ENTERED_IN_ERROR_KINDS = ("consult", "decision", "procedure", "adverseevent", "followup")


def _walk(patterns, namespace="", prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespace, prefix, entry


ADMIN_PAGE_NAME = re.compile(rf"_({'|'.join(sorted(ADMIN_PAGE_NEEDS, key=len, reverse=True))})$")


def _admin_model_page(namespace, prefix, pattern):
    """(model label, page) for a page of one model's admin, else None."""
    parts = prefix.removeprefix("admin/").strip("/").split("/")
    if namespace != "admin:" or len(parts) != 2:
        return None
    if pattern.name is None:
        return ".".join(parts), "object"
    return ".".join(parts), ADMIN_PAGE_NAME.search(pattern.name).group(1)


def project_patterns():
    """(key, URL name, (model, page) or None) for every URL pattern of the project.

    A key is the URL name, made unique where a name has several patterns; the admin's pages
    of one model are keyed by model and page, its page of each app by app label.
    """
    seen = {}
    for namespace, prefix, pattern in _walk(get_resolver().url_patterns):
        name = f"{namespace}{pattern.name}" if pattern.name else None
        model_page = _admin_model_page(namespace, prefix, pattern)
        if model_page:
            yield f"admin:{model_page[0]}:{model_page[1]}", name, model_page
        elif name == "admin:app_list":
            for app_label in sorted({m._meta.app_label for m in admin.site._registry}):
                yield (name if app_label == "clinic" else f"{name}[{app_label}]"), name, None
        elif name is None:
            yield ("admin:[any other path]" if namespace else str(pattern.pattern)), None, None
        else:
            params = sorted(getattr(pattern.pattern, "converters", {}))
            seen[name] = seen.get(name, 0) + 1
            key = name if seen[name] == 1 else f"{name}[{','.join(params)}]"
            yield key, name, None


def test_every_url_pattern_is_in_the_access_matrix():
    keys, admin_pages = [], []
    for key, _, model_page in project_patterns():
        (admin_pages if model_page else keys).append(model_page or key)
    missing = [key for key in keys if key not in MATRIX]
    assert not missing, f"add it to the matrix in {__name__}: {missing}"
    stale = sorted(set(MATRIX) - set(keys))
    assert not stale, f"rows for URLs that no longer exist: {stale}"
    unknown = {(model, page) for model, page in admin_pages}
    unknown = {p for p in unknown if p[0] not in ADMIN_MODELS or p[1] not in ADMIN_PAGE_NEEDS}
    assert not unknown, f"add the model or page to ADMIN_MODELS / ADMIN_PAGE_NEEDS: {unknown}"
    assert set(ADMIN_MODELS) == {model._meta.label_lower for model in admin.site._registry}


def test_the_matrix_walk_sees_the_project_and_every_admin_page():
    walked = list(project_patterns())
    keys = {key for key, _, _ in walked}
    assert {"dashboard", "cases:patient_detail", "education:assignment_detail"} <= keys
    assert {"admin:index", "admin:app_list[cases]", "admin:[any other path]"} <= keys
    pages = {model_page for _, _, model_page in walked if model_page}
    assert ("clinic.patient", "simple_history") in pages
    assert ("clinic.user", "password_change") in pages
    assert len(pages) > 6 * len(ADMIN_MODELS)


def test_the_admin_grants_each_staff_role_exactly_what_admin_models_says(users, rf):
    mismatches = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        for role, wanted in zip(STAFF, ADMIN_MODELS[label], strict=True):
            request = rf.get("/admin/")
            request.user = users[role]
            checks = {
                "v": model_admin.has_view_permission(request),
                "a": model_admin.has_add_permission(request),
                "c": model_admin.has_change_permission(request),
                "d": model_admin.has_delete_permission(request),
            }
            got = "".join(letter for letter, allowed in checks.items() if allowed)
            if got != wanted:
                mismatches.append(f"{label} as {role}: expected {wanted!r}, got {got!r}")
    assert not mismatches, "\n".join(mismatches)


@pytest.fixture
def objects(patient_user, other_patient_user, specialist, editor):
    """Real rows for every URL argument, the clinical ones belonging to ``patient_user``."""
    patient = patient_user.patient
    consult = factories.ConsultFactory(patient=patient, specialist=specialist)
    decision = factories.CandidacyDecisionFactory(consult=consult)
    procedure = cases_services.record_procedure(
        procedure=factories.ProcedureFactory.build(decision=decision, surgeon=specialist),
        by=specialist,
    )
    # A reoperation is a new decision, still waiting for its procedure (the page recording one).
    reoperation = cases_services.record_decision(
        decision=factories.CandidacyDecisionFactory.build(consult=consult), by=specialist
    )
    public_article = factories.published_article(author=editor, reviewer=specialist)
    patients_article = factories.published_article(
        author=editor, reviewer=specialist, article__audience="patients"
    )
    # The other patient has a record and reading of their own (never shown to the patient).
    other_consult = factories.ConsultFactory(
        patient=other_patient_user.patient, specialist=specialist
    )
    factories.AssignmentFactory(
        patient=other_patient_user.patient, article=public_article, assigned_by=specialist
    )
    return {
        "patient": patient,
        "consult": consult,
        "decision": decision,
        "reoperation": reoperation,
        "procedure": procedure,
        "adverseevent": factories.AdverseEventFactory(procedure=procedure),
        "followup": procedure.follow_ups.get(timepoint="2w"),
        "public_article": public_article,
        "patients_article": patients_article,
        "version": public_article.published_version,
        # A second version, in draft, of the public article (it has a first one to compare with).
        "draft": education_services.save_draft(
            article=public_article,
            by=editor,
            title="Back pain",
            summary="Walk.",
            body_markdown="Walk.",
        ),
        "assignment": factories.AssignmentFactory(
            patient=patient, article=patients_article, assigned_by=specialist
        ),
        "other_consult": other_consult,
        "patient_type": ContentType.objects.get_for_model(patient),
    }


@pytest.fixture
def admin_objects(objects, superuser):
    """One row of every model in the admin (those not in ``objects`` made here)."""
    record_event(AuditEvent.Action.LOGIN, user=superuser)
    access = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x", "path_info": "/"}
    AccessAttempt.objects.create(**access, failures_since_start=1)
    AccessLog.objects.create(**access)
    AccessFailureLog.objects.create(**access)
    TOTPDevice.objects.create(user=superuser, name="phone")
    StaticDevice.objects.create(user=superuser, name="recovery codes")
    Instrument.objects.create(code="odi", version="test", title="ODI", sections=[])
    CheckinReminder.objects.create(follow_up=objects["followup"], email="patient@example.org")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="cases.tasks.refresh_outcome_figures",
        backend_name="default",
    )
    api_client = ApiClient(name="ehr")
    api_client.new_token()
    api_client.save()
    rows = {}
    for model in admin.site._registry:
        rows[model._meta.label_lower] = model._default_manager.order_by("pk").first()
    missing = [label for label, row in rows.items() if row is None]
    assert not missing, f"make a row of {missing} in the admin_objects fixture"
    return rows


def _kwargs(spec, objects):
    kwargs = {}
    for part in spec.split():
        name, value = part.split("=", 1)
        if value.startswith("'"):
            kwargs[name] = value.strip("'")
            continue
        obj_name, _, attr = value.partition(".")
        kwargs[name] = getattr(objects[obj_name], attr or "pk")
    return kwargs


def _outcome(response):
    if response.status_code == 302:
        path = urlparse(response["Location"]).path
        if path in (reverse("login"), reverse("admin:login")):
            return LOGIN
    return response.status_code


@pytest.fixture
def users(patient_user, other_patient_user, editor, specialist, superuser):
    accounts = (None, patient_user, other_patient_user, editor, specialist, superuser)
    return dict(zip(ROLES, accounts, strict=True))


def _urls(key, name, spec, objects):
    if name is None:
        return [_kwargs(spec, objects)["path"]]
    if name == "cases:entered_in_error":
        return [
            reverse(name, kwargs={"kind": kind, "pk": objects[kind].pk})
            for kind in ENTERED_IN_ERROR_KINDS
        ]
    return [reverse(name, kwargs=_kwargs(spec, objects))]


def _portal_urls(objects):
    """(key, URL) for every URL in MATRIX, in the walk's order."""
    for key, name, model_page in project_patterns():
        if model_page or key not in MATRIX:
            continue  # admin model pages: below; a missing row: reported above
        for url in _urls(key, name, MATRIX[key][0], objects):
            yield key, url


# The objects that are (part of) a patient's record: a page showing one is a view of that record.
PATIENT_RECORD = {"patient", "consult", "decision", "reoperation", "procedure", "adverseevent",
                  "followup", "assignment"}  # fmt: skip
# Pages that list several patients: audited too, without one patient.
PATIENT_LISTS = {"dashboard", "cases:patient_list", "education:assignment_list"}
ADMIN_RECORD_PAGES = {"change", "history", "simple_history"}


def _objects_in(spec):
    return {part.split("=", 1)[1].partition(".")[0] for part in spec.split() if "='" not in part}


def _shows_a_record(key):
    return bool(_objects_in(MATRIX[key][0]) & PATIENT_RECORD)


def _admin_patient_of(obj):
    """The patient whose record ``obj`` is (part of), else None (an account, the audit trail)."""
    if isinstance(obj, AuditEvent):
        return None  # about patients, not part of their record
    if isinstance(obj, Patient):
        return obj
    if any(field.name == "patient" and field.concrete for field in obj._meta.get_fields()):
        return obj.patient
    return None


def _last_event_pk():
    return AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def _send(client, method, url, *, role, user, wanted, record_of=None):
    """Send ``method`` to ``url``; what is wrong with the answer (an empty list if nothing)."""
    last = _last_event_pk() if record_of is not None else None
    response = getattr(client, method.lower())(url)
    got = _outcome(response)
    where = f"{method} {url} as {role}"
    ok = got in wanted if isinstance(wanted, tuple) else got == wanted
    problems = [] if ok else [f"{where}: expected {wanted}, got {got}"]
    # (A refused method is answered before the session is read, and empty.)
    signed_in = user is not None and method not in REFUSED
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"{where}: no Cache-Control: no-store")
    if record_of is not None and response.status_code == 200:
        events = AuditEvent.objects.filter(pk__gt=last, user=user, patient=record_of)
        if events.count() != 1:
            problems.append(f"{where}: shows the record with {events.count()} audit events")
    return problems


def test_every_role_gets_exactly_what_the_access_matrix_says(client_for, users, objects):
    """GET and HEAD (answered as the GET) as every role; every method no page answers (405)
    from one role in turn."""
    mismatches = []
    urls = list(_portal_urls(objects))
    for r, role in enumerate(ROLES):
        client = client_for(users[role])
        for index, (key, url) in enumerate(urls):
            record_of = objects["patient"] if _shows_a_record(key) else None
            for method in methods_for(role, index, ("GET", "HEAD")):
                wanted = 405 if method in REFUSED else MATRIX[key][1 + r]
                if method == "HEAD" and key == "admin:login" and wanted == 302:
                    wanted = 200  # Django's admin sends a signed-in user on for a GET only
                mismatches += _send(
                    client, method, url, role=role, user=users[role], wanted=wanted,
                    record_of=record_of,
                )  # fmt: skip
    assert not mismatches, "\n".join(mismatches)


def _post_expected(key, role, url):
    if key in POST_MATRIX:
        return POST_MATRIX[key][ROLES.index(role)]
    if key.startswith("admin:"):
        return MATRIX[key][1 + ROLES.index(role)]
    # A page that only reads. LoginRequiredMiddleware sends a visitor to log in first.
    needs_login = getattr(resolve(url).func, "login_required", True)
    return LOGIN if role == "anonymous" and needs_login else 405


def test_every_role_gets_exactly_what_the_post_matrix_says(client_for, users, objects):
    """An empty POST to every URL, as every role: a form shown again with its errors is audited
    like an opened one."""
    mismatches = []
    urls = list(_portal_urls(objects))
    for role in ROLES:
        client = client_for(users[role])
        for key, url in urls:
            mismatches += _send(
                client, "POST", url, role=role, user=users[role],
                wanted=_post_expected(key, role, url),
                record_of=objects["patient"] if _shows_a_record(key) else None,
            )  # fmt: skip
            if key in LOGS_OUT:
                client = client_for(users[role])
    assert not mismatches, "\n".join(mismatches)


def test_every_post_only_view_is_in_the_post_matrix():
    """A form missing from POST_MATRIX fails the test above (its POST is not a 405)."""
    post_only = {key for key, (spec, *cells) in MATRIX.items() if set(cells) <= {LOGIN, 405}}
    assert post_only <= set(POST_MATRIX)
    assert set(POST_MATRIX) <= set(MATRIX)


def _admin_model_pages(admin_objects):
    """(model, page, URL) for every page of every model in the admin."""
    for _, name, model_page in project_patterns():
        if model_page:
            model, page = model_page
            yield model, page, _admin_model_url(name, page, admin_objects[model])


def _admin_model_url(name, page, obj):
    if page in ("changelist", "add"):
        return reverse(name)
    if page == "object":
        opts = obj._meta
        return f"{reverse(f'admin:{opts.app_label}_{opts.model_name}_changelist')}{obj.pk}/"
    if page == "simple_history":
        past = getattr(obj, obj._meta.simple_history_manager_attribute).earliest("history_date")
        return reverse(name, args=[obj.pk, past.history_id])
    return reverse(name, args=[obj.pk])


def _admin_expected(model, page, role, method="GET"):
    """What ``role`` gets on ``page`` of ``model``'s admin, by ADMIN_MODELS."""
    if method in REFUSED:
        return 405
    if role not in STAFF:
        return LOGIN
    allowed = ADMIN_MODELS[model][STAFF.index(role)]
    need = ADMIN_PAGE_NEEDS[page]
    if need == "":
        return 302
    if need == "v":  # the view permission, or the change permission that includes it
        opens = bool({"v", "c"} & set(allowed))
    else:
        opens = need in allowed
    if not opens:
        return 403
    if method != "POST":
        return 200
    if page == "simple_history" or (page == "change" and "c" not in allowed):
        return 403  # a past version is never reverted; a view-only page saves nothing
    if page == "change":
        return (200, 302)  # the form again with its errors, or saved if nothing is required
    return 200


def test_every_role_gets_exactly_what_admin_models_says_on_every_admin_page(
    client_for, users, admin_objects
):
    """GET, HEAD and an empty POST as every role; every method the admin never answers (405)
    from one role in turn."""
    mismatches = []
    opened = 0
    pages = list(_admin_model_pages(admin_objects))
    for role in ROLES:
        client = client_for(users[role])
        for index, (model, page, url) in enumerate(pages):
            shows_record = page in ADMIN_RECORD_PAGES
            record_of = _admin_patient_of(admin_objects[model]) if shows_record else None
            for method in methods_for(role, index, ("GET", "HEAD", "POST")):
                if method == "POST" and page == "delete":
                    continue  # an empty POST there confirms the deletion
                wanted = _admin_expected(model, page, role, method)
                found = _send(
                    client, method, url, role=role, user=users[role], wanted=wanted,
                    record_of=record_of,
                )  # fmt: skip
                opened += method == "GET" and wanted == 200 and not found
                mismatches += found
    assert not mismatches, "\n".join(mismatches)
    assert opened > 100  # the table is not all refusals


@pytest.mark.parametrize(
    "name", ["cases:patient_detail", "cases:consult_create", "education:patient_assignments"]
)
def test_a_patient_cannot_open_another_patients_record_by_its_number(
    client_for, objects, other_patient_user, name
):
    """A patient's own pk is refused like anyone else's: there is no patient-facing cases page."""
    kwarg = "pk" if name == "cases:patient_detail" else "patient_pk"
    url = reverse(name, kwargs={kwarg: objects["patient"].pk})
    assert client_for(other_patient_user).get(url).status_code == 403


def test_a_patient_gets_404_for_another_patients_assignment(
    client_for, objects, other_patient_user
):
    url = objects["assignment"].get_absolute_url()
    response = client_for(other_patient_user).get(url)
    assert response.status_code == 404
    assert objects["assignment"].version.title not in response.content.decode()


@pytest.mark.parametrize("csv", [False, True])
def test_editors_get_the_outcome_dashboard_suppressed_and_the_clinical_team_in_full(
    client_for, editor, specialist, superuser, csv
):
    url = reverse("cases:outcomes") + ("?format=csv" if csv else "")
    for user, full in ((editor, False), (specialist, True), (superuser, True)):
        response = client_for(user).get(url)
        assert response.status_code == 200
        if csv:
            suppressed = "suppressed" in response["Content-Disposition"]
            assert suppressed is not full
        else:
            assert response.context["full"] is full


def test_every_page_a_clinician_opens_on_a_patients_record_is_audited(
    client_for, specialist, superuser, admin_objects, objects
):
    """Who (the user), when, what, which patient and from which IP — for every such page,
    whatever the method: GET in the matrix above, HEAD and an empty POST here."""
    missing = []
    for role, user in (("specialist", specialist), ("superuser", superuser)):
        client = client_for(user)
        for key, name, model_page in project_patterns():
            if model_page:
                model, page = model_page
                if page not in ADMIN_RECORD_PAGES | {"changelist"}:
                    continue
                if _admin_expected(model, page, role) != 200:
                    continue
                obj = admin_objects[model]
                patient = _admin_patient_of(obj)
                if patient is None:
                    continue
                urls = [_admin_model_url(name, page, obj)]
                listed = page == "changelist"
                posted = _admin_expected(model, page, role, "POST") != 403
            elif key in MATRIX:
                spec, *expected = MATRIX[key]
                listed = key in PATIENT_LISTS
                if expected[ROLES.index(role)] != 200:
                    continue
                if not (listed or _objects_in(spec) & PATIENT_RECORD):
                    continue
                urls = _urls(key, name, spec, objects)
                patient = objects["patient"]
                posted = key in POST_MATRIX and POST_MATRIX[key][ROLES.index(role)] == 200
            else:
                continue
            for url, method in itertools.product(urls, ("HEAD", "POST") if posted else ("HEAD",)):
                last = _last_event_pk()
                response = getattr(client, method.lower())(url)
                # An admin form with nothing required is saved by an empty POST: an update.
                saved = method == "POST" and response.status_code == 302
                assert saved or response.status_code == 200, f"{method} {url}"
                events = AuditEvent.objects.filter(
                    pk__gt=last, user=user, action="update" if saved else "view"
                ).filter(ip_address="127.0.0.1")
                if not listed:
                    events = events.filter(patient=patient)
                if not events.exists():
                    missing.append(f"{method} {url} as {role}")
    assert not missing, "no audited view for:\n" + "\n".join(missing)
