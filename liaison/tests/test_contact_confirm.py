import pytest
from django.urls import reverse

from liaison.tests.factories import ContactLogFactory

pytestmark = pytest.mark.django_db


def test_leader_confirms_with_one_tap(client, leader_a, pairing_a, staff_a):
    contact = ContactLogFactory(pairing=pairing_a, confirmed_at=None, created_by=staff_a)
    client.force_login(leader_a)
    response = client.post(reverse("liaison:contact_confirm", args=[contact.pk]))
    contact.refresh_from_db()
    assert response.status_code == 302
    assert contact.confirmed_at is not None and contact.created_by == staff_a


def test_another_leaders_contact_is_404(client, leader_a, talent_b):
    contact = ContactLogFactory(pairing__talent=talent_b, confirmed_at=None)
    from liaison.tests.factories import LeaderFactory

    LeaderFactory(user=leader_a)
    client.force_login(leader_a)
    assert client.post(reverse("liaison:contact_confirm", args=[contact.pk])).status_code == 404
    contact.refresh_from_db()
    assert contact.confirmed_at is None


def test_staff_get_403(client, staff_a, pairing_a):
    contact = ContactLogFactory(pairing=pairing_a, confirmed_at=None)
    client.force_login(staff_a)
    assert client.post(reverse("liaison:contact_confirm", args=[contact.pk])).status_code == 403


def test_get_is_405(client, leader_a, pairing_a):
    contact = ContactLogFactory(pairing=pairing_a, confirmed_at=None)
    client.force_login(leader_a)
    assert client.get(reverse("liaison:contact_confirm", args=[contact.pk])).status_code == 405


def test_anonymous_goes_to_login(client, pairing_a):
    contact = ContactLogFactory(pairing=pairing_a, confirmed_at=None)
    assert client.post(reverse("liaison:contact_confirm", args=[contact.pk])).status_code == 302
