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

from urllib.parse import urlparse

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cases import services as cases_services
from education import services as education_services
from tests import factories

LOGIN = "LOGIN"
ROLES = ("anonymous", "patient", "other patient", "editor", "specialist", "superuser")

# The admin is checked at its entrance and a few changelists; its other pages follow the same
# admin permissions (tests/*/test_admin.py).
ADMIN_CHECKED = {
    "admin:index",
    "admin:clinic_patient_changelist",
    "admin:clinic_auditevent_changelist",
    "admin:cases_consult_changelist",
    "admin:education_article_changelist",
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
    "cases:patient_invite": ("pk=patient", LOGIN, 403, 403, 403, 200, 200),
    "cases:consult_create": ("patient_pk=patient", LOGIN, 403, 403, 403, 200, 200),
    "cases:consult_detail": ("pk=consult", LOGIN, 403, 403, 403, 200, 200),
    "cases:consult_edit": ("pk=consult", LOGIN, 403, 403, 403, 200, 200),
    "cases:decision_create": ("consult_pk=consult", LOGIN, 403, 403, 403, 200, 200),
    "cases:decision_detail": ("pk=decision", LOGIN, 403, 403, 403, 200, 200),
    "cases:decision_amend": ("pk=decision", LOGIN, 403, 403, 403, 200, 200),
    "cases:procedure_create": ("decision_pk=decision", LOGIN, 403, 403, 403, 200, 200),
    "cases:procedure_detail": ("pk=procedure", LOGIN, 403, 403, 403, 200, 200),
    "cases:procedure_edit": ("pk=procedure", LOGIN, 403, 403, 403, 200, 200),
    "cases:adverseevent_create": ("procedure_pk=procedure", LOGIN, 403, 403, 403, 200, 200),
    "cases:adverseevent_edit": ("pk=adverseevent", LOGIN, 403, 403, 403, 200, 200),
    "cases:followup_form": ("pk=followup", LOGIN, 403, 403, 403, 200, 200),
    "cases:entered_in_error": ("kind='consult' pk=consult", LOGIN, 403, 403, 403, 200, 200),
    # the outcome dashboard: the clinical team in full, editors aggregate-only (test below)
    "cases:outcomes": ("", LOGIN, 403, 403, 200, 200, 200),
    # the patient's own check-ins: patients only, another patient's answers 404
    "cases:checkin": ("pk=followup", LOGIN, 200, 404, 403, 403, 403),
    "cases:export_index": ("", LOGIN, 403, 403, 403, 200, 200),
    "cases:export_csv": ("table='consults'", LOGIN, 403, 403, 403, 405, 405),
    # the Django admin: staff only (editors and specialists are staff), each model by permission
    "admin:index": ("", LOGIN, LOGIN, LOGIN, 200, 200, 200),
    "admin:clinic_patient_changelist": ("", LOGIN, LOGIN, LOGIN, 403, 200, 200),
    "admin:clinic_auditevent_changelist": ("", LOGIN, LOGIN, LOGIN, 403, 403, 200),
    "admin:cases_consult_changelist": ("", LOGIN, LOGIN, LOGIN, 403, 200, 200),
    "admin:education_article_changelist": ("", LOGIN, LOGIN, LOGIN, 200, 200, 200),
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


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def project_patterns():
    """(matrix key, URL name) for every URL pattern except the admin's inner pages."""
    seen = {}
    for namespace, pattern in _walk(get_resolver().url_patterns):
        name = f"{namespace}{pattern.name}" if pattern.name else None
        if namespace.startswith("admin:") and name not in ADMIN_CHECKED:
            continue
        if name is None:
            yield str(pattern.pattern), None
            continue
        params = (
            sorted(pattern.pattern.converters) if hasattr(pattern.pattern, "converters") else []
        )
        seen[name] = seen.get(name, 0) + 1
        key = name if seen[name] == 1 else f"{name}[{','.join(params)}]"
        yield key, name


def test_every_url_pattern_is_in_the_access_matrix():
    keys = [key for key, _ in project_patterns()]
    missing = [key for key in keys if key not in MATRIX]
    assert not missing, f"add it to the matrix in {__name__}: {missing}"
    stale = sorted(set(MATRIX) - set(keys))
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def test_the_matrix_walk_sees_the_project_and_admin_urls():
    keys = {key for key, _ in project_patterns()}
    assert {"dashboard", "cases:patient_detail", "education:assignment_detail"} <= keys
    assert ADMIN_CHECKED <= keys
    assert "admin:auth_group_changelist" not in keys


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
    }


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
    if name == "cases:entered_in_error":
        return [
            reverse(name, kwargs={"kind": kind, "pk": objects[kind].pk})
            for kind in ENTERED_IN_ERROR_KINDS
        ]
    return [reverse(name, kwargs=_kwargs(spec, objects))]


def test_every_role_gets_exactly_what_the_access_matrix_says(client_for, users, objects):
    mismatches = []
    for key, name in project_patterns():
        if key not in MATRIX:
            continue  # reported by test_every_url_pattern_is_in_the_access_matrix
        spec, *expected = MATRIX[key]
        for url in _urls(key, name, spec, objects):
            for role, wanted in zip(ROLES, expected, strict=True):
                got = _outcome(client_for(users[role]).get(url))
                if got != wanted:
                    mismatches.append(f"{key} {url} as {role}: expected {wanted}, got {got}")
    assert not mismatches, "\n".join(mismatches)


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
