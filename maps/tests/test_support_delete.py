import pytest
from django.urls import reverse

from maps.models import SupportRecord

pytestmark = pytest.mark.django_db


def _url(record):
    return reverse("maps:support_delete", args=[record.pk])


def test_staff_delete_a_record(client, staff_a, support_a):
    client.force_login(staff_a)
    response = client.post(_url(support_a))
    assert response.status_code == 302
    assert response.url == reverse("maps:talent_support", args=[support_a.talent_id])
    assert not SupportRecord.objects.filter(pk=support_a.pk).exists()


def test_anonymous_goes_to_login(client, support_a):
    assert client.post(_url(support_a)).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, support_a):
    client.force_login(staff_b)
    assert client.post(_url(support_a)).status_code == 404
    support_a.refresh_from_db()


def test_paired_leader_gets_403(client, leader_a, pairing_a, support_a):
    client.force_login(leader_a)
    assert client.post(_url(support_a)).status_code == 403
    support_a.refresh_from_db()


def test_get_is_405(client, staff_a, support_a):
    client.force_login(staff_a)
    assert client.get(_url(support_a)).status_code == 405
    support_a.refresh_from_db()
