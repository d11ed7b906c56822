import pytest


@pytest.mark.urls("tests.clinic.urls_error")
def test_server_error_page_shows_no_stack_trace_sql_or_settings(client, settings, db):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/explode/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body
    for leak in ("SECRET_DETAIL", "Traceback", "select *", "SECRET_KEY", "config.settings"):
        assert leak not in body


def test_not_found_and_forbidden_pages_show_no_debug_information(client_for, editor, settings):
    settings.DEBUG = False
    not_found = client_for(editor).get("/no-such-page/")
    assert not_found.status_code == 404
    assert "urlpatterns" not in not_found.content.decode()
    forbidden = client_for(editor).get("/audit/")
    assert forbidden.status_code == 403
    assert "You do not have access" in forbidden.content.decode()


def test_a_missing_article_shows_the_portals_own_page_even_with_debug_on(client, settings, db):
    settings.DEBUG = True
    for url in ("/education/articles/no-such-article/", "/education/articles/no-such-article/xx/"):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert "Article not found" in body
        assert "Browse the library" in body
        assert "urlpatterns" not in body and "Using the URLconf" not in body


def test_favicon_ico_sends_the_browser_to_the_svg_icon_the_pages_link(client, db):
    from django.contrib.staticfiles import finders

    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
