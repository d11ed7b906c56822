import pytest

from education import services
from tests import factories


@pytest.fixture
def draft(editor):
    """Version 1 of a new article, written by ``editor``."""
    article = services.create_article(
        by=editor,
        slug="back-pain",
        title="Back pain",
        summary="What helps.",
        body_markdown="## Rest\n\nRest a little. Walk a lot.\n",
    )
    return article.latest_version


@pytest.fixture
def in_review(draft, editor):
    draft.submit_for_review(by=editor)
    return draft


@pytest.fixture
def approved(in_review, specialist):
    in_review.approve(by=specialist)
    return in_review


@pytest.fixture
def live_article(editor, specialist):
    """A published public article (written by ``editor``, reviewed by ``specialist``)."""
    return factories.published_article(author=editor, reviewer=specialist, publisher=editor)
