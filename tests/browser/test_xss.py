"""Stored XSS in Chromium: every free-text field one person writes and another reads.

More than 40 known payloads (script tags, event handlers, javascript: URLs, SVG/MathML, encoded
and broken markup, template-injection strings, CSS expressions), and links split by clinic
figures' tokens, are saved through the real forms (each field at least once; the article's body
through the admin's form too) or, for the remaining batches, through the models, then every
page that shows them is opened in Chromium with a dialog handler and a ``window.__xss`` trap.

The CSP would stop most inline payloads even if a template forgot to escape, so the pages are
opened with the CSP bypassed (``bypass_csp``): what is tested is the escaping and sanitising
itself. The CSP header is checked separately on every one of those pages. On top of the trap,
the DOM is searched for anything a payload could have injected (on* attributes, inline scripts,
javascript: URLs, frames, style attributes), so a payload that would only run on a click fails
too. The first test shows the trap fires on the same payloads when they are not escaped.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.forms import DecisionForm
from cases.models import Procedure
from clinic.models import Patient, User
from education.models import Article, ArticleVersion, Assignment
from tests import factories

SENTINEL = "XSS{{7*7}}"  # shown literally on every page that shows a batch; "XSS49" = evaluated
PAYLOADS = [
    "<script>alert(1)</script>",
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=//xss.invalid/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src=x onerror="window.__xss=1">',
    "<img src=x onerror=alert`1`>",
    '<img src="x" onerror="&#97;lert(1)">',
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>window.__xss=1</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">svg link</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table>"
    "</mtext></math>",
    '<math href="javascript:alert(1)">math link</math>',
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    '<a href="javascript:alert(1)">js link</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab link</a>',
    '<a href="&#106;avascript:alert(1)">entity link</a>',
    "[md link](javascript:alert(1))",
    "[md link 2](JaVaScRiPt:window.__xss=1)",
    "![md image](javascript:alert(1))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=window.__xss=1></select>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>marquee</marquee>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>form</button></form>',
    '<button formaction="javascript:alert(1)">formaction</button>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img """><script>alert(1)</script>">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<div style="background:url(javascript:alert(1))">css url</div>',
    '<div style="width: expression(alert(1))">css expression</div>',
    "<style>@import 'javascript:alert(1)'; body{background:red}</style>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "javascript:alert(1)",
    "${7*7} #{7*7} <%= 7*7 %> {% debug %} {{ request }}",
]
assert len(PAYLOADS) >= 40
# A clinic figure's token inside a link's address or a tag: pages fill tokens in (or remove them)
# after the stored HTML was sanitised, which would join "jav" and "ascript:". Each token is on a
# line of its own and known, so the portal's form accepts them.
SPLIT_BY_FIGURES = [
    '<div><a href="jav\n\n[[figure:same_day_discharge]]\n\nascript:alert(document.domain)">'
    "split link</a></div>",
    '<div><a href="JaV\n\n[[figure:leg_pain_improvement]]\n\naScRiPt:window.__xss=1">'
    "split link 2</a></div>",
    '<div><a href="java\n\n[[figure:incision_length]]\n\nscript&colon;alert(1)">split link 3</a>'
    "</div>",
    '<div><a href="https://ok.invalid/" on\n\n[[figure:same_day_discharge]]\n\nclick=alert(1)>'
    "split handler</a></div>",
    "<div><img src=x one\n\n[[figure:same_day_discharge]]\n\nrror=alert(1)></div>",
    "<scr\n\n[[figure:same_day_discharge]]\n\nipt>alert(1)</script>",
]
# Tokens inside a line of text: the forms (the portal's and the admin's) refuse them.
INLINE_FIGURES = [
    "[inline link](jav[[figure:]]ascript:alert(1))",
    "[inline link 2](jav[[figure:same_day_discharge]]ascript:window.__xss=1)",
    '<a href="jav[[figure:no_such_figure]]ascript:alert(1)">inline link 3</a>',
]
# Reads above grade 8, so that publishing the text needs a reason.
ABOVE_GRADE_8 = (
    "Minimally invasive intervertebral microdiscectomy necessitates comprehensive preoperative "
    "radiological characterisation, multidisciplinary anaesthesiological consideration and "
    "individualised postoperative rehabilitation, particularly regarding degenerative "
    "comorbidities, neuropathic symptomatology and occupational reintegration."
)

TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
# Anything on the page a payload could have injected (the portal itself has none of these).
INJECTED = """() => {
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["iframe", "frame", "object", "embed", "base", "marquee"].includes(tag)) found.push(tag);
    if (tag === "style" || (tag === "meta" && el.closest("body"))) found.push(tag);
    if (tag === "script") {
      const type = el.getAttribute("type");
      const src = el.getAttribute("src") || "";
      if (!src && type !== "application/json") found.push("inline script");
      const ours = src.startsWith("/static/") || src.startsWith(location.origin + "/static/");
      if (src && !ours && src !== "/admin/jsi18n/") found.push("script " + src);
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (name.startsWith("on")) found.push(tag + " " + name);
      // (Chart.js sizes its canvas through the CSSOM, which the CSP allows; the admin's
      // history page has a paginator with a style attribute of its own.)
      const admin = location.pathname.startsWith("/admin/");
      const allowed = tag === "canvas" || (admin && el.matches("p.paginator"));
      if (name === "style" && !allowed) found.push(tag + " style=");
      if (urlAttrs.includes(name) && /^(javascript|vbscript|data:text\\/html)/.test(value))
        found.push(tag + " " + name + "=" + value.slice(0, 30));
    }
  }
  return found;
}"""


def batches(limit, payloads=PAYLOADS):
    """The payloads in as few texts of at most ``limit`` characters as fit, one per line, each
    text starting with the sentinel."""
    texts, current = [], SENTINEL
    for payload in payloads:
        if len(current) + 2 + len(payload) > limit:
            texts.append(current)
            current = SENTINEL
        current += "\n\n" + payload
    return [*texts, current]


def one_line(texts):
    """The batches for a one-line field (a text input drops line breaks)."""
    return [text.replace("\n\n", " ") for text in texts]


