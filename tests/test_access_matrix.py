"""The access matrix: every URL of the portal, opened by every role, answers what this table says.

A URL pattern that is not in the table fails the test ("add it to the matrix"), so no page can
be added without someone deciding who may open it. Only GET is tried: a POST-only view answers
405 to a GET once the role gate in front of it (login, permission) has been passed, so its row
still shows which roles reach it. Rows of other people answer 404, not 403, so that their
existence is not given away.

Cells: 200 = may open it; LOGIN = 302 to the login page (the admin's own login page for the
admin); 302 = another redirect; 403, 404, 405 = refused with that status.

The tests run with the test settings: two-factor enrolment is not required (with
DJANGO_REQUIRE_2FA=true specialists and superusers are first sent to enrol, see
tests/clinic/test_security.py).
"""

import re
from urllib.parse import urlparse

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from cases import services as cases_services
from cases.models import CheckinReminder, Instrument
from clinic.audit import record_event
from clinic.models import AuditEvent
from education import services as education_services
from tests import factories

LOGIN = "LOGIN"
ROLES = ("anonymous", "patient", "other patient", "editor", "specialist", "superuser")

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
    "cases:export_index": ("", LOGIN, 403, 403, 403, 200, 200),
    "cases:export_csv": ("table='consults'", LOGIN, 403, 403, 403, 405, 405),
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
}
# fmt: on

# The POST-only views answer 405 to every GET above; here the role gate in front of them is
# checked with an empty POST: 302 = reached the view (which then refuses the empty form with a
# message, or acts: "understood" is marked, the CSV is sent). Same columns as MATRIX.
# fmt: off
POST_MATRIX = {
    "logout": ("", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),  # logged out, to the login page
    "education:version_action": ("pk=version action='approve'", LOGIN, 403, 403, 403, 302, 302),
    "education:assignment_understood": ("pk=assignment", LOGIN, 302, 404, 404, 404, 404),
    "education:assignment_question": ("pk=assignment", LOGIN, 302, 404, 404, 404, 404),
    "education:assignment_answer": ("pk=assignment", LOGIN, 403, 403, 403, 302, 302),
    "cases:export_csv": ("table='consults'", LOGIN, 403, 403, 403, 200, 200),
}
# fmt: on

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


def test_every_role_gets_exactly_what_the_access_matrix_says(client_for, users, objects):
    mismatches = []
    for key, name, model_page in project_patterns():
        if model_page or key not in MATRIX:
            continue  # admin model pages: below; a missing row: reported above
        spec, *expected = MATRIX[key]
        for url in _urls(key, name, spec, objects):
            for role, wanted in zip(ROLES, expected, strict=True):
                got = _outcome(client_for(users[role]).get(url))
                if got != wanted:
                    mismatches.append(f"{key} {url} as {role}: expected {wanted}, got {got}")
    assert not mismatches, "\n".join(mismatches)


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


def _admin_expected(model, page, role):
    """What ``role`` gets on ``page`` of ``model``'s admin, by ADMIN_MODELS."""
    if role not in STAFF:
        return LOGIN
    allowed = ADMIN_MODELS[model][STAFF.index(role)]
    need = ADMIN_PAGE_NEEDS[page]
    if need == "":
        return 302
    if need == "v":  # the view permission, or the change permission that includes it
        return 200 if {"v", "c"} & set(allowed) else 403
    return 200 if need in allowed else 403


def test_every_role_gets_exactly_what_admin_models_says_on_every_admin_page(
    client_for, users, admin_objects
):
    mismatches = []
    opened = 0
    for key, name, model_page in project_patterns():
        if not model_page:
            continue
        model, page = model_page
        url = _admin_model_url(name, page, admin_objects[model])
        for role in ROLES:
            wanted = _admin_expected(model, page, role)
            got = _outcome(client_for(users[role]).get(url))
            opened += got == 200
            if got != wanted:
                mismatches.append(f"{key} {url} as {role}: expected {wanted}, got {got}")
    assert not mismatches, "\n".join(mismatches)
    assert opened > 100  # the table is not all refusals


def test_every_post_only_view_is_in_the_post_matrix():
    post_only = {key for key, (spec, *cells) in MATRIX.items() if set(cells) <= {LOGIN, 405}}
    assert post_only == set(POST_MATRIX) - {"cases:export_csv"}
    assert MATRIX["cases:export_csv"][5:] == (405, 405)


def test_every_role_gets_exactly_what_the_post_matrix_says(client_for, users, objects):
    mismatches = []
    for name, (spec, *expected) in POST_MATRIX.items():
        url = reverse(name, kwargs=_kwargs(spec, objects))
        for role, wanted in zip(ROLES, expected, strict=True):
            got = _outcome(client_for(users[role]).post(url))
            if got != wanted:
                mismatches.append(f"POST {name} {url} as {role}: expected {wanted}, got {got}")
    assert not mismatches, "\n".join(mismatches)


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


# The objects that are (part of) a patient's record: a page showing one is a view of that record.
PATIENT_RECORD = {"patient", "consult", "decision", "reoperation", "procedure", "adverseevent",
                  "followup", "assignment"}  # fmt: skip
# Pages that list several patients: audited too, without one patient.
PATIENT_LISTS = {"dashboard", "cases:patient_list", "education:assignment_list"}
ADMIN_RECORD_PAGES = {"change", "history", "simple_history"}


def _objects_in(spec):
    return {part.split("=", 1)[1].partition(".")[0] for part in spec.split() if "='" not in part}


def _views_since(pk, user):
    return AuditEvent.objects.filter(pk__gt=pk, action="view", user=user)


def test_every_page_a_clinician_opens_on_a_patients_record_is_audited(
    client_for, specialist, superuser, admin_objects, objects
):
    """Who (the user), when, what, which patient and from which IP — for every such page."""
    missing = []
    for user in (specialist, superuser):
        role = ROLES[ROLES.index("specialist") if user == specialist else ROLES.index("superuser")]
        client = client_for(user)
        for key, name, model_page in project_patterns():
            if model_page:
                model, page = model_page
                if page not in ADMIN_RECORD_PAGES | {"changelist"}:
                    continue
                if _admin_expected(model, page, role) != 200:
                    continue
                obj = admin_objects[model]
                patient = obj if model == "clinic.patient" else getattr(obj, "patient", None)
                if patient is None or model == "clinic.auditevent":
                    continue  # not part of a patient's record (the trail is about them)
                urls = [_admin_model_url(name, page, obj)]
                listed = page == "changelist"
            elif key in MATRIX:
                spec, *expected = MATRIX[key]
                listed = key in PATIENT_LISTS
                if expected[ROLES.index(role)] != 200:
                    continue
                if not (listed or _objects_in(spec) & PATIENT_RECORD):
                    continue
                urls = _urls(key, name, spec, objects)
            else:
                continue
            patient = patient if model_page else objects["patient"]
            for url in urls:
                last = AuditEvent.objects.order_by("pk").last().pk
                assert client.get(url).status_code == 200, url
                views = _views_since(last, user).filter(ip_address="127.0.0.1")
                if not listed:
                    views = views.filter(patient=patient)
                if not views.exists():
                    missing.append(f"{url} as {role}")
    assert not missing, "no audited view for:\n" + "\n".join(missing)
