"""Setting up an authenticator app: accounts.views.totp_enrol."""

import re

import pyotp
import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import AuditEvent, RecoveryCode, TOTPDevice
from accounts.tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:totp_enrol")


def _secret_on_page(body: str) -> str:
    groups = re.search(r'id="totp-secret">(.*?)</p>', body).group(1)
    return "".join(re.findall(r"<span[^>]*>(\w+)</span>", groups))


def test_page_shows_a_local_qr_code_and_the_secret_in_groups(client, staff_a):
    client.force_login(staff_a)
    response = client.get(URL)
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=staff_a)
    assert response.status_code == 200
    assert '<img src="data:image/svg+xml' in body
    assert "http://" not in body.split("<main", 1)[1].split("</main>")[0]
    assert _secret_on_page(body) == device.secret
    assert device.confirmed_at is None
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_the_secret_is_encrypted_in_the_database(client, staff_a):
    client.force_login(staff_a)
    secret = _secret_on_page(client.get(URL).content.decode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE user_id = %s", [staff_a.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("gcm1$") and secret not in stored


def test_right_code_turns_it_on_and_shows_ten_recovery_codes_once(client, staff_a):
    client.force_login(staff_a)
    secret = _secret_on_page(client.get(URL).content.decode())
    response = client.post(URL, {"code": pyotp.TOTP(secret).now()})
    body = response.content.decode()
    assert response.status_code == 200
    codes = re.findall(r"<li>([2-9a-z]{5}-[2-9a-z]{5})</li>", body)
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=staff_a)
    assert device.confirmed_at is not None
    stored = set(RecoveryCode.objects.filter(user=staff_a).values_list("code_hash", flat=True))
    assert len(stored) == 10
    assert not stored & set(codes)
    # Never again: the page now offers to turn it off, without the secret or the codes.
    response = client.get(URL, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:totp_disable")
    assert device.secret not in response.content.decode()
    assert codes[0] not in response.content.decode()


def test_wrong_code_is_rerendered_with_a_chinese_error(client, staff_a):
    client.force_login(staff_a)
    client.get(URL)
    response = client.post(URL, {"code": "000000"})
    device = TOTPDevice.objects.get(user=staff_a)
    device.refresh_from_db()
    assert response.status_code == 200
    assert "验证码不正确" in response.content.decode()
    assert device.confirmed_at is None
    assert not RecoveryCode.objects.filter(user=staff_a).exists()


def test_the_secret_stays_the_same_until_confirmed(client, staff_a):
    client.force_login(staff_a)
    first = _secret_on_page(client.get(URL).content.decode())
    assert _secret_on_page(client.get(URL).content.decode()) == first


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_put_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.put(URL).status_code == 405


def test_enrolled_user_is_sent_to_the_disable_page(client, staff_a):
    TOTPDeviceFactory(user=staff_a)
    client.force_login(staff_a)
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url == reverse("accounts:totp_disable")


def test_enrolment_is_audited_without_the_secret(client, staff_a):
    client.force_login(staff_a)
    secret = _secret_on_page(client.get(URL).content.decode())
    code = pyotp.TOTP(secret).now()
    client.post(URL, {"code": code}, REMOTE_ADDR="10.0.0.5")
    event = AuditEvent.objects.get(action=AuditEvent.Action.SECOND_FACTOR_ENROL)
    assert (event.actor, event.remote_addr, event.success) == (staff_a, "10.0.0.5", True)
    assert secret not in event.target + event.detail
    assert code not in event.target + event.detail


def test_the_auditor_sees_the_enrolment(client, staff_a, county):
    auditor = UserFactory(username="auditor")
    MembershipFactory(user=auditor, organization=county, role="auditor")
    client.force_login(staff_a)
    secret = _secret_on_page(client.get(URL).content.decode())
    client.post(URL, {"code": pyotp.TOTP(secret).now()})
    client.force_login(auditor)
    page = client.get(reverse("accounts:audit_log"), {"kind": "events"}).content.decode()
    assert "<td>李娜</td><td>启用两步验证</td><td>staff_a</td>" in page
    assert secret not in page