@pytest.fixture
def page(browser):
    """A page with the CSP bypassed (see the module docstring), a dialog log and the trap."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.add_init_script("window.__xss = 0;")
    yield page
    context.close()


def assert_inert(page, url, *, shows=SENTINEL):
    """Open ``url``: it shows the payloads, with the CSP header, and none of them ran."""
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy, url
    # Onload handlers ran before goto() returned; autofocus and animations start by the second
    # frame after it.
    page.evaluate(TWO_FRAMES)
    assert page.dialogs == [], url
    assert page.evaluate("window.__xss") == 0, url
    assert page.evaluate(INJECTED) == [], url
    text = page.inner_text("body")
    assert "XSS49" not in text
    if shows:
        assert shows in text, f"{url} does not show the saved text"


def as_user(page, login, username):
    """Log out (if logged in) and log ``username`` in through the login form."""
    if page is not None:
        page.context.clear_cookies()
    return login(username)


def test_the_trap_catches_the_payloads_when_they_are_not_escaped(page):
    """Without escaping (and without a CSP), the same payloads do fire: the trap works."""
    page.set_content("<!doctype html><body>" + "\n".join(PAYLOADS) + "</body>")
    page.wait_for_timeout(300)
    assert page.dialogs, "no alert() fired"
    assert page.evaluate("window.__xss") == 1
    assert len(page.evaluate(INJECTED)) > 20


def test_article_text_and_review_note_never_run_as_script(login, live_server):
    url = live_server.url
    page = as_user(None, login, "editor")
    # The editor writes the article through the real form.
    page.goto(f"{url}{reverse('education:article_create')}")
    page.fill("[name=article-slug]", "xss-article")
    page.fill("[name=version-title]", f"{SENTINEL} <script>alert(1)</script>")
    page.fill("[name=version-summary]", '<img src=x onerror=alert(1)> "><svg onload=alert(1)>')
    page.fill("[name=version-body_markdown]", batches(100_000)[0])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    version = ArticleVersion.objects.get(article__slug="xss-article")
    assert version.body_markdown.startswith(SENTINEL)
    editor = User.objects.get(username="editor")
    version.submit_for_review(by=editor)

    # The specialist reviews it (and writes a note back through the approve form).
    page = as_user(page, login, "specialist")
    detail = f"{url}{reverse('education:version_detail', args=[version.pk])}"
    assert_inert(page, detail)
    assert_inert(page, f"{url}{reverse('education:version_preview', args=[version.pk])}")
    page.goto(detail)
    page.fill("[name=note]", batches(100_000)[0])
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved.")).to_be_visible()

    # The editor reads the note; the article goes live; patients and the public read it.
    page = as_user(page, login, "editor")
    assert_inert(page, detail)
    version.refresh_from_db()
    version.go_live(by=editor)
    article = Article.objects.get(slug="xss-article")
    page = as_user(page, login, "patient")
    assert_inert(page, f"{url}{article.get_absolute_url()}")
    assert_inert(page, f"{url}{reverse('education:library')}")
    page.context.clear_cookies()
    assert_inert(page, f"{url}{article.get_absolute_url()}")


def test_article_text_split_by_figures_or_saved_in_the_admin_never_runs_as_script(
    login, live_server
):
    """Links split by figure tokens, through the portal's form; those and every other payload
    through the admin's version form, which checks the figures as the portal's does; tokens both
    forms refuse, through the model (as an import saves them). The preview, the public page and
    the patient's page show them inert."""
    url = live_server.url
    split = "\n\n".join([SENTINEL, *SPLIT_BY_FIGURES])
    page = as_user(None, login, "editor")
    page.goto(f"{url}{reverse('education:article_create')}")
    page.fill("[name=article-slug]", "xss-figures")
    page.fill("[name=version-title]", "Split by figures")
    page.fill("[name=version-summary]", "Links split by clinic figures.")
    page.fill("[name=version-body_markdown]", split)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    version = ArticleVersion.objects.get(article__slug="xss-figures")
    assert version.body_markdown.replace("\r\n", "\n") == split
    preview = f"{url}{reverse('education:version_preview', args=[version.pk])}"
    assert_inert(page, preview)

    # The admin's change form of the draft: every payload is saved; inline tokens are refused.
    change = f"{url}{reverse('admin:education_articleversion_change', args=[version.pk])}"
    everything = "\n\n".join([split, *PAYLOADS])
    page.goto(change)
    page.fill("[name=body_markdown]", everything)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()
    version.refresh_from_db()
    assert version.body_markdown.replace("\r\n", "\n") == everything
    assert_inert(page, preview)
    assert_inert(page, change, shows=None)
    page.goto(change)
    page.fill("[name=body_markdown]", "\n\n".join([SENTINEL, *INLINE_FIGURES]))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Unknown clinic figure")).to_be_visible()
    expect(page.get_by_text("Put each clinic figure on a line of its own")).to_be_visible()
    version.refresh_from_db()
    assert version.body_markdown.replace("\r\n", "\n") == everything

    # What the forms refuse, saved through the model; then published and read.
    version.body_markdown = "\n\n".join([split, *INLINE_FIGURES, *PAYLOADS])
    version.save()
    assert_inert(page, preview)
    editor = User.objects.get(username="editor")
    version.submit_for_review(by=editor)
    version.approve(by=User.objects.get(username="specialist"))
    version.go_live(by=editor)
    article = version.article
    page = as_user(page, login, "patient")
    assert_inert(page, f"{url}{article.get_absolute_url()}")
    page.context.clear_cookies()
    assert_inert(page, f"{url}{article.get_absolute_url()}")


