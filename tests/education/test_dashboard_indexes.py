"""The specialist dashboard's reading panels are served by indexes, not by sorting every
assignment (issue 13)."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def indexes_of(table):
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


def test_open_questions_have_their_index_on_every_database():
    assert "assignment_open_question_idx" in indexes_of("education_assignment")


def test_the_latest_reading_has_its_index_on_postgresql_only():
    found = "assignment_recent_reading_idx" in indexes_of("education_assignment")
    assert found == (connection.vendor == "postgresql")
