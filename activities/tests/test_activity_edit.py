import datetime

import pytest
from django.urls import reverse

from liaison.models import ContactLog

pytestmark = pytest.mark.django_db


def _url(activity):
    return reverse("activities:activity_edit", args=[activity.pk])


def _data(activity, **extra):
    return {
        "organization": activity.organization_id, "kind": activity.kind_id, "title": activity.title,
        "date": activity.date.isoformat(), "place": activity.place, "description": "", **extra,
    }  # fmt: skip


def test_staff_edits_and_the_counted_contact_follows(client, staff_a, together_a):
    client.force_login(staff_a)
    response = client.post(_url(together_a), _data(together_a, date="2026-03-12", place="青山村委会"))
    assert response.status_code == 302
    together_a.refresh_from_db()
    assert together_a.date == datetime.date(2026, 3, 12)
    contact = ContactLog.objects.get(activity=together_a)
    assert (contact.date, contact.place) == (datetime.date(2026, 3, 12), "青山村委会")


def test_moving_before_the_pairing_removes_the_contact(client, staff_a, together_a):
    client.force_login(staff_a)
    client.post(_url(together_a), _data(together_a, date="2024-12-31"))
    assert not ContactLog.objects.filter(activity=together_a).exists()


def test_invalid_form_is_shown_again_and_nothing_changes(client, staff_a, together_a):
    client.force_login(staff_a)
    response = client.post(_url(together_a), _data(together_a, title=""))
    assert response.status_code == 200 and response.context["form"].errors["title"]
    together_a.refresh_from_db()
    assert together_a.title == "优秀人才座谈会"


def test_anonymous_goes_to_login(client, activity_a):
    response = client.get(_url(activity_a))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, activity_a):
    client.force_login(staff_b)
    assert client.get(_url(activity_a)).status_code == 404


def test_leader_who_took_part_gets_403(client, leader_a, together_a):
    client.force_login(leader_a)
    assert client.post(_url(together_a), _data(together_a, title="改")).status_code == 403


def test_delete_is_405(client, staff_a, activity_a):
    client.force_login(staff_a)
    assert client.delete(_url(activity_a)).status_code == 405
