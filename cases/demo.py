"""Cases' part of ``seed_demo``."""


def seed(*, accounts, stdout):
    """Create demo cases in every state. Filled in by the cases app."""
