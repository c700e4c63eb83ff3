import pytest
from django.urls import reverse

from accounts.models import Organization

pytestmark = pytest.mark.django_db


def test_staff_add_a_child(client, staff_a, township_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:org_add", args=[township_a.pk]), {"name": " 桃园村 ", "kind": "village"})
    child = Organization.objects.get(name="桃园村")
    assert response.status_code == 302
    assert response.url == reverse("accounts:org_detail", args=[child.pk])
    assert Organization.objects.get_parent(child) == township_a
    assert child.kind == "village"


def test_two_children_keep_a_valid_tree(client, staff_a, township_a):
    client.force_login(staff_a)
    for name in ["甲村", "乙村"]:
        client.post(reverse("accounts:org_add", args=[township_a.pk]), {"name": name, "kind": "village"})
    township_a.refresh_from_db()
    assert Organization.objects.get_children_count(township_a) == 2
    assert Organization.objects.find_problems() == ([], [], [], [], [])


def test_duplicate_sibling_name_is_refused(client, staff_a, township_a, village_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:org_add", args=[township_a.pk]), {"name": "青山村", "kind": "village"})
    assert response.status_code == 200
    assert "同级已有同名组织" in response.content.decode()
    assert Organization.objects.filter(name="青山村").count() == 1


def test_empty_form_is_rerendered_with_errors(client, staff_a, township_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:org_add", args=[township_a.pk]), {"name": "", "kind": "nonsense"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "这个字段是必填项" in body
    assert "选择一个有效的选项" in body


def test_sibling_staff_get_404(client, staff_b, township_a):
    client.force_login(staff_b)
    response = client.post(reverse("accounts:org_add", args=[township_a.pk]), {"name": "入侵村", "kind": "village"})
    assert response.status_code == 404
    assert not Organization.objects.filter(name="入侵村").exists()


def test_leader_gets_403(client, leader_a, township_a):
    client.force_login(leader_a)
    assert client.get(reverse("accounts:org_add", args=[township_a.pk])).status_code == 403


def test_anonymous_goes_to_login(client, township_a):
    assert client.post(reverse("accounts:org_add", args=[township_a.pk]), {"name": "x"}).status_code == 302
    assert not Organization.objects.filter(name="x").exists()


def test_put_is_405(client, staff_a, township_a):
    client.force_login(staff_a)
    assert client.put(reverse("accounts:org_add", args=[township_a.pk])).status_code == 405
