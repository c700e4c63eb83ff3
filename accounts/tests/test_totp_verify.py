"""The second step of logging in: accounts.views.totp_verify (and the login view that leads there)."""

import time

import pyotp
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone

from accounts import services, totp
from accounts.models import AuditEvent, RecoveryCode
from accounts.tests.factories import TOTPDeviceFactory
from accounts.views import PENDING_LOGIN

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-horse-42"
URL = reverse("accounts:totp_verify")


@pytest.fixture
def device_a(staff_a):
    return TOTPDeviceFactory(user=staff_a)


def _password(client, username="staff_a", password=PASSWORD, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password, **extra})


def _code(device, offset=0):
    return pyotp.TOTP(device.secret).at(time.time(), counter_offset=offset)


def test_right_password_leads_to_the_code_page_not_into_the_site(client, device_a):
    response = _password(client)
    assert response.status_code == 302
    assert response.url == URL
    assert "_auth_user_id" not in client.session
    # Half logged in: the site and the admin still answer as to a stranger.
    for page in (reverse("accounts:home"), reverse("accounts:org_list"), reverse("talents:talent_list")):
        assert client.get(page).url.startswith(reverse("accounts:login"))
    assert client.get("/admin/").url.startswith("/admin/login/")
    assert "验证码" in client.get(URL).content.decode()


def test_right_code_logs_in_and_goes_to_next(client, device_a):
    _password(client, next=reverse("accounts:org_list"))
    response = client.post(URL, {"code": _code(device_a)})
    device_a.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("accounts:org_list")
    assert client.session["_auth_user_id"] == str(device_a.user.pk)
    assert PENDING_LOGIN not in client.session
    assert device_a.last_step == totp.step_at(timezone.now())
    assert AccessLog.objects.filter(username="staff_a").exists()


def test_the_admin_login_form_cannot_skip_the_code(client, device_a):
    device_a.user.is_staff = device_a.user.is_superuser = True
    device_a.user.save()
    response = client.post("/admin/login/?next=/admin/", {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next=/admin/"
    assert "_auth_user_id" not in client.session


def test_user_without_an_app_logs_in_with_the_password_alone(client, staff_a):
    response = _password(client)
    assert response.url == reverse("accounts:home")
    assert client.session["_auth_user_id"] == str(staff_a.pk)


def test_wrong_code_is_rerendered_with_a_chinese_error(client, device_a):
    _password(client)
    response = client.post(URL, {"code": "123456" if _code(device_a) != "123456" else "654321"})
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    failure = AccessFailureLog.objects.get(username="staff_a")
    assert failure.path_info == URL


def test_a_code_is_refused_the_second_time(client, device_a):
    code = _code(device_a)
    _password(client)
    assert client.post(URL, {"code": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    _password(client)
    response = client.post(URL, {"code": code})
    assert response.status_code == 200
    assert "已使用" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_older_code_is_refused_after_a_newer_one(device_a):
    now = timezone.now()
    assert services.second_factor_check(user=device_a.user, code=_code(device_a), at=now) == "totp"
    assert services.second_factor_check(user=device_a.user, code=_code(device_a, -1), at=now) is None


def test_five_wrong_codes_lock_the_account_for_thirty_minutes(client, device_a, settings):
    _password(client, REMOTE_ADDR="10.0.0.1")
    for _ in range(4):
        assert client.post(URL, {"code": "000000"}, REMOTE_ADDR="10.0.0.1").status_code == 200
    response = client.post(URL, {"code": "000000"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "登录已锁定" in response.content.decode()
    # Locked: neither the right code nor the right password from elsewhere gets in.
    assert client.post(URL, {"code": _code(device_a)}).status_code in (302, 429)
    assert "_auth_user_id" not in client.session
    assert _password(client, REMOTE_ADDR="10.9.9.9").status_code == 429
    assert AccessFailureLog.objects.filter(username="staff_a", path_info=URL).count() == 5
    # The codes are not kept in the failure records.
    attempt = AccessAttempt.objects.get(username="staff_a", ip_address="10.0.0.1")
    assert "000000" not in attempt.post_data
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60


def test_wrong_codes_and_wrong_passwords_count_together(client, device_a):
    for _ in range(3):
        _password(client, password="Wrong-horse-42")
    _password(client)
    client.post(URL, {"code": "000000"})
    assert client.post(URL, {"code": "000000"}).status_code == 429


def test_a_recovery_code_works_once_only(client, device_a):
    codes = services.totp_enrol_confirm(device=device_a, code=_code(device_a, -1), at=timezone.now())
    _password(client)
    response = client.post(URL, {"code": codes[0].upper()}, follow=True)
    assert client.session["_auth_user_id"] == str(device_a.user.pk)
    assert "剩余 9 个" in response.content.decode()
    used = RecoveryCode.objects.filter(user=device_a.user, used_at__isnull=False)
    assert used.count() == 1
    client.post(reverse("accounts:logout"))
    _password(client)
    response = client.post(URL, {"code": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_recovery_code_use_and_failures_are_audited_without_the_code(client, device_a):
    codes = services.totp_enrol_confirm(device=device_a, code=_code(device_a, -1), at=timezone.now())
    _password(client)
    client.post(URL, {"code": codes[3]}, REMOTE_ADDR="10.0.0.3")
    client.post(reverse("accounts:logout"))
    _password(client)
    client.post(URL, {"code": "000000"}, REMOTE_ADDR="10.0.0.4")
    used = AuditEvent.objects.get(action=AuditEvent.Action.RECOVERY_CODE_USE)
    assert (used.actor, used.remote_addr, used.success) == (device_a.user, "10.0.0.3", True)
    failed = AuditEvent.objects.get(action=AuditEvent.Action.SECOND_FACTOR_FAILURE)
    assert (failed.actor, failed.remote_addr, failed.success) == (device_a.user, "10.0.0.4", False)
    for event in (used, failed):
        assert codes[3] not in event.target + event.detail
        assert "000000" not in event.target + event.detail


def test_pending_state_expires_after_five_minutes(client, device_a):
    _password(client)
    session = client.session
    session[PENDING_LOGIN] = {**session[PENDING_LOGIN], "at": int(time.time()) - 5 * 60 - 1}
    session.save()
    response = client.post(URL, {"code": _code(device_a)})
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_logout_leaves_the_half_logged_in_state(client, device_a):
    _password(client)
    client.post(reverse("accounts:logout"))
    assert client.get(URL).url == reverse("accounts:login")


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")


def test_put_is_405(client, device_a):
    _password(client)
    assert client.put(URL).status_code == 405
