import pytest
from django.urls import reverse

from activities.tests.factories import GroupActivityFactory

pytestmark = pytest.mark.django_db
URL = reverse("activities:my_activities")


def test_leader_sees_the_activities_they_took_part_in(client, leader_a, together_a, township_a):
    GroupActivityFactory(organization=township_a, title="未参加的活动")
    client.force_login(leader_a)
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"]] == [together_a.pk]
    assert "未参加的活动" not in body
    assert [c.talent.name for c in response.context["page"][0].my_contacts] == ["张三"]


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_staff_gets_403(client, staff_a):
    client.force_login(staff_a)
    assert client.get(URL).status_code == 403


def test_another_leader_sees_nothing_of_it(client, together_a, township_a):
    from conftest import _member
    from liaison.tests.factories import LeaderFactory

    other = _member(township_a, "leader", "other_leader", "孙丽华")
    LeaderFactory(user=other, organization=township_a)
    client.force_login(other)
    assert list(client.get(URL).context["page"]) == []


def test_post_is_405(client, leader_a):
    client.force_login(leader_a)
    assert client.post(URL).status_code == 405
