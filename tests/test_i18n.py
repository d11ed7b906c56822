"""Each person in their own language (issue 16): a patient's pages and emails in their preferred
language, the header's switcher saved to the account, the browser's language for anonymous
visitors, dates for the active language, the ODI never mixed in from another language, and a
complete Spanish translation."""

import datetime
import json
import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from cases import checkins, instruments, outcomes
from cases.models import Consult, FollowUp
from cases.views_outcomes import OutcomeFilterForm
from clinic.models import AuditEvent, Patient
from education import services as education_services
from tests import factories
from tests.cases.test_checkins import schedule_for

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = ROOT / "tests" / "fixtures" / "odi_placeholder.json"


def spanish(patient_user):
    patient = Patient.objects.get(user=patient_user)
    patient.preferred_language = "es"
    patient.save_if_current(expected_version=patient.version)
    patient_user.patient.refresh_from_db()
    return patient_user


def page(client, url="/", **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response.content.decode()


# --- the right language for each person -----------------------------------------------------------


def test_a_spanish_patient_sees_the_portal_in_spanish(client, patient_user):
    client.force_login(spanish(patient_user))
    html = page(client, reverse("dashboard"))
    assert '<html lang="es">' in html
    assert "Hola, " in html
    assert "Cerrar sesión" in html and "Biblioteca" in html
    assert "Log out" not in html
    assert "Este portal no reemplaza los consejos de su equipo de atención." in html


def test_an_english_patient_keeps_english(client, patient_user):
    client.force_login(patient_user)
    html = page(client, reverse("dashboard"))
    assert '<html lang="en">' in html
    assert "Log out" in html and "Hello, " in html


def test_the_language_comes_from_the_login_whatever_the_browser_says(client, patient_user):
    spanish(patient_user)
    patient_user.set_password("a long enough password 123")
    patient_user.save()
    response = client.post(
        reverse("login"),
        {"username": patient_user.username, "password": "a long enough password 123"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert "Cerrar sesión" in page(client, reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")


def test_anonymous_visitors_get_their_browsers_language(client):
    assert "Iniciar sesión" in page(client, reverse("login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    html = page(client, reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Log in" in html and "Iniciar sesión" not in html


def test_an_anonymous_visitor_switches_with_a_cookie_only(client):
    response = client.post(reverse("set_language"), {"language": "es", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert "Iniciar sesión" in page(client, reverse("login"), HTTP_ACCEPT_LANGUAGE="en")


def test_the_switcher_is_in_the_header_for_everyone(client, patient_user):
    html = page(client, reverse("login"))
    assert f'action="{reverse("set_language")}"' in html and 'value="es"' in html
    client.force_login(patient_user)
    html = page(client, reverse("dashboard"))
    assert f'action="{reverse("set_language")}"' in html and "Change language" in html


def test_a_patients_choice_is_saved_to_their_record(client, patient_user):
    client.force_login(patient_user)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 302
    patient = Patient.objects.get(user=patient_user)
    assert patient.preferred_language == "es"
    assert patient.history.first().preferred_language == "es"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, user=patient_user, detail="language"
    ).exists()
    assert "Cerrar sesión" in page(client, reverse("dashboard"))
    # Still Spanish at the next login, from the record.
    client.logout()
    client.force_login(patient_user)
    assert "Cerrar sesión" in page(client, reverse("dashboard"))


def test_staff_pick_their_own_language(client, specialist):
    client.force_login(specialist)
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    specialist.refresh_from_db()
    assert specialist.language == "es"
    client.logout()
    client.force_login(specialist)
    assert '<html lang="es">' in page(client, reverse("dashboard"))


def test_a_language_changed_by_staff_applies_on_the_persons_next_page(
    client, patient_user, specialist
):
    from django.test import Client

    from tests.clinic.test_admin import patient_form

    client.force_login(patient_user)
    assert "Log out" in page(client, reverse("dashboard"))
    patient = patient_user.patient
    staff = Client()
    staff.force_login(specialist)
    url = reverse("admin:clinic_patient_change", args=[patient.pk])
    response = staff.post(url, patient_form(patient, preferred_language="es", user=patient_user.pk))
    assert response.status_code == 302
    assert "Cerrar sesión" in page(client, reverse("dashboard"))  # no new login


def test_a_staff_members_language_changed_in_the_admin_applies_on_their_next_page(client, editor):
    client.force_login(editor)
    assert '<html lang="en">' in page(client, reverse("dashboard"))
    editor.language = "es"
    editor.save()
    assert '<html lang="es">' in page(client, reverse("dashboard"))


def test_the_account_language_needs_no_query_of_its_own(client, patient_user):
    from tests.clinic.test_request_cost import get_hello

    spanish(patient_user)
    client.force_login(patient_user)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.ROOT_URLCONF", "tests.clinic.urls_hello")
        assert get_hello(client) == ["django_session", "clinic_user"]
    assert "Cerrar sesión" in page(client, reverse("dashboard"))


def test_a_signed_in_switch_needs_the_csrf_token(patient_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(patient_user)
    response = client.post(reverse("set_language"), {"language": "es", "next": "/"})
    assert response.status_code == 403
    assert Patient.objects.get(user=patient_user).preferred_language == "en"


def test_an_unknown_language_changes_nothing(client, patient_user):
    client.force_login(patient_user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert Patient.objects.get(user=patient_user).preferred_language == "en"


def test_public_pages_are_cached_per_language(client, editor, specialist):
    article = factories.published_article(
        author=editor, reviewer=specialist, publisher=editor, title="Sciatica"
    )
    url = article.get_absolute_url()
    assert "Print" in page(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Imprimir" in page(client, url, HTTP_ACCEPT_LANGUAGE="es")
    assert "Print<" in page(client, url, HTTP_ACCEPT_LANGUAGE="en")


def test_dates_follow_the_active_language():
    day = datetime.date(2026, 11, 30)
    with translation.override("es"):
        assert date_format(day) == "30 nov 2026"
    with translation.override("en"):
        assert date_format(day) == "30 Nov 2026"


# --- staff pages in the staff member's language -------------------------------------------------


def in_spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def test_an_editor_manages_articles_in_spanish(client, editor, specialist):
    article = factories.published_article(author=editor, reviewer=specialist, publisher=editor)
    client.force_login(in_spanish(editor))
    html = page(client, reverse("education:manage_article_list"))
    assert "<title>Artículos" in html and "Nuevo artículo" in html and "Última versión" in html
    assert "Gestionar artículos" in html and "Manage articles" not in html
    html = page(client, reverse("education:article_versions", args=[article.pk]))
    assert "Versiones, las más recientes primero" in html and "Publicada" in html


def test_an_english_editor_keeps_english(client, editor):
    client.force_login(editor)
    html = page(client, reverse("education:manage_article_list"))
    assert "New article" in html and "Nuevo artículo" not in html


def test_the_two_factor_setup_is_in_spanish(client, specialist):
    client.force_login(in_spanish(specialist))
    html = page(client, reverse("two_factor_setup"))
    assert "Configurar la verificación en dos pasos" in html
    assert "Código de su aplicación de autenticación" in html and "Activar" in html
    response = client.post(reverse("two_factor_setup"), {"token": "000000"})
    assert "El código no es correcto." in response.content.decode()


def test_the_admin_names_the_models_in_spanish(client, superuser):
    client.force_login(in_spanish(superuser))
    html = page(client, reverse("admin:index"))
    for name in ("Pacientes", "Eventos de auditoría", "Artículos", "Clientes de la API"):
        assert name in html
    assert "Audit events" not in html


def test_the_role_label_follows_the_active_language(patient_user, specialist, editor, superuser):
    from clinic.models import User

    with translation.override("es"):
        labels = [User.objects.get(pk=u.pk).role_label for u in (patient_user, specialist, editor)]
        assert labels == ["Paciente", "Especialista", "Editor de contenidos"]
        assert superuser.role_label == "Administrador"
        assert factories.UserFactory().role_label == "Sin rol"
    with translation.override("en"):
        assert User.objects.get(pk=specialist.pk).role_label == "Specialist"


def test_the_header_shows_a_spanish_staff_members_role_in_spanish(client, specialist):
    client.force_login(in_spanish(specialist))
    assert ">Especialista</span>" in page(client, reverse("dashboard"))


# --- the patient's journey in Spanish ----------------------------------------------------------


def test_assigned_reading_in_spanish(client, patient_user, editor, specialist):
    article = factories.published_article(author=editor, reviewer=specialist, publisher=editor)
    spanish(patient_user)
    assignment = education_services.assign_article(
        article=article, patient=patient_user.patient, assigned_by=specialist
    )
    client.force_login(patient_user)
    html = page(client, assignment.get_absolute_url())
    assert "Lo entendí" in html and "Tengo una pregunta" in html
    response = client.post(reverse("education:assignment_understood", args=[assignment.pk]))
    assert "Su equipo de atención puede ver que usted lo entendió" in page(
        client, response["Location"]
    )
    response = client.post(
        reverse("education:assignment_question", args=[assignment.pk]), {"question": "¿Cuándo?"}
    )
    assert "Su pregunta fue enviada a su equipo de atención." in page(client, response["Location"])


# Strings the same in both languages, proper names and numbers are not English left over.
PLACEHOLDER_IN_MSGID = re.compile(r"%\(|\{")


def english_msgids():
    """The catalogue's English strings that a Spanish reader must never see as they are."""
    found = set()
    for msgid, strings, _ in po_entries(PO.read_text(encoding="utf-8")):
        text = msgid.replace('\\"', '"').replace("\\n", "\n").strip()
        if PLACEHOLDER_IN_MSGID.search(text):
            continue
        if any(s.replace('\\"', '"').strip() == text for s in strings):
            continue
        if re.search(r"[A-Za-z]{2}", text):
            found.add(text)
    return found


def assert_no_english_line(text, msgids):
    lines = {re.sub(r"<[^>]+>", " ", line).strip() for line in text.splitlines()}
    lines |= {re.sub(r"\s+", " ", piece).strip() for piece in re.split(r"<[^>]+>", text)}
    assert sorted(lines & msgids) == []


def assert_no_english_in_email(email, msgids):
    for text in (email.subject, email.body, *(h for h, _ in getattr(email, "alternatives", []))):
        assert_no_english_line(text, msgids)


def test_a_spanish_patients_emails_are_in_spanish(patient_user, specialist, editor):
    spanish(patient_user)
    patient = patient_user.patient
    follow_up = schedule_for(patient, specialist).follow_ups.get(timepoint="3m")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert checkins.send_checkin_reminders() >= 1
    email = mail.outbox[-1]
    assert email.subject == "Su cuestionario de seguimiento está listo"
    assert "Responder mi cuestionario" in email.alternatives[0][0]
    with translation.override("es"):
        assert f"hasta el {date_format(follow_up.window_closes)}" in email.body
    article = factories.published_article(author=editor, reviewer=specialist, publisher=editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        education_services.assign_article(article=article, patient=patient, assigned_by=specialist)
    email = mail.outbox[-1]
    assert "tiene algo nuevo para leer en su portal" in email.subject
    assert "Inicie sesión para leerlo" in email.body
    msgids = english_msgids()
    for email in mail.outbox:
        assert_no_english_in_email(email, msgids)


def test_the_check_in_link_speaks_the_patients_language(client, patient_user, specialist):
    from tests.cases.test_invitations import email_for, path_in, wrong_dob

    spanish(patient_user)
    patient = patient_user.patient
    follow_up = schedule_for(patient, specialist).follow_ups.get(timepoint="3m")
    path, _ = path_in(email_for(follow_up))
    client.get(path, HTTP_ACCEPT_LANGUAGE="en")  # an English browser, not signed in
    html = page(client, reverse("cases:checkin_link"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Para mantener sus respuestas en privado" in html and "Su fecha de nacimiento" in html
    response = client.post(reverse("cases:checkin_link"), wrong_dob(patient))
    assert "Le quedan 2 intentos antes de que este enlace se bloquee." in response.content.decode()
    done = page(client, reverse("cases:checkin_link_done"))
    assert "Su cuestionario fue enviado a su clínica." in done and "Thank you" not in done


def test_an_english_patients_emails_stay_english(patient, specialist):
    schedule_for(patient, specialist)
    with translation.override("es"):  # whoever sends it
        with TestCase.captureOnCommitCallbacks(execute=True):
            assert checkins.send_checkin_reminders() >= 1
    assert mail.outbox[-1].subject == "Your check-in is ready"
    with pytest.raises(AssertionError):  # the check the Spanish emails pass catches English
        assert_no_english_line(mail.outbox[-1].alternatives[0][0], english_msgids())


def test_a_spanish_check_in_without_spanish_odi_leaves_the_odi_out(
    client, patient_user, other_patient_user, specialist
):
    instruments.load_instrument("odi", json.loads(PLACEHOLDER.read_text()))  # English only
    spanish(patient_user)
    mine = schedule_for(patient_user.patient, specialist).follow_ups.get(timepoint="3m")
    theirs = schedule_for(other_patient_user.patient, specialist).follow_ups.get(timepoint="3m")
    client.force_login(other_patient_user)
    assert "odi_01" in page(client, reverse("cases:checkin", args=[theirs.pk]))
    client.force_login(patient_user)
    html = page(client, reverse("cases:checkin", args=[mine.pk]))
    assert "odi_01" not in html and "placeholder" not in html


def test_load_instrument_in_spanish(client, tmp_path, patient_user, specialist):
    data = json.loads(PLACEHOLDER.read_text())
    data.pop("language")
    path = tmp_path / "odi-es.json"
    path.write_text(json.dumps(data))
    call_command("load_instrument", "odi", str(path), "--language", "es", stdout=StringIO())
    spanish(patient_user)
    follow_up = schedule_for(patient_user.patient, specialist).follow_ups.get(timepoint="3m")
    client.force_login(patient_user)
    assert "odi_01" in page(client, reverse("cases:checkin", args=[follow_up.pk]))


def test_load_instrument_refuses_a_file_in_another_language(tmp_path):
    path = tmp_path / "odi.json"
    shutil.copy(PLACEHOLDER, path)  # says "en"
    with pytest.raises(CommandError, match='"en", not "es"'):
        call_command("load_instrument", "odi", str(path), "--language", "es", stdout=StringIO())


# --- the translation is complete ------------------------------------------------------------------


def po_entries(text):
    """(msgid, [msgstr…], flags) of each entry of a .po file, the header left out."""
    entries = []
    for block in text.split("\n\n"):
        fields, current, flags = {}, None, ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                fields[current] = match.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            strings = [value for key, value in fields.items() if key.startswith("msgstr")]
            entries.append((fields["msgid"], strings, flags))
    return entries


def test_every_spanish_entry_is_translated_and_none_is_fuzzy():
    entries = po_entries(PO.read_text(encoding="utf-8"))
    assert len(entries) > 150
    assert [msgid for msgid, strings, _ in entries if not all(strings)] == []
    assert [msgid for msgid, _, flags in entries if "fuzzy" in flags] == []
    statistics = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", statistics), statistics


def test_makemessages_would_add_no_string(tmp_path, settings, monkeypatch):
    # makemessages writes each source file's strings to the locale directory above it, which
    # in the project is the shipped catalogue: run it over links to the sources in a scratch
    # tree, next to a copy, so the shipped catalogue is neither changed nor compared to itself.
    ignored = [".venv", "node_modules", "tests", "staticfiles"]
    for entry in ROOT.iterdir():
        if entry.name not in [*ignored, "locale"] and not entry.name.startswith("."):
            (tmp_path / entry.name).symlink_to(entry)
    locale = tmp_path / "locale"
    (locale / "es" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO, locale / "es" / "LC_MESSAGES" / "django.po")
    settings.LOCALE_PATHS = [locale]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["es"], symlinks=True, ignore_patterns=ignored, verbosity=0)
    made = po_entries((locale / "es" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8"))
    shipped = {msgid for msgid, _, _ in po_entries(PO.read_text(encoding="utf-8"))}
    assert {msgid for msgid, _, _ in made} - shipped == set()


def test_figure_sentences_are_in_the_articles_language(monkeypatch):
    from education import figures

    value = figures.Figure(
        text="92 %", interval="95 % CI 80–97 %", count="24 of 25", n=25, years=(2023, 2025)
    )
    monkeypatch.setitem(figures._providers, "demo_figure", (lambda: value, ""))
    body = "<p>[[figure:demo_figure]]</p>\n"
    assert "En esta clínica: 92 %" in figures.render_figure_tokens(body, "es")
    assert "At this clinic: 92 %" in figures.render_figure_tokens(body, "en")
    with translation.override("es"):  # a Spanish reader of an English article
        assert "At this clinic: 92 %" in figures.render_figure_tokens(body, "en")


# --- the cases pages for the clinical team ------------------------------------------------------


def test_a_spanish_specialist_sees_the_cases_pages_in_spanish(client, specialist):
    specialist.language = "es"
    specialist.save(update_fields=["language"])
    procedure = factories.ProcedureFactory(decision__consult__specialist=specialist)
    patient = procedure.decision.consult.patient
    client.force_login(specialist)  # the login puts the account's language in the session
    spanish_by_page = {
        reverse("cases:patient_list"): ["Registrar paciente", "Nombre o NHC", "1 paciente<"],
        reverse("cases:patient_detail", args=[patient.pk]): [
            "Cronología",
            "Decisión vigente",
            "Calendario de controles",
            "Procedimiento: ",
        ],
        reverse("cases:consult_create", args=[patient.pk]): [
            "Registrar una consulta",
            "Signos de alarma",
            "Situación basal",
            "Cancelar",
        ],
        reverse("cases:outcomes"): ["Panel de resultados", "Cómo se calculan estas cifras"],
    }
    # The templates' own English (the header's links, choices and figures are others' strings).
    english = [
        "Name or MRN",
        "Timeline",
        "Current decision",
        "Follow-up schedule",
        "Record a consult",
        ">Red flags<",
        ">Cancel<",
        "Outcome dashboard",
        "How these figures are computed",
    ]
    for url, expected in spanish_by_page.items():
        html = page(client, url)
        assert [text for text in expected if text not in html] == [], url
        assert [text for text in english if text in html] == [], url


def test_the_patient_charts_script_words_follow_the_language():
    from cases import charts

    with translation.override("es"):
        words = charts.outcome_chart([])["words"]
    assert words["baseline"] == "Situación basal"
    assert "%(measure)s" in words["band_upper"] and "basal" in words["band_upper"]
    assert "%(measure)s" in words["band_lower"] and "CMI" in words["band_lower"]


# --- the cases app's words ------------------------------------------------------------------------


def spanish_staff(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def test_a_technique_reads_in_spanish_and_is_stored_as_its_code():
    procedure = factories.ProcedureFactory.build(technique="fe_transforaminal")
    with translation.override("es"):
        assert procedure.get_technique_display() == "Endoscópica completa transforaminal"
        assert str(Consult._meta.get_field("numbness").verbose_name) == "hipoestesia"
    assert procedure.get_technique_display() == "Full-endoscopic transforaminal"
    assert procedure.technique == "fe_transforaminal"


def test_a_validation_error_reads_in_spanish():
    consult = factories.ConsultFactory()
    consult.weakness = True
    with pytest.raises(ValidationError) as refused:
        consult.full_clean()
    form = OutcomeFilterForm({"period_from": "2025-06-01", "period_to": "2025-01-01"})
    # The messages are words for whoever reads them: in the language active when shown.
    with translation.override("es"):
        assert refused.value.message_dict["mrc_grade"] == [
            "Indique el grado MRC del músculo más débil (0–5)."
        ]
        assert form.non_field_errors() == ["El periodo debe empezar antes de terminar."]
    assert refused.value.message_dict["mrc_grade"] == [
        "Give the MRC grade of the weakest muscle (0–5)."
    ]


def test_a_spanish_specialist_is_told_in_spanish_and_the_audit_stays_english(client, specialist):
    consult = factories.ConsultFactory(specialist=specialist)
    client.force_login(spanish_staff(specialist))
    response = client.post(
        reverse("cases:entered_in_error", args=["consult", consult.pk]),
        {"reason": "Wrong patient"},
        follow=True,
    )
    assert "Marcado como registrado por error: consulta." in response.content.decode()
    assert AuditEvent.objects.filter(
        user=specialist, detail="consult marked entered in error"
    ).exists()


def test_a_decision_keeps_its_checklist_as_data_and_shows_it_in_the_readers_language():
    with translation.override("es"):
        decision = factories.CandidacyDecisionFactory()
    decision.refresh_from_db()
    assert decision.criteria[0] == {
        "key": "leg_dominant",
        "label": "Leg-dominant radicular pain",
        "status": "met",
    }
    with translation.override("es"):
        assert decision.checklist[0]["label"] == "Dolor radicular con predominio en pierna"
        assert [row["status"] for row in decision.checklist] == [
            row["status"] for row in decision.criteria
        ]


def test_the_decision_page_shows_the_checklist_in_the_readers_language(client, specialist):
    decision = factories.CandidacyDecisionFactory(consult__specialist=specialist)
    client.force_login(spanish_staff(specialist))
    html = page(client, decision.get_absolute_url())
    assert "Dolor radicular con predominio en pierna" in html
    assert "Leg-dominant radicular pain" not in html


def test_the_outcome_csv_stays_english_for_a_spanish_specialist(client, specialist):
    client.force_login(spanish_staff(specialist))
    response = client.get(reverse("cases:outcomes"), {"format": "csv"})
    text = response.getvalue().decode()
    assert "Open surgery value" in text and "Median incision length" in text
    assert "Cirugía abierta" not in text and "Mediana" not in text
    with translation.override("es"):
        assert str(outcomes.SPECS["incision_length"].label) == (
            "Mediana de la longitud de la incisión"
        )


def test_a_spanish_specialist_reads_an_assignment_page_in_spanish(client, specialist):
    assignment = factories.AssignmentFactory(assigned_by=specialist)
    client.force_login(spanish_staff(specialist))
    html = page(client, reverse("education:assignment_detail", args=[assignment.pk]))
    assert "Lectura asignada a" in html and "Respuesta del paciente" in html
    assert "Aún sin respuesta." in html
    assert "Reading assigned to" not in html and "No response yet." not in html


def test_a_spanish_patient_logged_out_for_inactivity_is_told_in_spanish(client, patient_user):
    from tests.clinic.test_security import age_session

    client.force_login(spanish(patient_user))
    client.get(reverse("dashboard"))
    age_session(client, idle_seconds=31 * 60)
    response = client.get(reverse("dashboard"), follow=True)
    html = response.content.decode()
    assert "Se cerró su sesión tras un periodo de inactividad." in html
    assert "You were logged out after a period of inactivity." not in html
    assert '<html lang="es">' in html  # the login page too, from the language cookie


def test_the_login_page_after_logging_out_stays_in_the_persons_language(client, patient_user):
    client.force_login(spanish(patient_user))
    client.get(reverse("dashboard"))
    client.post(reverse("logout"))
    html = page(client, reverse("login"))
    assert '<html lang="es">' in html


def test_a_follow_up_field_the_admin_shows_has_a_spanish_label():
    with translation.override("es"):
        label = str(FollowUp._meta.get_field("window_opens").verbose_name)
    assert label == "apertura de la ventana"