def test_version_comparison_and_publish_reason_never_run_as_script(login, live_server):
    """Two versions' title, summary and body, compared word by word on a page that builds its
    own HTML, and the reason an editor gives for publishing above grade 8, read by the
    specialist and the superuser."""
    url = live_server.url
    editor = User.objects.get(username="editor")
    specialist = User.objects.get(username="specialist")
    # Version 1 gets the even batches, version 2 the odd ones: one comparison shows two.
    titles, summaries = one_line(batches(200)), one_line(batches(300))
    # Every payload in both bodies, in opposite orders: the diff deletes and inserts them.
    bodies = [
        f"{batches(100_000)[0]}\n\n{ABOVE_GRADE_8}",
        "\n\n".join([SENTINEL, *reversed(PAYLOADS), ABOVE_GRADE_8]),
    ]

    # The editor writes version 1 through the form; it is reviewed, and the editor publishes it
    # with a reason for its grade through the publish form.
    page = as_user(None, login, "editor")
    page.goto(f"{url}{reverse('education:article_create')}")
    page.fill("[name=article-slug]", "xss-diff")
    page.fill("[name=version-title]", titles[0])
    page.fill("[name=version-summary]", summaries[0])
    page.fill("[name=version-body_markdown]", bodies[0])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    first = ArticleVersion.objects.get(article__slug="xss-diff")
    assert first.needs_readability_reason
    first.submit_for_review(by=editor)
    first.approve(by=specialist)
    reasons = batches(1800)  # the reason holds at most 2,000 characters; the browser sends \r\n
    reason = reasons[0]
    page.goto(f"{url}{first.get_absolute_url()}")
    page.fill("[name=reason]", reason)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published: patients now see this version.")).to_be_visible()
    first.refresh_from_db()
    assert first.readability_reason.replace("\r\n", "\n") == reason

    # Version 2 through the edit form, submitted for review.
    page.goto(f"{url}{reverse('education:article_edit', args=[first.article_id])}")
    page.fill("[name=version-title]", titles[1])
    page.fill("[name=version-summary]", summaries[1])
    page.fill("[name=version-body_markdown]", bodies[1])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft version 2 saved.")).to_be_visible()
    second = first.article.versions.get(number=2)
    assert (second.title, second.body_markdown.replace("\r\n", "\n")) == (titles[1], bodies[1])
    second.submit_for_review(by=editor)

    # The reviewing specialist compares the versions; the other title and summary batches go
    # into the two versions through the model.
    page = as_user(page, login, "specialist")
    diff = f"{url}{reverse('education:version_diff', args=[second.pk])}"
    for i in range(0, max(len(titles), len(summaries)), 2):
        if i:
            for version, k in ((first, i), (second, i + 1)):
                version.title = titles[k % len(titles)]
                version.summary = summaries[k % len(summaries)]
                version.save(update_fields=["title", "summary"])
        assert_inert(page, diff)
        expect(page.locator(".diff ins").first).to_be_visible()
        expect(page.locator(".diff del").first).to_be_visible()

    # The reason for the grade is shown on the version page and, to the superuser, on the
    # admin's pages of the version and of a past version; its history page lists the title
    # and summary changes. The other batches of the reason go in through the model.
    for i, reason in enumerate(reasons):
        if i:
            first.readability_reason = reason
            first.save(update_fields=["readability_reason"])
        page = as_user(page, login, "specialist")
        assert_inert(page, f"{url}{first.get_absolute_url()}")
        shown = page.locator("dt:has-text('Reason for grade') + dd")
        assert shown.inner_text().split() == reason.split()
        page = as_user(page, login, "admin")
        past = first.history.latest().history_id
        for name, args in [("change", [first.pk]), ("simple_history", [first.pk, past])]:
            admin_page = reverse(f"admin:education_articleversion_{name}", args=args)
            assert_inert(page, f"{url}{admin_page}")
            shown = page.locator(".field-readability_reason .readonly")
            assert shown.inner_text().split() == reason.split()
    assert_inert(page, f"{url}{reverse('admin:education_articleversion_history', args=[first.pk])}")


