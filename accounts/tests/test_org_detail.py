import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_see_children_and_members(client, staff_a, township_a, village_a, leader_a):
    client.force_login(staff_a)
    response = client.get(reverse("accounts:org_detail", args=[township_a.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "青山村" in body
    assert "赵志刚" in body
    assert "联系领导" in body


def test_breadcrumb_hides_ancestors_out_of_scope(client, staff_a, village_a):
    client.force_login(staff_a)
    body = client.get(reverse("accounts:org_detail", args=[village_a.pk])).content.decode()
    assert "青山镇" in body
    assert "示范县" not in body


def test_sibling_staff_get_404(client, staff_b, township_a):
    client.force_login(staff_b)
    assert client.get(reverse("accounts:org_detail", args=[township_a.pk])).status_code == 404


def test_missing_id_is_404(client, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("accounts:org_detail", args=[999999])).status_code == 404


def test_anonymous_goes_to_login(client, township_a):
    assert client.get(reverse("accounts:org_detail", args=[township_a.pk])).status_code == 302


def test_liaison_gets_403(client, liaison_a, township_a):
    client.force_login(liaison_a)
    assert client.get(reverse("accounts:org_detail", args=[township_a.pk])).status_code == 403


def test_post_is_405(client, staff_a, township_a):
    client.force_login(staff_a)
    assert client.post(reverse("accounts:org_detail", args=[township_a.pk])).status_code == 405
