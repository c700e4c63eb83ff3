from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Role


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Organization.Kind.choices)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a name."))
        return name


class MemberAddForm(forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    name = forms.CharField(label=_("Full name"), max_length=50)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    phone = forms.RegexField(
        label=_("Phone"),
        regex=r"^1[3-9]\d{9}$",
        required=False,
        error_messages={"invalid": _("Enter an 11-digit mobile number.")},
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True),
        help_text=_("At least 10 characters; tell it to the user in person."),
    )

    def clean_password(self):
        password = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


class LoginForm(AuthenticationForm):
    """The login form, with Chinese messages that do not reveal whether the username exists."""

    error_messages = {
        "invalid_login": _("Wrong username or password. Note that both are case-sensitive."),
        "inactive": _("This account has been disabled."),
    }


class OneTimeCodeForm(forms.Form):
    """A code from the authenticator app, or at login a recovery code."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class TOTPDisableForm(forms.Form):
    password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput(attrs={"autofocus": True}))
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The 6-digit code the app shows now, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class SecondFactorPolicyForm(forms.Form):
    require_second_factor = forms.BooleanField(label=_("Require a second factor of its staff"), required=False)


def apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it names fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
