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
