"""One date shape for people (30 Nov 2026, the active language's DATE_FORMAT), on every page:
no ISO dates (2026-11-30) nor long months (20 December 2026) beside it."""

import re

import pytest
from django.urls import reverse
from django.utils import formats, translation

from tests.test_access_matrix import objects  # noqa: F401 (fixture)

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
LONG_MONTH = re.compile(
    r"\b\d{1,2} (January|February|March|April|June|July|August|September|October|November|"
    r"December) \d{4}\b"
)
SHOWN = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


def visible_text(html):
    """The page's text as a person reads it: no scripts (chart data), no tags or attributes."""
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_english_dates_are_shown_as_day_short_month_year():
    import datetime

    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 11, 30)) == "30 Nov 2026"


@pytest.mark.django_db
def test_pages_show_dates_in_one_shape(client_for, specialist, editor, superuser, objects):  # noqa: F811
    pages = [
        reverse("dashboard"),
        reverse("cases:patient_list"),
        reverse("cases:data_quality"),
        reverse("cases:patient_detail", args=[objects["patient"].pk]),
        reverse("cases:consult_detail", args=[objects["consult"].pk]),
        reverse("cases:decision_detail", args=[objects["decision"].pk]),
        reverse("cases:procedure_detail", args=[objects["procedure"].pk]),
        reverse("cases:followup_form", args=[objects["followup"].pk]),
        reverse("education:assignment_detail", args=[objects["assignment"].pk]),
        reverse("education:patient_assignments", args=[objects["patient"].pk]),
    ]
    editors_pages = [
        reverse("cases:outcomes"),
        reverse("education:library"),
        reverse("education:manage_article_list"),
        reverse("education:article_versions", args=[objects["public_article"].pk]),
        reverse("education:version_detail", args=[objects["draft"].pk]),
        reverse("education:version_diff", args=[objects["draft"].pk]),
        objects["public_article"].get_absolute_url(),
    ]
    shown = 0
    for user, urls in (
        (specialist, [*pages, reverse("cases:outcomes")]),
        (editor, editors_pages),
        (superuser, [reverse("audit_trail")]),
    ):
        client = client_for(user)
        for url in urls:
            text = visible_text(client.get(url).content.decode())
            assert not ISO.findall(text), f"{url}: {ISO.findall(text)}"
            assert not LONG_MONTH.search(text), f"{url}: {LONG_MONTH.search(text).group()}"
            shown += len(SHOWN.findall(text))
    assert shown > 10
