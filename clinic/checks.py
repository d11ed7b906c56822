"""Deployment checks of the portal's own security settings (``check --deploy``)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def two_factor_required_in_production(app_configs, **kwargs):
    if settings.DEBUG or settings.REQUIRE_2FA:
        return []
    return [
        checks.Error(
            "Two-factor authentication is off while DEBUG is off: staff would open health "
            "information with a password alone.",
            hint="Unset DJANGO_REQUIRE_2FA (it is on whenever DEBUG is off), or set it to true.",
            id="clinic.E001",
        )
    ]


@checks.register()
def clinic_logo_exists(app_configs, **kwargs):
    """``CLINIC_LOGO`` names a static file: one that does not exist would fail every page once
    the static files are collected (the manifest has no entry for it)."""
    from django.contrib.staticfiles import finders

    if not settings.CLINIC_LOGO or finders.find(settings.CLINIC_LOGO):
        return []
    return [
        checks.Error(
            f"CLINIC_LOGO names {settings.CLINIC_LOGO!r}, which is not among the static files.",
            hint="Put the logo under static/ (e.g. static/img/logo.svg) and set CLINIC_LOGO to "
            "its path there (img/logo.svg), or unset CLINIC_LOGO for the default.",
            id="clinic.E002",
        )
    ]
