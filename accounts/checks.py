"""System checks that stop a production start with unsafe settings."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured


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


KEY_HINT = (
    'Set it to 32 random bytes in URL-safe base64: python -c "import base64, os; '
    'print(base64.urlsafe_b64encode(os.urandom(32)).decode())"'
)


@register("security", deploy=False)
def check_field_keys(app_configs, **kwargs):
    """Refuse personal data encrypted with a key derived from SECRET_KEY in production, and malformed keys."""
    from accounts.fields import decode_key

    errors = []
    named = [("FIELD_ENCRYPTION_KEY", settings.FIELD_ENCRYPTION_KEY), ("FIELD_HASH_KEY", settings.FIELD_HASH_KEY)]
    named += [("FIELD_ENCRYPTION_OLD_KEYS", key) for key in settings.FIELD_ENCRYPTION_OLD_KEYS]
    for name, value in named:
        if not value:
            if getattr(settings, "PRODUCTION", False) and name != "FIELD_ENCRYPTION_OLD_KEYS":
                errors.append(
                    Error(f"{name} is not set: personal data would be protected by a development key.",
                          hint=KEY_HINT, id="accounts.E002")
                )  # fmt: skip
            continue
        try:
            decode_key(value)
        except ImproperlyConfigured:
            errors.append(Error(f"{name} is not 32 bytes in URL-safe base64.", hint=KEY_HINT, id="accounts.E003"))
    return errors
