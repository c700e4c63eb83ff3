"""Turning two-step verification off: accounts.views.totp_disable."""

import time

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AuditEvent, RecoveryCode, TOTPDevice
from accounts.tests.factories import TOTPDeviceFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-horse-42"
URL = reverse("accounts:totp_disable")


@pytest.fixture
def device_a(staff_a):
    return TOTPDeviceFactory(user=staff_a)


def _code(device, offset=0):
    return pyotp.TOTP(device.secret).at(time.time(), counter_offset=offset)


def test_password_and_code_turn_it_off(client, device_a):
    services.totp_enrol_confirm(device=device_a, code=_code(device_a, -1), at=timezone.now())
    client.force_login(device_a.user)
    response = client.post(URL, {"password": PASSWORD, "code": _code(device_a)})
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    assert not TOTPDevice.objects.filter(user=device_a.user).exists()
    assert not RecoveryCode.objects.filter(user=device_a.user).exists()
    # The next login needs the password only.
    client.post(reverse("accounts:logout"))
    response = client.post(reverse("accounts:login"), {"username": "staff_a", "password": PASSWORD})
    assert response.url == reverse("accounts:home")


def test_page_shows_no_secret(client, device_a):
    client.force_login(device_a.user)
    body = client.get(URL).content.decode()
    assert "关闭两步验证" in body
    assert device_a.secret not in body


def test_wrong_code_is_rerendered_with_a_chinese_error(client, device_a):
    client.force_login(device_a.user)
    wrong = "123456" if _code(device_a) != "123456" else "654321"
    response = client.post(URL, {"password": PASSWORD, "code": wrong})
    device_a.refresh_from_db()
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert device_a.confirmed_at is not None


def test_wrong_password_is_refused(client, device_a):
    client.force_login(device_a.user)
    response = client.post(URL, {"password": "Wrong-horse-42", "code": _code(device_a)})
    device_a.refresh_from_db()
    assert response.status_code == 200
    assert "密码不正确" in response.content.decode()
    # The code was not spent on a refused request.
    assert device_a.last_step is None


def test_user_without_an_app_is_sent_to_enrolment(client, staff_a):
    client.force_login(staff_a)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("accounts:totp_enrol")


def test_disabling_is_audited(client, device_a):
    client.force_login(device_a.user)
    client.post(URL, {"password": PASSWORD, "code": _code(device_a)}, REMOTE_ADDR="10.0.0.6")
    event = AuditEvent.objects.get(action=AuditEvent.Action.SECOND_FACTOR_DISABLE)
    assert (event.actor, event.remote_addr, event.target) == (device_a.user, "10.0.0.6", "staff_a")


def test_anonymous_goes_to_login(client):
    response = client.post(URL, {"password": PASSWORD, "code": "000000"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_put_is_405(client, device_a):
    client.force_login(device_a.user)
    assert client.put(URL).status_code == 405
