import pytest
from django.urls import reverse

from activities.models import GroupActivity
from liaison.models import ContactLog
from liaison.tests.factories import ContactLogFactory

pytestmark = pytest.mark.django_db


def _url(activity):
    return reverse("activities:activity_delete", args=[activity.pk])


def test_staff_deletes_the_activity_and_its_counted_contacts_only(client, staff_a, together_a, pairing_a):
    typed = ContactLogFactory(pairing=pairing_a)
    client.force_login(staff_a)
    response = client.post(_url(together_a))
    assert response.status_code == 302 and response.url == reverse("activities:activity_list")
    assert not GroupActivity.objects.filter(pk=together_a.pk).exists()
    assert list(ContactLog.objects.all()) == [typed]


def test_anonymous_goes_to_login(client, activity_a):
    response = client.post(_url(activity_a))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, activity_a):
    client.force_login(staff_b)
    assert client.post(_url(activity_a)).status_code == 404
    assert GroupActivity.objects.filter(pk=activity_a.pk).exists()


def test_leader_gets_403(client, leader_a, together_a):
    client.force_login(leader_a)
    assert client.post(_url(together_a)).status_code == 403


def test_get_is_405(client, staff_a, activity_a):
    client.force_login(staff_a)
    assert client.get(_url(activity_a)).status_code == 405
