"""Password rules, with messages in the project's own catalogue."""

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule; its zh-hans catalogue lags behind its message, so the text is ours."""

    def get_error_message(self):
        return _("This password is too short. It must contain at least %(min_length)d characters.") % {
            "min_length": self.min_length
        }

    def get_help_text(self):
        return _("Your password must contain at least %(min_length)d characters.") % {"min_length": self.min_length}

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")


class CharacterClassesValidator:
    """At least ``min_classes`` of four kinds: lower-case, upper-case, digits, other characters."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    @staticmethod
    def classes(password: str) -> int:
        kinds = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
        return sum(any(kind(c) for c in password) for kind in kinds)

    def validate(self, password, user=None):
        if self.classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _(
            "Your password must mix at least %(min_classes)d of: lower-case letters, upper-case letters, "
            "digits and other characters."
        ) % {"min_classes": self.min_classes}


class PasswordHistoryValidator:
    """Not one of the user's last ``keep`` passwords; remembers each new one when it is saved."""

    def __init__(self, keep=5):
        self.keep = keep

    def _recent(self, user):
        from accounts.models import PasswordHistory

        return PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")[: self.keep]

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        if any(check_password(password, old.password) for old in self._recent(user)):
            raise ValidationError(
                _("You used this password recently. Choose one that is not among your last %(keep)d.")
                % {"keep": self.keep},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        """Called by ``User.save()`` after ``set_password``: keep the new hash, forget the oldest."""
        from accounts.models import PasswordHistory

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")[self.keep :]
        PasswordHistory.objects.filter(pk__in=list(stale.values_list("pk", flat=True))).delete()

    def get_help_text(self):
        return _("Your password must differ from your last %(keep)d passwords.") % {"keep": self.keep}
