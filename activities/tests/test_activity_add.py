import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import GroupActivity
from activities.tests.factories import kind

pytestmark = pytest.mark.django_db
URL = reverse("activities:activity_add")


def _data(organization, **extra):
    return {
        "organization": organization.pk, "kind": kind("gathering").pk, "title": "2026年人才新春团拜会",
        "date": timezone.localdate().isoformat(), "place": "镇文化中心", "description": "", **extra,
    }  # fmt: skip


def test_staff_records_an_activity_and_goes_to_attendance(client, staff_a, township_a):
    client.force_login(staff_a)
    response = client.post(URL, _data(township_a))
    activity = GroupActivity.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("activities:activity_attendance", args=[activity.pk])
    activity.refresh_from_db()
    assert (activity.organization, activity.created_by, activity.kind.code) == (township_a, staff_a, "gathering")


def test_invalid_form_is_shown_again(client, staff_a, township_a):
    client.force_login(staff_a)
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    response = client.post(URL, _data(township_a, title="", date=future))
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert not GroupActivity.objects.exists()


def test_future_date_is_refused(client, staff_a, township_a):
    client.force_login(staff_a)
    future = (timezone.localdate() + timezone.timedelta(days=3)).isoformat()
    response = client.post(URL, _data(township_a, date=future))
    assert response.status_code == 200 and response.context["form"].errors["date"]


def test_another_townships_organization_is_not_offered(client, staff_b, township_a):
    client.force_login(staff_b)
    response = client.post(URL, _data(township_a))
    assert response.status_code == 200 and response.context["form"].errors["organization"]
    assert not GroupActivity.objects.exists()


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_delete_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.delete(URL).status_code == 405
