"""The project's configuration: settings, the root URLconf, WSGI and ASGI.

``clinic`` is the core app only; ``config`` composes the apps (docs/architecture.md).
"""

import environ


def settings_module():
    """The settings module to use when ``DJANGO_SETTINGS_MODULE`` names none.

    ``DJANGO_DEBUG=true`` (``make run``) selects the developer's settings; anything else,
    production's — so a machine that sets nothing runs with DEBUG off and refuses to start
    without a secret key.
    """
    if environ.Env().bool("DJANGO_DEBUG", default=False):
        return "config.settings.local"
    return "config.settings.production"
