import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("accounts:org_list")


def test_staff_see_their_subtree_only(client, staff_a, village_a, township_b):
    client.force_login(staff_a)
    body = client.get(URL).content.decode()
    assert "青山镇" in body
    assert "青山村" in body
    assert "绿水乡" not in body
    assert "示范县" not in body


def test_county_staff_see_the_whole_county(client, county_staff, village_a, township_b):
    client.force_login(county_staff)
    body = client.get(URL).content.decode()
    assert all(name in body for name in ["示范县", "青山镇", "青山村", "绿水乡"])


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_query_count_does_not_grow_with_the_tree(client, staff_a, township_a, django_assert_max_num_queries):
    from accounts.tests.factories import OrganizationFactory

    for i in range(30):
        OrganizationFactory(parent=township_a, name=f"村{i}", kind="village")
    client.force_login(staff_a)
    with django_assert_max_num_queries(6):
        assert client.get(URL).status_code == 200
