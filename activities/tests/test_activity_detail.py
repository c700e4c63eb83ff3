import pytest
from django.urls import reverse

from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db


def _url(activity):
    return reverse("activities:activity_detail", args=[activity.pk])


def test_staff_sees_participants_and_counted_contacts(client, staff_a, together_a):
    client.force_login(staff_a)
    response = client.get(_url(together_a))
    body = response.content.decode()
    assert response.status_code == 200 and response.context["can_edit"]
    assert "张三" in body and "赵志刚" in body
    assert len(response.context["contacts"]) == 1
    assert reverse("activities:activity_attendance", args=[together_a.pk]) in body


def test_leader_who_took_part_reads_it_without_other_talents(client, leader_a, together_a, talent_a):
    stranger = TalentFactory(name="钱七", work_unit=talent_a.work_unit)
    together_a.talents.add(stranger)
    client.force_login(leader_a)
    response = client.get(_url(together_a))
    body = response.content.decode()
    assert response.status_code == 200 and not response.context["can_edit"]
    assert "张三" in body and "钱七" not in body
    assert reverse("activities:activity_edit", args=[together_a.pk]) not in body


def test_anonymous_goes_to_login(client, activity_a):
    response = client.get(_url(activity_a))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, activity_a):
    client.force_login(staff_b)
    assert client.get(_url(activity_a)).status_code == 404


def test_leader_who_was_not_there_gets_404(client, leader_a, activity_a):
    client.force_login(leader_a)
    assert client.get(_url(activity_a)).status_code == 404


def test_post_is_405(client, staff_a, activity_a):
    client.force_login(staff_a)
    assert client.post(_url(activity_a)).status_code == 405
