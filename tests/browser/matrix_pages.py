"""The pages of the access matrix (tests/test_access_matrix.py) a role may open, and a browser
context signed in as that role, for the tests that open every page in Chromium."""

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from tests.test_access_matrix import (
    MATRIX,
    ROLES,
    _admin_expected,
    _admin_model_pages,
    _portal_urls,
)

# The roles a person signs in as ("other patient" sees what "patient" sees, of their own).
BROWSER_ROLES = ("anonymous", "patient", "editor", "specialist", "superuser")
WIDTHS = (390, 768, 1280, 1440)
# Pages of the matrix that are not HTML pages for people (the FHIR API's JSON).
NOT_HTML = ("interop:",)


def pages_for(role, objects, admin_objects):
    """(key, URL) of every GET page the matrix says ``role`` may open (200), admin's included."""
    column = 1 + ROLES.index(role)
    pages = [
        (key, url)
        for key, url in _portal_urls(objects)
        if MATRIX[key][column] == 200 and not key.startswith(NOT_HTML)
    ]
    for model, page, url in _admin_model_pages(admin_objects):
        if _admin_expected(model, page, role) == 200:
            pages.append((f"admin:{model}:{page}", url))
    return pages


def signed_in_context(browser, live_server, user, width, height=900):
    """A new browser context at ``width`` pixels, signed in as ``user`` (None: a visitor),
    through a session made by the test client rather than the login form (faster)."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


@pytest.fixture
def matrix_admin_objects(request, live_server):
    """The access matrix's ``admin_objects`` on the live server's database. The thresholds a
    data migration made are gone once an earlier browser test has emptied the tables: made
    again first, so that every admin model has its row."""
    migration = import_module("cases.migrations.0001_squashed_0016_field_verbose_names")
    migration.seed_thresholds(apps, None)
    return request.getfixturevalue("admin_objects")
