"""The cases app's part of the dashboard."""


def context_for(user):
    """Dashboard context for ``user`` (specialists: due follow-ups and recent activity)."""
    return {}
