import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("talents:export_request_list")


def test_staff_see_requests_to_decide_and_their_own(client, staff_a, request_by_a2, approved_for_a):
    client.force_login(staff_a)
    response = client.get(URL)
    assert list(response.context["to_decide"]) == [request_by_a2]
    assert list(response.context["mine"]) == [approved_for_a]
    body = response.content.decode()
    assert reverse("talents:export_approve", args=[request_by_a2.pk]) in body
    assert reverse("talents:export_download", args=[approved_for_a.pk]) in body


def test_the_requester_is_not_asked_to_decide(client, staff_a2, request_by_a2):
    client.force_login(staff_a2)
    response = client.get(URL)
    assert list(response.context["to_decide"]) == []
    assert list(response.context["mine"]) == [request_by_a2]


def test_county_staff_decide_for_the_township(client, county_staff, request_by_a2):
    client.force_login(county_staff)
    assert list(client.get(URL).context["to_decide"]) == [request_by_a2]


def test_sibling_staff_see_nothing_of_township_a(client, staff_b, request_by_a2):
    client.force_login(staff_b)
    response = client.get(URL)
    assert list(response.context["to_decide"]) == [] and "核对身份证号" not in response.content.decode()


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(URL).url.startswith(reverse("accounts:login"))


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405
