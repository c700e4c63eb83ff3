"""The manual contact form never offers the method that group activities write themselves."""

import datetime

import pytest

from liaison.forms import ContactForm
from liaison.models import ContactMethod

pytestmark = pytest.mark.django_db


def test_group_activity_method_is_not_offered():
    form = ContactForm(today=datetime.date(2026, 6, 1))
    codes = set(form.fields["method"].queryset.values_list("code", flat=True))
    assert "group_activity" not in codes
    assert ContactMethod.objects.filter(code="group_activity").exists() and "symposium" in codes
