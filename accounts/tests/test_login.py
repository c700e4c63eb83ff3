import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["accounts:home", "accounts:org_list"]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_login_page_is_chinese(client):
    response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="zh-hans"' in body
    assert "登录" in body
    assert "用户名" in body


def test_login_with_right_password_lands_on_home(client, staff_a):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "Correct-horse-42"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    home = client.get(reverse("accounts:home"))
    assert "李娜" in home.content.decode()
    assert "青山镇" in home.content.decode()


def test_wrong_password_shows_chinese_error(client, staff_a):
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, staff_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 302


def test_logout_by_get_is_refused(client, staff_a):
    client.force_login(staff_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("accounts:home")).status_code == 200


def test_navbar_shows_organizations_only_to_staff(client, staff_a, leader_a):
    client.force_login(staff_a)
    assert reverse("accounts:org_list") in client.get(reverse("accounts:home")).content.decode()
    client.force_login(leader_a)
    assert reverse("accounts:org_list") not in client.get(reverse("accounts:home")).content.decode()
