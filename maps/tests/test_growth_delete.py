import pytest
from django.urls import reverse

from maps.models import GrowthRecord

pytestmark = pytest.mark.django_db


def _url(record):
    return reverse("maps:growth_delete", args=[record.pk])


def test_liaison_officer_deletes_a_record(client, liaison_a, growth_a):
    client.force_login(liaison_a)
    response = client.post(_url(growth_a))
    assert response.status_code == 302
    assert response.url == reverse("maps:talent_growth", args=[growth_a.talent_id])
    assert not GrowthRecord.objects.filter(pk=growth_a.pk).exists()


def test_anonymous_goes_to_login(client, growth_a):
    assert client.post(_url(growth_a)).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, growth_a):
    client.force_login(staff_b)
    assert client.post(_url(growth_a)).status_code == 404
    growth_a.refresh_from_db()


def test_paired_leader_gets_403(client, leader_a, pairing_a, growth_a):
    client.force_login(leader_a)
    assert client.post(_url(growth_a)).status_code == 403
    growth_a.refresh_from_db()


def test_get_is_405(client, staff_a, growth_a):
    client.force_login(staff_a)
    assert client.get(_url(growth_a)).status_code == 405
    growth_a.refresh_from_db()
