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