def test_reading_note_question_and_answer_never_run_as_script(login, live_server):
    url = live_server.url
    patient = Patient.objects.get(user__username="patient")
    article = Article.objects.published().order_by("pk").first()

    # The specialist assigns reading with a note, through the form.
    page = as_user(None, login, "specialist")
    page.goto(f"{url}{reverse('education:assign_article', args=[patient.pk])}")
    page.select_option("[name=article]", str(article.pk))
    notes = batches(1800)  # the browser sends \r\n: room for it
    page.fill("[name=note]", notes[0])
    page.get_by_role("button", name="Assign").click()
    # The patient may get the article's translation in their language ("Assigned the Spanish
    # version to …").
    expect(page.get_by_text(re.compile(r"^Assigned (the \w+ version )?to "))).to_be_visible()
    assignment = Assignment.objects.filter(patient=patient).latest("pk")
    assert assignment.note.replace("\r\n", "\n") == notes[0]
    reading = f"{url}{assignment.get_absolute_url()}"

    # The patient reads each batch of the note, and asks a question through the form.
    page = as_user(page, login, "patient")
    for note in notes:
        assignment.note = note
        assignment.save(update_fields=["note"])
        assert_inert(page, reading)
    questions = batches(1800)
    page.locator("summary", has_text="I have a question").click()
    page.get_by_label("Your question").fill(questions[0])
    page.get_by_role("button", name="Send my question").click()
    expect(page.get_by_text("Your question was sent to your care team.")).to_be_visible()

    # The specialist reads every batch of the question, then answers through the form.
    page = as_user(page, login, "specialist")
    for question in questions[1:]:
        assert_inert(page, reading)
        assignment.refresh_from_db()
        assignment.question = question
        assignment.save(update_fields=["question"])
    assert_inert(page, reading)
    assert_inert(page, f"{url}/", shows=None)  # the dashboard lists open questions
    answers = batches(3800)
    page.goto(reading)
    page.get_by_label("Your answer").fill(answers[0])
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Answer sent.")).to_be_visible()

    page = as_user(page, login, "patient")
    for answer in answers:
        assignment.refresh_from_db()
        assignment.answer = answer
        assignment.save(update_fields=["answer"])
        assert_inert(page, reading)


