"""Maria, the demo patient who prefers Spanish, walks her journey on a phone (390 px) in Spanish:
log in, her dashboard, her assigned (Spanish) article, "I understood", a question, a check-in
and its confirmation, and the emails she was sent (her reading, her check-in). Every page fails
on a visible text that is one of the portal's English msgids, an email on a line that is one
(issue 16)."""

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from clinic.models import Patient
from tests.browser.conftest import DEMO_PASSWORD, screenshot
from tests.browser.test_checkins import choose
from tests.test_i18n import assert_no_english_in_email, english_msgids

VISIBLE_TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    if (!text || !element || !element.checkVisibility()) continue;
    texts.push(text);
  }
  return texts;
}"""


def assert_no_english(page, msgids):
    left = sorted({text for text in page.evaluate(VISIBLE_TEXTS) if text in msgids})
    assert left == [], f"English on {page.url}: {left}"


@pytest.fixture
def maria(demo):
    patient = Patient.objects.get(user=demo["patient"])
    patient.preferred_language = "es"
    patient.save_if_current(expected_version=patient.version)
    return demo["patient"]


def test_maria_walks_her_journey_in_spanish(browser, live_server, maria):
    msgids = english_msgids()
    assert {"I understood", "Log in", "Your question"} <= msgids
    call_command("send_checkin_reminders", verbosity=0)
    address = Patient.objects.get(user=maria).email
    her_emails = [email for email in mail.outbox if address in email.to]
    assert sorted(email.subject for email in her_emails) == [
        "Spine Clinic: tiene algo nuevo para leer en su portal",  # sent when the demo was set up
        "Su cuestionario de seguimiento está listo",
    ]
    for email in her_emails:
        assert_no_english_in_email(email, msgids)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        # The login page in the browser's language, Spanish.
        page.goto(f"{live_server.url}/accounts/login/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
        assert_no_english(page, msgids)
        page.get_by_label("Nombre de usuario").fill(maria.username)
        page.get_by_label("Contraseña").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Iniciar sesión").click()
        page.wait_for_load_state()

        # The dashboard, in her language.
        expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Maria")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        assert_no_english(page, msgids)

        # Her assigned article: the Spanish translation, in a Spanish page.
        page.locator(".reading-list a").first.click()
        page.wait_for_load_state()
        expect(page.locator("article.article")).to_have_attribute("lang", "es")
        assert_no_english(page, msgids)
        page.locator(".reading-response").get_by_role("button", name="Lo entendí").click()
        expect(
            page.get_by_text("Su equipo de atención puede ver que usted lo entendió")
        ).to_be_visible()
        assert_no_english(page, msgids)
        page.locator(".reading-response summary").click()
        page.get_by_label("Su pregunta").fill("¿Puedo manejar después de la operación?")
        page.get_by_role("button", name="Enviar mi pregunta").click()
        expect(page.get_by_text("Su pregunta fue enviada a su equipo de atención.")).to_be_visible()
        assert_no_english(page, msgids)

        # Her due check-in, in Spanish (no Spanish ODI wording loaded: no ODI part), sent.
        page.goto(f"{live_server.url}/")
        checkins = page.get_by_role("region", name="Sus cuestionarios de seguimiento")
        checkins.get_by_role("link", name="Su cuestionario de los 3 meses").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Su cuestionario de los 3 meses")
        assert_no_english(page, msgids)
        choose(page, "Dolor de espalda ahora", "2")
        choose(page, "Dolor de pierna ahora", "1")
        choose(page, "¿Ya volvió a sus actividades diarias habituales?", "Todavía no")
        choose(page, "¿Ya volvió al trabajo?", "Todavía no")
        choose(
            page,
            "¿Cuál es su grado de satisfacción con el resultado de su tratamiento?",
            "1 — El tratamiento cumplió mis expectativas",
        )
        choose(page, "Comparado con antes del tratamiento, ¿cómo se siente ahora?", "Mucho mejor")
        screenshot(page, "maria-spanish-390")
        page.get_by_role("button", name="Enviar mi cuestionario").click()
        expect(
            page.get_by_text("Gracias: su cuestionario fue enviado a su clínica.")
        ).to_be_visible()
        assert_no_english(page, msgids)
    finally:
        context.close()
