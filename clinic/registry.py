"""Where the apps standing on ``clinic`` plug into it: the core never imports them.

Dependencies point one way, ``cases → education → clinic`` (docs/architecture.md). When the core
needs something an app provides — a dashboard panel, a role's permissions, demo data, the page of
a patient's record — the app registers it here from its ``AppConfig.ready()``, and the core asks
the registry. Each registry keeps the order apps register in (``INSTALLED_APPS``).
"""

_dashboard_panels = []
_landing_panels = []
_demo_seeders = []
_patient_url = None
_method_answering_prefixes = []


def register_dashboard_panel(panel):
    """``panel(user, *, everyone=False) -> dict``: context the signed-in dashboard shows for
    ``user``; ``everyone`` asks a clinician's work queue for the whole clinic, not their own."""
    if panel not in _dashboard_panels:
        _dashboard_panels.append(panel)


def register_landing_panel(panel):
    """``panel() -> dict``: context for the public landing page."""
    if panel not in _landing_panels:
        _landing_panels.append(panel)


def dashboard_context(user, *, everyone=False):
    context = {}
    for panel in _dashboard_panels:
        context.update(panel(user, everyone=everyone))
    return context


def landing_context():
    context = {}
    for panel in _landing_panels:
        context.update(panel())
    return context


def register_demo_seeder(seeder):
    """``seeder(*, accounts, stdout)``: an app's demo records, run by ``seed_demo``."""
    if seeder not in _demo_seeders:
        _demo_seeders.append(seeder)


def demo_seeders():
    return list(_demo_seeders)


def register_patient_url(url_of):
    """``url_of(patient) -> str``: the page of a patient's record (the cases app has it)."""
    global _patient_url
    _patient_url = url_of


def patient_url(patient):
    return _patient_url(patient) if _patient_url is not None else None


def register_method_answering_prefix(prefix):
    """``prefix``: a path under which every view answers every HTTP method itself (an API that
    refuses the methods it does not serve in its own format); the portal's 405 to anything but
    GET, HEAD and POST (clinic.middleware.AllowedMethodsMiddleware) lets such requests through."""
    if prefix not in _method_answering_prefixes:
        _method_answering_prefixes.append(prefix)


def method_answering_prefixes():
    return tuple(_method_answering_prefixes)
