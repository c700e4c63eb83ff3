import pytest
from django.http import HttpRequest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

VALID = {
    "username": "wangfang",
    "name": "王芳",
    "role": "leader",
    "phone": "13812345678",
    "email": "",
    "password": "Qingshan-2026",
}


def test_staff_add_a_leader(client, staff_a, village_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:member_add", args=[village_a.pk]), VALID)
    user = User.objects.get(username="wangfang")
    assert response.status_code == 302
    assert user.check_password("Qingshan-2026")
    assert [(m.organization, m.role) for m in user.memberships.all()] == [(village_a, "leader")]
    # The new user can log in.
    client.logout()
    assert client.login(request=HttpRequest(), username="wangfang", password="Qingshan-2026")


def test_weak_password_and_bad_phone_are_rerendered(client, staff_a, village_a):
    client.force_login(staff_a)
    data = {**VALID, "password": "12345", "phone": "12345"}
    response = client.post(reverse("accounts:member_add", args=[village_a.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "请输入11位手机号码" in body
    assert "密码" in body and "太短" in body
    assert 'value="王芳"' in body  # what the user typed is kept
    assert not User.objects.filter(username="wangfang").exists()


def test_taken_username_is_refused(client, staff_a, village_a, leader_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:member_add", args=[village_a.pk]), {**VALID, "username": "LEADER_A"})
    assert response.status_code == 200
    assert "该用户名已被使用" in response.content.decode()


def test_sibling_staff_get_404(client, staff_b, village_a):
    client.force_login(staff_b)
    assert client.post(reverse("accounts:member_add", args=[village_a.pk]), VALID).status_code == 404
    assert not User.objects.filter(username="wangfang").exists()


def test_leader_gets_403(client, leader_a, village_a):
    client.force_login(leader_a)
    assert client.post(reverse("accounts:member_add", args=[village_a.pk]), VALID).status_code == 403


def test_anonymous_goes_to_login(client, village_a):
    assert client.get(reverse("accounts:member_add", args=[village_a.pk])).status_code == 302


def test_patch_is_405(client, staff_a, village_a):
    client.force_login(staff_a)
    assert client.patch(reverse("accounts:member_add", args=[village_a.pk])).status_code == 405
