"""The education app's part of the dashboard and of the public landing page."""


def public_context():
    """Context for the public landing page: the public article library."""
    return {"public_articles": []}


def context_for(user):
    """Dashboard context for ``user``: reading list (patients), articles (editors)."""
    return {}
