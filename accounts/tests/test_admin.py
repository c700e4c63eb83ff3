import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

OWN_APPS = {"accounts", "talents", "liaison", "activities", "maps"}


def test_every_model_is_in_the_admin():
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in OWN_APPS and not m._meta.auto_created and m not in admin.site._registry
    ]
    assert missing == []


def test_superuser_opens_every_changelist(client, django_user_model, township_a, staff_a):
    root = django_user_model.objects.create_superuser("root", password="Correct-horse-42")
    client.force_login(root)
    for model in admin.site._registry:
        if model._meta.app_label in OWN_APPS:
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            assert client.get(url).status_code == 200, url


def test_talent_change_form_shows_no_whole_numbers_or_notes(client, django_user_model, talent_a):
    """三员分立: the system administrator keeps the data running but does not read personal numbers."""
    talent_a.id_number, talent_a.notes = "11010519491231002X", "糖尿病，需定期复查"
    talent_a.save()
    root = django_user_model.objects.create_superuser("root", password="Correct-horse-42")
    client.force_login(root)
    body = client.get(reverse("admin:talents_talent_change", args=[talent_a.pk])).content.decode()
    assert talent_a.name in body
    assert "11010519491231002X" not in body and talent_a.phone not in body and "糖尿病" not in body
    assert talent_a.masked_id_number in body
