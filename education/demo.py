"""Education's part of ``seed_demo``."""


def seed(*, accounts, stdout):
    """Assign demo reading. Filled in by the education app."""