def test_clinical_free_text_never_runs_as_script(login, live_server):
    """Consult notes, decision rationale, entered-in-error reasons and patient names, written
    by one specialist and read by another (and by the superuser)."""
    url = live_server.url
    patient = Patient.objects.get(user__username="patient")
    consult = patient.consults.order_by("pk").first()
    decision = consult.decisions.order_by("pk").last()
    text = batches(100_000)[0]

    page = as_user(None, login, "specialist")
    # Consult notes through the edit form.
    page.goto(f"{url}{reverse('cases:consult_edit', args=[consult.pk])}")
    page.fill("[name=notes]", text)
    page.get_by_role("button", name="Save consult").click()
    expect(page.get_by_text("Consult updated.")).to_be_visible()
    # Decision rationale through the amend form.
    page.goto(f"{url}{reverse('cases:decision_amend', args=[decision.pk])}")
    page.fill("[name=rationale]", text)
    page.fill(
        "[name=severity_note]", '"><img src=x onerror=alert(1)></textarea><script>alert(1)</script>'
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    new_decision = patient.decisions.order_by("pk").last()
    assert new_decision.rationale.replace("\r\n", "\n") == text
    # An entered-in-error reason through its form (255 characters: the first batch), on a
    # follow-up; the other batches on further records, through the model.
    reasons = batches(200)
    follow_ups = list(patient.follow_ups.valid().order_by("pk")[: len(reasons)])
    page.goto(f"{url}{reverse('cases:entered_in_error', args=['followup', follow_ups[0].pk])}")
    page.fill("[name=reason]", reasons[0])
    page.get_by_role("button", name="Mark as entered in error").click()
    expect(page.get_by_text("marked entered in error")).to_be_visible()
    specialist = User.objects.get(username="specialist")
    for follow_up, reason in zip(follow_ups[1:], reasons[1:], strict=False):
        follow_up.mark_entered_in_error(by=specialist, reason=reason)
    saved = {f.entered_in_error_reason.replace("\r\n", "\n") for f in patient.follow_ups.all()}
    assert set(reasons[: len(follow_ups)]) <= saved
    # A patient registered with a payload for a name.
    Patient.objects.create(
        mrn="XSS-1",
        given_name="<img src=x onerror=alert(1)>",
        family_name=SENTINEL + "<script>alert(1)</script>",
        date_of_birth="1970-01-01",
        sex="female",
        primary_specialist=specialist,
    )

    # An adverse event's description is shown in its edit form only.
    procedure = Procedure.objects.filter(patient=patient).order_by("pk").first()
    event = factories.AdverseEventFactory(procedure=procedure, description=text)

    for username in ("specialist", "admin"):
        page = as_user(page, login, username)
        assert_inert(page, f"{url}{reverse('cases:consult_detail', args=[consult.pk])}")
        assert_inert(page, f"{url}{reverse('cases:decision_detail', args=[new_decision.pk])}")
        assert_inert(page, f"{url}{reverse('cases:patient_detail', args=[patient.pk])}")
        assert_inert(page, f"{url}{reverse('cases:patient_list')}?q=XSS")
        # Edit forms put the saved text back into their fields (a textarea can be closed early).
        for name, args, field in [
            ("cases:consult_edit", [consult.pk], "notes"),
            ("cases:decision_amend", [new_decision.pk], "rationale"),
            ("cases:adverseevent_edit", [event.pk], "description"),
        ]:
            assert_inert(page, f"{url}{reverse(name, args=args)}", shows=None)
            assert page.input_value(f"[name={field}]").replace("\r\n", "\n") == text


def test_decision_factor_notes_never_run_as_script(login, live_server):
    """The notes beside the three candidacy factors, every payload through each of them: the
    first amendment through the form, the others through the model. Only the decision page
    and the amend form show them (the patient's timeline shows the outcome)."""
    url = live_server.url
    patient = Patient.objects.get(user__username="patient")
    decision = patient.decisions.valid().order_by("pk").last()
    specialist = User.objects.get(username="specialist")
    fields = ["severity_note", "health_note", "symptoms_note"]
    notes = one_line(batches(255))
    # Each amendment puts a different batch in each note, so each note carries every payload.
    rounds = [[notes[(i + k) % len(notes)] for k in range(3)] for i in range(len(notes))]

    page = as_user(None, login, "specialist")
    page.goto(f"{url}{reverse('cases:decision_amend', args=[decision.pk])}")
    for field, note in zip(fields, rounds[0], strict=True):
        page.fill(f"[name={field}]", note)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    decisions = [patient.decisions.order_by("pk").last()]
    assert [getattr(decisions[0], field) for field in fields] == rounds[0]
    for texts in rounds[1:]:
        amended = {name: getattr(decisions[-1], name) for name in DecisionForm.Meta.fields}
        amended.update(zip(fields, texts, strict=True))
        decisions.append(decisions[-1].supersede(by=specialist, **amended))

    # Every decision read by the superuser, whose amend form puts the notes back in its fields.
    page = as_user(page, login, "admin")
    for amended in decisions:
        assert_inert(page, f"{url}{reverse('cases:decision_detail', args=[amended.pk])}")
    assert_inert(
        page, f"{url}{reverse('cases:decision_amend', args=[decisions[-1].pk])}", shows=None
    )
    assert [page.input_value(f"[name={field}]") for field in fields] == rounds[-1]


def test_failed_login_usernames_never_run_as_script_in_the_audit_trail(login, live_server):
    """Anyone can type a payload as a username; the superuser reads it in the audit trail."""
    url = live_server.url
    page = as_user(None, login, "admin")
    page.context.clear_cookies()
    usernames = [f"{SENTINEL}<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                 '"><svg onload=window.__xss=1>']  # fmt: skip
    for username in usernames:
        page.goto(f"{url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_label("Username")).to_be_visible()
    page = login("admin")
    assert_inert(page, f"{url}{reverse('audit_trail')}?action=login_failed")
