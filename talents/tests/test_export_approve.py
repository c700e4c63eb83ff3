import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from talents.models import ExportApproval

pytestmark = pytest.mark.django_db


def _url(approval):
    return reverse("talents:export_approve", args=[approval.pk])


def test_a_second_staff_member_approves_for_24_hours(client, staff_a, request_by_a2):
    client.force_login(staff_a)
    response = client.post(_url(request_by_a2))
    assert response.status_code == 302 and response.url == reverse("talents:export_request_list")
    request_by_a2.refresh_from_db()
    assert (request_by_a2.status, request_by_a2.decided_by) == ("approved", staff_a)
    valid = request_by_a2.expires_at - timezone.now()
    assert datetime.timedelta(hours=23, minutes=59) < valid <= datetime.timedelta(hours=24)
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.target) == (staff_a, "unmasked_approve", event.target)
    assert str(request_by_a2.pk) in event.target


def test_staff_of_the_organization_above_may_approve(client, county_staff, request_by_a2):
    client.force_login(county_staff)
    client.post(_url(request_by_a2))
    request_by_a2.refresh_from_db()
    assert request_by_a2.decided_by == county_staff


def test_a_decided_request_is_not_decided_again(client, staff_a, county_staff, request_by_a2):
    client.force_login(county_staff)
    client.post(reverse("talents:export_reject", args=[request_by_a2.pk]))
    client.force_login(staff_a)
    response = client.post(_url(request_by_a2), follow=True)
    assert "已" in response.content.decode() or "already" in response.content.decode()
    request_by_a2.refresh_from_db()
    assert (request_by_a2.status, request_by_a2.decided_by) == ("rejected", county_staff)
    assert AuditEvent.objects.filter(action="unmasked_approve").count() == 0


def test_the_requester_gets_403_on_their_own_request(client, staff_a2, request_by_a2):
    client.force_login(staff_a2)
    assert client.post(_url(request_by_a2)).status_code == 403
    request_by_a2.refresh_from_db()
    assert request_by_a2.status == "pending"


def test_the_database_refuses_self_approval(staff_a2, request_by_a2):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ExportApproval.objects.filter(pk=request_by_a2.pk).update(status="approved", decided_by=staff_a2)


def test_staff_of_an_organization_below_get_404(client, village_a, request_by_a2):
    from accounts.tests.factories import MembershipFactory, UserFactory

    village_staff = UserFactory(username="village_staff")
    MembershipFactory(user=village_staff, organization=village_a, role="staff")
    client.force_login(village_staff)
    assert client.post(_url(request_by_a2)).status_code == 404


def test_sibling_staff_get_404(client, staff_b, request_by_a2):
    client.force_login(staff_b)
    assert client.post(_url(request_by_a2)).status_code == 404


def test_liaison_officer_gets_403(client, liaison_a, request_by_a2):
    client.force_login(liaison_a)
    assert client.post(_url(request_by_a2)).status_code == 403


def test_anonymous_goes_to_login(client, request_by_a2):
    assert client.post(_url(request_by_a2)).url.startswith(reverse("accounts:login"))


def test_get_is_405(client, staff_a, request_by_a2):
    client.force_login(staff_a)
    assert client.get(_url(request_by_a2)).status_code == 405
