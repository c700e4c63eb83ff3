"""QuickSelect writes the markup Django's Select writes through its templates."""

import re

import pytest
from django import forms

from accounts.models import Organization
from accounts.tests.factories import OrganizationFactory
from accounts.widgets import QuickSelect


def _compact(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


class Picker(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.all(), required=False, empty_label="全部")
    quick = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, empty_label="全部", widget=QuickSelect
    )


@pytest.mark.django_db
def test_the_markup_is_djangos():
    OrganizationFactory(name="青山镇")
    chosen = OrganizationFactory(name='<b>"绿水" & 乡</b>')
    for data in ({}, {"organization": chosen.pk, "quick": chosen.pk}, {"organization": "x", "quick": "x"}):
        form = Picker(data)
        form.is_valid()
        slow = str(form["organization"].as_widget(attrs={"class": "form-select"}))
        quick = str(form["quick"].as_widget(attrs={"class": "form-select"}))
        assert _compact(quick) == _compact(slow).replace("organization", "quick")
    assert "&lt;b&gt;&quot;绿水&quot; &amp; 乡&lt;/b&gt;" in quick


def test_option_groups_are_kept():
    choices = [("农业", [("tea", "茶叶"), ("rice", "水稻")]), ("", "未选")]
    slow = forms.Select(choices=choices).render("field", "rice")
    quick = QuickSelect(choices=choices).render("field", "rice")
    assert _compact(quick) == _compact(slow)
    assert '<optgroup label="农业">' in quick and 'value="rice" selected' in quick
