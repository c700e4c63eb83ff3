from django import forms
from django.utils.translation import gettext_lazy as _  # noqa: F401

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
