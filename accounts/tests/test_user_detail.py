import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_see_a_user_of_their_subtree(client, staff_a, liaison_a):
    client.force_login(staff_a)
    response = client.get(reverse("accounts:user_detail", args=[liaison_a.pk]))
    assert response.status_code == 200
    assert "郑小红" in response.content.decode()
    assert "青山村" in response.content.decode()


def test_sibling_staff_get_404_for_users(client, staff_b, liaison_a):
    client.force_login(staff_b)
    assert client.get(reverse("accounts:user_detail", args=[liaison_a.pk])).status_code == 404


def test_county_staff_see_both_townships_users(client, county_staff, staff_a, staff_b):
    client.force_login(county_staff)
    assert client.get(reverse("accounts:user_detail", args=[staff_a.pk])).status_code == 200
    assert client.get(reverse("accounts:user_detail", args=[staff_b.pk])).status_code == 200


def test_leader_gets_403(client, leader_a, liaison_a):
    client.force_login(leader_a)
    assert client.get(reverse("accounts:user_detail", args=[liaison_a.pk])).status_code == 403


def test_anonymous_goes_to_login(client, liaison_a):
    assert client.get(reverse("accounts:user_detail", args=[liaison_a.pk])).status_code == 302


def test_post_is_405(client, staff_a, liaison_a):
    client.force_login(staff_a)
    assert client.post(reverse("accounts:user_detail", args=[liaison_a.pk])).status_code == 405
