"""The public article page carries what patients trust (issue 14): who wrote it and who gave it
its clinical sign-off, when it was reviewed and is next due, its references, the clinic's
contact details and logo, the emergency advice and the clinic's figures in their own callouts,
and a table of contents beside the text."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from clinic import roles
from education import figures, services
from education.models import Article, ArticleVersion
from education.rendering import render_markdown
from tests import factories

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "education" / "content" / "miss-spinal-herniations.md"
LONG_BODY = "## One\n\nWalk.\n\n## Two\n\nRest.\n\n## Three\n\nAsk.\n"
URGENT = (
    "## When to get help\n\n"
    '!!! urgent "Get help now"\n'
    "    Go to the emergency department if you cannot control when you pee or poo.\n\n"
    "Walk every day.\n"
)


def _person(first, last, role):
    user = factories.UserFactory(first_name=first, last_name=last)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def people():
    return {
        "author": _person("Erin", "Walsh", roles.CONTENT_EDITORS),
        "reviewer": _person("Ana", "Ruiz", roles.SPECIALISTS),
    }


def _published(people, **fields):
    return factories.published_article(
        author=people["author"], reviewer=people["reviewer"], **fields
    )


def _page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- who wrote it, who reviewed it, when ---------------------------------------------------------


def test_the_page_names_the_author_and_the_reviewing_specialist_with_their_roles(client, people):
    page = _page(client, _published(people))
    assert "Written by <strong>Erin Walsh</strong>, content editor" in page
    assert "Clinically reviewed by <strong>Ana Ruiz</strong>, specialist" in page


def test_the_patients_assigned_article_names_its_author_and_reviewer_too(client, people):
    """The patient reads the version assigned to them: it carries the same credits."""
    patient_user = factories.UserFactory()
    patient_user.groups.add(Group.objects.get(name=roles.PATIENTS))
    article = _published(people)
    assignment = factories.AssignmentFactory(
        patient=factories.PatientFactory(user=patient_user), article=article
    )
    client.force_login(patient_user)
    response = client.get(assignment.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Written by <strong>Erin Walsh</strong>, content editor" in page
    assert "Clinically reviewed by <strong>Ana Ruiz</strong>, specialist" in page


def test_the_reviewer_is_the_specialist_who_approved_the_published_version(client, people):
    """The sign-off recorded by the workflow (Approve), not whoever published."""
    article = factories.ArticleVersionFactory(author=people["author"]).article
    version = article.latest_version
    version.submit_for_review(by=people["author"])
    version.approve(by=people["reviewer"], note="Checked the red flags.")
    version.publish(by=people["author"], reason="The clinic's wording.")
    assert version.reviewed_by == people["reviewer"]
    page = _page(client, article)
    assert "Clinically reviewed by <strong>Ana Ruiz</strong>, specialist" in page
    assert "Erin Walsh</strong>, content editor" in page


def test_imported_text_is_credited_to_the_clinic_not_to_the_import_account(client, settings):
    settings.CLINIC_NAME = "Riverside Spine Clinic"
    services.import_article(text=SEED.read_text(encoding="utf-8"), source=SEED.name)
    page = _page(client, Article.objects.get(slug="miss-spinal-herniations"))
    assert "Written by the Riverside Spine Clinic team" in page
    assert "Clinically reviewed by the Riverside Spine Clinic clinical team" in page
    assert "Content import" not in page


def test_the_last_review_and_the_next_review_due_are_shown(client, people, settings):
    settings.EDUCATION_REVIEW_INTERVAL_DAYS = 365
    article = _published(people)
    version = article.published_version
    page = _page(client, article)
    reviewed = timezone.localtime(version.reviewed_at).date()
    due = timezone.localdate(version.published_at) + datetime.timedelta(days=365)
    assert article.next_review_due == due
    assert re.search(rf"Page last reviewed:</dt>\s*<dd>{_date(reviewed)}</dd>", page)
    assert re.search(rf"Next review due:</dt>\s*<dd>{_date(due)}</dd>", page)
    assert f"Last reviewed {_date(reviewed)}" in page


def _date(day):
    from django.template.defaultfilters import date

    return date(day)


def test_a_preview_of_a_draft_shows_no_review_dates(client_for, editor, people):
    draft = factories.ArticleVersionFactory(author=people["author"])
    page = client_for(editor).get(reverse("education:version_preview", args=[draft.pk]))
    html = page.content.decode()
    assert "Page last reviewed" not in html and "Next review due" not in html
    assert "Written by <strong>Erin Walsh</strong>, content editor" in html


def test_the_manage_list_flags_an_article_past_its_next_review(client_for, editor, people):
    overdue = _published(people, title="Old advice on sciatica")
    Article.objects.filter(pk=overdue.pk).update(  # a date in the past, as a year would make it
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    _published(people, title="Fresh advice")
    response = client_for(editor).get(reverse("education:manage_article_list"))
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index("Review overdue:")
    alert = html[start : html.index("</div>", start)]
    assert "Old advice on sciatica" in alert
    assert "Fresh advice" not in alert
    assert html.count("overdue</span>") == 1


def test_the_manage_list_shows_no_flag_when_nothing_is_overdue(client_for, editor, people):
    _published(people, title="Fresh advice")
    html = client_for(editor).get(reverse("education:manage_article_list")).content.decode()
    assert "Review overdue:" not in html


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("patient_user", 403)])
def test_the_manage_list_is_for_editors_and_specialists_only(client_for, who, status, request):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    assert client_for(user).get(reverse("education:manage_article_list")).status_code == status


# --- references ---------------------------------------------------------------------------------


def test_an_editor_enters_references_and_patients_see_them_under_the_article(
    client_for, editor, specialist, client
):
    response = client_for(editor).post(
        reverse("education:article_create"),
        {
            "article-slug": "sciatica",
            "article-language": "en",
            "article-topic": "general",
            "article-audience": "public",
            "version-title": "Sciatica",
            "version-summary": "What helps.",
            "version-body_markdown": "Walk every day.\n",
            "version-references_markdown": (
                "1. Peul WC, et al. Surgery versus prolonged conservative treatment for sciatica. "
                "*N Engl J Med*. 2007;356(22):2245–2256. "
                "[doi:10.1056/NEJMoa064039](https://doi.org/10.1056/NEJMoa064039)\n"
                "2. <script>alert(1)</script>[bad](javascript:alert(1))\n"
            ),
        },
    )
    assert response.status_code == 302
    version = Article.objects.get(slug="sciatica").latest_version
    version.submit_for_review(by=editor)
    version.approve(by=specialist)
    version.publish(by=editor)
    page = _page(client_for(None), version.article)
    section = page[page.index('<section class="article-references"') :]
    section = section[: section.index("</section>")]
    assert '<h2 id="references-heading" class="h4">References</h2>' in section
    assert "<ol>" in section and "<em>N Engl J Med</em>" in section
    assert '<a href="https://doi.org/10.1056/NEJMoa064039" rel="noopener noreferrer">' in section
    assert "<script" not in section and "javascript:" not in section
    # Under the text: after the article's body.
    assert page.index("Walk every day.") < page.index("article-references")


def test_an_article_without_references_has_no_references_section(client, people):
    assert "article-references" not in _page(client, _published(people))


def test_editing_keeps_and_changes_the_references(client_for, editor, people):
    article = _published(people, references_markdown="1. First source.\n")
    client = client_for(editor)
    form = client.get(reverse("education:article_edit", args=[article.pk]))
    assert "1. First source." in form.content.decode()
    response = client.post(
        reverse("education:article_edit", args=[article.pk]),
        {
            "article-slug": article.slug,
            "article-language": "en",
            "article-topic": "general",
            "article-audience": "public",
            "version-title": "New title",
            "version-summary": "What helps.",
            "version-body_markdown": "Walk.\n",
            "version-references_markdown": "1. Second source.\n",
        },
    )
    assert response.status_code == 302
    draft = article.versions.get(number=2)
    assert "<li>Second source.</li>" in draft.references_html
    assert article.published_version.references_markdown == "1. First source.\n"


def test_a_clinic_figure_in_the_references_is_refused_with_a_message(client_for, editor):
    response = client_for(editor).post(
        reverse("education:article_create"),
        {
            "article-slug": "x",
            "article-language": "en",
            "article-topic": "general",
            "article-audience": "public",
            "version-title": "X",
            "version-summary": "X.",
            "version-body_markdown": "Walk.\n",
            "version-references_markdown": "[[figure:same_day_discharge]]\n",
        },
    )
    assert response.status_code == 200
    assert "Clinic figures belong in the text, not in the references" in response.content.decode()
    assert not Article.objects.filter(slug="x").exists()


def test_restoring_a_version_brings_its_references_back(editor, people):
    article = _published(people, references_markdown="1. Kept source.\n")
    restored = services.restore_version(version=article.published_version, by=editor)
    assert restored.references_markdown == "1. Kept source.\n"


def test_the_admin_edits_a_drafts_references_and_freezes_a_published_ones(client_for, superuser):
    draft = factories.ArticleVersionFactory()
    client = client_for(superuser)
    url = reverse("admin:education_articleversion_change", args=[draft.pk])
    assert 'name="references_markdown"' in client.get(url).content.decode()
    live = factories.published_article().published_version
    url = reverse("admin:education_articleversion_change", args=[live.pk])
    assert 'name="references_markdown"' not in client.get(url).content.decode()


def test_the_import_takes_the_last_references_section_as_the_references(tmp_path):
    text = (
        "---\nslug: walking\ntitle: Walking\nsummary: Why walking helps.\n---\n\n"
        "## Start slowly\n\nWalk a little every day.\n\n"
        "## References\n\n1. NICE guideline NG59.\n"
    )
    result = services.import_article(text=text)
    version = result.version
    assert "References" not in version.body_html
    assert version.references_markdown == "1. NICE guideline NG59.\n"
    assert "<li>NICE guideline NG59.</li>" in version.references_html
    again = services.import_article(text=text)
    assert not again.created
    changed = services.import_article(text=text.replace("NG59.", "NG59 (2020)."))
    assert changed.created and changed.version.number == 2


def test_the_shipped_miss_article_carries_real_references_and_the_emergency_advice(client):
    services.import_article(text=SEED.read_text(encoding="utf-8"), source=SEED.name)
    version = Article.objects.get(slug="miss-spinal-herniations").published_version
    references = version.references_markdown
    # Guidelines and trials on lumbar disc herniation and (minimally invasive) discectomy.
    assert "Spine J*. 2014;14(1):180–191" in references  # NASS guideline (Kreiner 2014)
    assert "NG59" in references  # NICE guideline
    assert "10.1056/NEJMoa064039" in references  # Peul 2007, NEJM
    assert "10.1136/bmj-2021-065846" in references  # Gadjradj 2022, BMJ
    assert len(re.findall(r"^\d+\. ", references, flags=re.MULTILINE)) >= 6
    assert '<div class="admonition urgent">' in version.body_html
    assert '<p class="admonition-title">Get help now</p>' in version.body_html
    page = _page(client, version.article)
    assert "lose control" in page or "cannot control when you pee or poo" in page
    assert "Call the clinic the same day" in page


# --- the clinic: name, logo, phone and address from the settings ---------------------------------


def test_the_contact_box_shows_the_clinics_phone_and_address_from_the_settings(
    client, people, settings
):
    settings.CLINIC_NAME = "Riverside Spine Clinic"
    settings.CLINIC_PHONE = "+44 20 7946 0000"
    settings.CLINIC_ADDRESS = "12 River Road; Springfield SP1 2AB"
    page = _page(client, _published(people, body_markdown=LONG_BODY))
    assert "Contact Riverside Spine Clinic" in page
    assert (
        'Call the clinic: <a class="clinic-phone" href="tel:+442079460000">+44 20 7946 0000</a>'
        in page
    )
    assert "12 River Road<br>Springfield SP1 2AB" in page
    # Beside the text on a wide screen, after it on a phone: two boxes, one shown at a time.
    assert page.count('class="clinic-contact card') == 2
    assert 'id="clinic-contact-aside"' in page and 'id="clinic-contact-end"' in page


def test_without_contact_settings_there_is_no_contact_box(client, people, settings):
    settings.CLINIC_PHONE = ""
    settings.CLINIC_ADDRESS = ""
    assert "clinic-contact" not in _page(client, _published(people))


def test_a_phone_alone_is_enough_for_the_box(client, people, settings):
    settings.CLINIC_PHONE = "(555) 010-0199"
    settings.CLINIC_ADDRESS = ""
    page = _page(client, _published(people))
    assert 'href="tel:5550100199"' in page
    assert "<address" not in page


def test_the_header_shows_the_clinics_logo_and_name(client, settings):
    settings.CLINIC_NAME = "Riverside Spine Clinic"
    page = client.get(reverse("education:library")).content.decode()
    assert re.search(
        r'<a class="navbar-brand" href="[^"]*"><img class="clinic-logo" '
        r'src="/static/img/clinic-logo.svg" alt="" width="32" height="32">'
        r"Riverside Spine Clinic</a>",
        page,
    )


def test_the_logo_is_a_setting(client, settings):
    settings.CLINIC_LOGO = "favicon.svg"
    page = client.get(reverse("education:library")).content.decode()
    assert 'class="clinic-logo" src="/static/favicon.svg"' in page


def test_the_default_logo_is_shipped():
    assert (Path(__file__).resolve().parents[2] / "static" / "img" / "clinic-logo.svg").exists()


# --- the callouts -------------------------------------------------------------------------------


def test_an_urgent_callout_renders_as_a_distinct_alert_with_its_heading():
    html, toc = render_markdown(URGENT)
    assert html.startswith('<h2 id="section-when-to-get-help">When to get help</h2>')
    assert (
        '<div class="admonition urgent">\n<p class="admonition-title">Get help now</p>\n'
        "<p>Go to the emergency department if you cannot control when you pee or poo.</p>\n"
        "</div>"
    ) in html
    assert "<p>Walk every day.</p>" in html
    assert [entry["name"] for entry in toc] == ["When to get help"]


def test_callouts_keep_only_their_own_classes():
    html, _ = render_markdown(
        '!!! danger "x"\n    y\n\n<div class="figure-callout alert" onclick="x">z</div>\n\n'
        '<p class="clinic-figure admonition-title">fake</p>'
    )
    assert '<div class="admonition">' in html  # an unknown kind: a plain box
    assert "danger" not in html and "figure-callout" not in html and "clinic-figure" not in html
    assert "onclick" not in html
    assert 'class=""' not in html


def test_the_page_shows_the_urgent_callout(client, people):
    page = _page(client, _published(people, body_markdown=URGENT))
    assert '<div class="admonition urgent">' in page
    assert "Get help now" in page


# --- the clinic's figures in their own callout ------------------------------------------------


def test_a_clinic_figure_stands_in_its_own_callout_with_n_interval_and_period(
    client, people, monkeypatch
):
    value = figures.Figure(
        text="87 % went home the same day or the next",
        interval="95 % CI 70–95 %",
        count="20 of 23 operated patients",
        n=23,
        years=(2023, 2025),
    )
    monkeypatch.setitem(figures._providers, "test_home", (lambda: value, "Test"))
    page = _page(client, _published(people, body_markdown="Home soon.\n\n[[figure:test_home]]\n"))
    assert (
        '<div class="figure-callout">\n<p class="clinic-figure">At this clinic: 87 % went home '
        "the same day or the next (95 % CI 70–95 %) — 20 of 23 operated patients, 2023–2025.</p>\n"
        '<p class="figure-callout-facts">n = 23 · 95 % CI 70–95 % · 2023–2025</p>\n</div>'
    ) in page


def test_a_figure_without_an_interval_lists_n_and_period_only():
    value = figures.Figure(text="x", interval="", count="12 of 12", n=12, years=(None, 2025))
    assert figures.facts(value) == "n = 12 · up to 2025"


# --- the layout: a table of contents beside the text ---------------------------------------------


def test_a_long_article_has_a_table_of_contents_that_folds_on_a_phone(client, people):
    page = _page(client, _published(people, body_markdown=LONG_BODY))
    start = page.index('<nav class="article-toc"')
    nav = page[start : page.index("</nav>", start)]
    assert 'aria-label="On this page"' in nav
    assert 'data-bs-toggle="collapse" data-bs-target="#article-toc-list"' in nav
    assert '<ol id="article-toc-list" class="collapse d-lg-block">' in nav
    assert '<a href="#section-two">Two</a>' in nav
    # The contents come before the text (above it on a phone, beside it from 992 px).
    assert page.index("article-aside") < page.index('<div class="article-body">')
    assert '<article class="article has-aside"' in page


# --- the page cache and the query count -----------------------------------------------------------


def test_publishing_new_references_reaches_anonymous_readers_at_once(
    client, editor, specialist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = factories.published_article(author=editor, reviewer=specialist)
    url = article.get_absolute_url()
    assert "article-references" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.save_draft(
            article=article,
            by=editor,
            title="Revised",
            summary="What helps.",
            body_markdown="Walk.\n",
            references_markdown="1. A new source.\n",
        )
        draft.submit_for_review(by=editor)
        draft.approve(by=specialist)
        draft.publish(by=editor)
    assert "<li>A new source.</li>" in client.get(url).content.decode()


@pytest.mark.parametrize("size", [1, 6])
def test_the_public_page_costs_the_same_queries_whatever_the_library_holds(
    client, people, size, django_assert_num_queries
):
    articles = [_published(people, body_markdown=LONG_BODY) for _ in range(size)]
    # The article with its live version, its other languages, and its author and reviewer with
    # their roles (one query: the byline names them with their role). "?" skips the page cache.
    with django_assert_num_queries(3):
        response = client.get(articles[0].get_absolute_url() + "?")
    assert response.status_code == 200
    assert ArticleVersion.objects.count() == size
