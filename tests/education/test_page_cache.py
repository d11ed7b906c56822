"""Public article pages for anonymous readers come from the shared cache until the workflow, the
figures or the day change them (education/page_cache.py, issue 13)."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from education import page_cache
from tests import factories

pytestmark = pytest.mark.django_db


def get(client, url, **extra):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    return response, len(queries)


@pytest.fixture
def article(editor, specialist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return factories.published_article(
            author=editor, reviewer=specialist, publisher=editor, title="Sciatica"
        )


def test_a_second_anonymous_read_needs_no_database(client, article):
    url = article.get_absolute_url()
    first, first_queries = get(client, url)
    second, second_queries = get(client, url)
    assert first.status_code == second.status_code == 200
    assert first_queries > 0
    assert second_queries == 0
    assert second.content == first.content
    # The headers the inner middleware set travel with the stored page.
    for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert second[header] == first[header]
    assert "Set-Cookie" not in second


def test_publishing_a_new_version_shows_it_at_once(
    client, article, editor, specialist, django_capture_on_commit_callbacks
):
    from education import services

    url = article.get_absolute_url()
    assert b"Sciatica" in client.get(url).content
    with django_capture_on_commit_callbacks(execute=True):
        version = services.save_draft(
            article=article,
            by=editor,
            title="Sciatica, revised",
            summary="What helps.",
            body_markdown="## Rest\n\nWalk a lot.\n",
        )
        version.submit_for_review(by=editor)
        version.approve(by=specialist)
        version.publish(by=editor)
    response, queries = get(client, url)
    assert b"Sciatica, revised" in response.content
    assert queries > 0


def test_retiring_the_article_takes_the_stored_page_away(
    client, article, editor, django_capture_on_commit_callbacks
):
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        article.retire(by=editor)
    assert client.get(url).status_code == 404


def test_new_figures_make_the_page_render_again(
    client, article, django_capture_on_commit_callbacks
):
    from cases import outcomes

    url = article.get_absolute_url()
    client.get(url)
    assert get(client, url)[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.refresh()
    assert get(client, url)[1] > 0
    assert get(client, url)[1] == 0


def test_a_new_day_renders_the_page_again(client, article, monkeypatch):
    url = article.get_absolute_url()
    client.get(url)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_cache.timezone, "localdate", lambda: tomorrow)
    assert get(client, url)[1] > 0


@pytest.mark.parametrize(
    "extra",
    [
        {"QUERY_STRING": "x=1"},
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_COOKIE": "messages=abc"},
    ],
    ids=["query string", "session cookie", "messages waiting"],
)
def test_requests_that_may_differ_go_the_normal_way(client, article, extra):
    url = article.get_absolute_url()
    client.get(url)
    response, queries = get(client, url, **extra)
    assert response.status_code == 200
    assert queries > 0


def test_a_signed_in_reader_never_gets_the_anonymous_page(client, article, patient_user):
    url = article.get_absolute_url()
    anonymous = client.get(url).content.decode()
    client.force_login(patient_user)
    signed_in = client.get(url).content.decode()
    assert "Log out" not in anonymous
    assert "Log out" in signed_in


def test_new_clinic_details_are_shown_at_once(client, article, settings):
    """The phone number and the address are on every public page: a new one (a restart with new
    settings) is never answered with a page stored under the old one."""
    settings.CLINIC_PHONE = "555 0100"
    settings.CLINIC_ADDRESS = "1 Spine Road"
    url = article.get_absolute_url()
    get(client, url)
    stored, queries = get(client, url)
    assert queries == 0 and "555 0100" in stored.content.decode()
    settings.CLINIC_PHONE = "555 0199"
    changed, queries = get(client, url)
    assert queries > 0
    assert "555 0199" in changed.content.decode()
    assert "555 0100" not in changed.content.decode()


def test_a_page_for_patients_only_is_never_stored(client, editor, specialist):
    article = factories.published_article(
        author=editor, reviewer=specialist, publisher=editor, article__audience="patients"
    )
    url = article.get_absolute_url()
    assert client.get(url).status_code == 302
    key = page_cache.PAGE_KEY.format(site=page_cache._site_fingerprint(), path=url)
    assert cache.get(key) is None


def test_a_failing_cache_is_a_miss(client, article, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache.cache, "get_many", broken)
    monkeypatch.setattr(page_cache.cache, "set", broken)
    response, queries = get(client, article.get_absolute_url())
    assert response.status_code == 200
    assert queries > 0
    page_cache.invalidate()  # logs, never raises
