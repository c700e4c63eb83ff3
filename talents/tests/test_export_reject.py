import pytest
from django.urls import reverse

from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db


def _url(approval):
    return reverse("talents:export_reject", args=[approval.pk])


def test_a_second_staff_member_rejects(client, staff_a, request_by_a2):
    client.force_login(staff_a)
    assert client.post(_url(request_by_a2)).status_code == 302
    request_by_a2.refresh_from_db()
    assert (request_by_a2.status, request_by_a2.decided_by, request_by_a2.expires_at) == ("rejected", staff_a, None)
    assert AuditEvent.objects.get().action == "unmasked_reject"


def test_the_requester_gets_403(client, staff_a2, request_by_a2):
    client.force_login(staff_a2)
    assert client.post(_url(request_by_a2)).status_code == 403


def test_sibling_staff_get_404(client, staff_b, request_by_a2):
    client.force_login(staff_b)
    assert client.post(_url(request_by_a2)).status_code == 404


def test_leader_gets_403(client, leader_a, request_by_a2):
    client.force_login(leader_a)
    assert client.post(_url(request_by_a2)).status_code == 403


def test_anonymous_goes_to_login(client, request_by_a2):
    assert client.post(_url(request_by_a2)).url.startswith(reverse("accounts:login"))


def test_get_is_405(client, staff_a, request_by_a2):
    client.force_login(staff_a)
    assert client.get(_url(request_by_a2)).status_code == 405
