"""System checks that stop a production start with unsafe settings."""

from django.conf import settings
from django.core.checks import Error, register


@register("security", deploy=False)
def check_secret_key(app_configs, **kwargs):
    """Refuse the development secret key in the production profile."""
    if getattr(settings, "PRODUCTION", False) and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key, which is public.",
                hint="Set the SECRET_KEY environment variable to a long random value.",
                id="accounts.E001",
            )
        ]
    return []
