"""Login protection, sessions, password rules, security headers and the auditor (issue 9)."""

import time

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts import services
from accounts.middleware import LOGIN_AT
from accounts.models import PasswordHistory, Role, User
from accounts.tests.factories import MembershipFactory, UserFactory
from talents.models import PersonalDataAccess

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-horse-42"
LOGIN = "accounts:login"


def _fail(client, username, address="10.0.0.1"):
    return client.post(reverse(LOGIN), {"username": username, "password": "Wrong-horse-42"}, REMOTE_ADDR=address)


def _login(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(reverse(LOGIN), {"username": username, "password": password}, REMOTE_ADDR=address)


# --- lock-out -------------------------------------------------------------------------------------


def test_five_failures_lock_the_username_for_thirty_minutes(client, staff_a, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert _fail(client, "staff_a").status_code == 200
    response = _fail(client, "staff_a")
    assert response.status_code == 429
    assert "登录已锁定" in response.content.decode()
    assert "30 分钟" in response.content.decode()
    # The right password from another address does not help: the username is locked.
    response = _login(client, "staff_a", address="10.9.9.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_five_failures_from_one_address_lock_that_address(client, staff_a, staff_b):
    for username in ("nobody1", "nobody2", "nobody3", "nobody4", "nobody5"):
        _fail(client, username, address="10.0.0.7")
    # A different, never-failed username from the same address is refused...
    assert _login(client, "staff_b", address="10.0.0.7").status_code == 429
    # ...and from another address it logs in.
    response = _login(client, "staff_b", address="10.0.0.8")
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")


def test_lock_ends_after_thirty_minutes(client, staff_a, settings):
    for _ in range(5):
        _fail(client, "staff_a")
    assert _login(client, "staff_a").status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - settings.AXES_COOLOFF_TIME)
    assert _login(client, "staff_a").status_code == 302


def test_four_failures_then_success_reset_the_count(client, staff_a):
    for _ in range(4):
        _fail(client, "staff_a")
    assert _login(client, "staff_a").status_code == 302
    client.logout()
    for _ in range(4):
        _fail(client, "staff_a")
    assert _login(client, "staff_a").status_code == 302


def test_axes_reset_command_unlocks(client, staff_a):
    for _ in range(5):
        _fail(client, "staff_a")
    call_command("axes_reset_username", "staff_a")
    call_command("axes_reset_ip", "10.0.0.1")
    assert _login(client, "staff_a").status_code == 302


# --- sessions -------------------------------------------------------------------------------------


def test_session_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # renewed by the middleware, at most once a minute
    assert settings.SESSION_MAX_LIFETIME == 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY


def test_a_request_after_a_quiet_minute_renews_the_idle_limit(client, staff_a):
    client.force_login(staff_a)
    session = client.session
    session["_seen_at"] -= 61
    session.save()
    response = client.get(reverse("accounts:home"))
    assert response.cookies["sessionid"]["max-age"] == 30 * 60


def test_session_ends_twelve_hours_after_login(client, staff_a):
    _login(client, "staff_a")
    session = client.session
    assert time.time() - session[LOGIN_AT] < 60
    session[LOGIN_AT] = int(time.time()) - 12 * 60 * 60 - 1
    session.save()
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse(LOGIN))
    assert "_auth_user_id" not in client.session


def test_session_younger_than_twelve_hours_goes_on(client, staff_a):
    _login(client, "staff_a")
    session = client.session
    session[LOGIN_AT] = int(time.time()) - 11 * 60 * 60
    session.save()
    assert client.get(reverse("accounts:home")).status_code == 200


def test_logout_invalidates_the_session_key(client, staff_a):
    _login(client, "staff_a")
    old_key = client.session.session_key
    client.post(reverse("accounts:logout"))
    # Replaying the old cookie does not log in again.
    client.cookies["sessionid"] = old_key
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse(LOGIN))


# --- password rules -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["Short-1a", "alllowercaseletters", "lowercase-only-and", "ALLUPPER1234", "1234567890123"],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password)


@pytest.mark.parametrize("password", ["Qingshan-2026", "qingshan2026X", "qingshan-2026", "QINGSHAN-2026"])
def test_three_kinds_of_ten_characters_pass(password):
    password_validation.validate_password(password)


def test_the_last_five_passwords_are_refused(staff_a):
    passwords = [f"Newpass-{n}0{n}x" for n in range(6)]
    for password in passwords:
        password_validation.validate_password(password, staff_a)
        staff_a.set_password(password)
        staff_a.save()
    assert PasswordHistory.objects.filter(user=staff_a).count() == 5
    for password in passwords[1:]:
        with pytest.raises(ValidationError, match="最近"):
            password_validation.validate_password(password, staff_a)
    # The sixth from last is forgotten.
    password_validation.validate_password(passwords[0], staff_a)


def test_password_change_page_refuses_the_current_password(client, staff_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "最近" in response.content.decode()


def test_help_texts_are_chinese():
    texts = " ".join(password_validation.password_validators_help_texts())
    assert "10" in texts
    assert "大写字母" in texts
    assert "最近 5 次" in texts


# --- first login ------------------------------------------------------------------------------------


def test_member_add_account_must_change_password(client, township_a):
    membership = services.member_add(
        organization=township_a, username="wangfang", name="王芳", role="leader", password="Qingshan-2026"
    )
    assert membership.user.must_change_password
    _login(client, "wangfang", "Qingshan-2026")
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert "修改密码" in page
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Qingshan-2026", "new_password1": "Shanhe-road-88", "new_password2": "Shanhe-road-88"},
    )
    assert response.status_code == 302
    assert not User.objects.get(username="wangfang").must_change_password
    # Still logged in (Django keeps the session valid after a password change), free to go on.
    assert client.get(reverse("accounts:home")).status_code == 200


def test_logout_works_while_a_change_is_due(client, township_a):
    user = UserFactory(username="first", password=PASSWORD, must_change_password=True)
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse(LOGIN)


def test_seed_demo_accounts_must_change_password():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert User.objects.get(username="qingshan_staff").must_change_password
    assert User.objects.get(username="admin").must_change_password


def test_ordinary_accounts_need_no_change(staff_a):
    assert not staff_a.must_change_password


# --- headers --------------------------------------------------------------------------------------


def test_security_headers(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("accounts:home"))
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'", "form-action 'self'",
    ):  # fmt: skip
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_htmx_injects_no_inline_styles(client):
    page = client.get(reverse(LOGIN)).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false}\'>' in page


def test_no_template_has_inline_script_style_or_handler():
    """CSP allows only our own files: no inline <script>, style= or on...= handler in any template."""
    import re
    from pathlib import Path

    from django.conf import settings

    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=|\shx-on", re.IGNORECASE)
    offenders = []
    roots = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
    for root in roots:
        for path in root.rglob("*.html"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if inline.search(line):
                    offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert offenders == []


# --- the auditor ----------------------------------------------------------------------------------


@pytest.fixture
def auditor(county):
    user = UserFactory(username="auditor", name="审计员", password=PASSWORD)
    MembershipFactory(user=user, organization=county, role=Role.AUDITOR)
    return user


def test_auditor_reads_changes_without_values(client, auditor, staff_a, talent_a):
    talent_a.phone = "13900001111"
    talent_a.save()
    client.force_login(auditor)
    page = client.get(reverse("accounts:audit_log")).content.decode()
    assert "审计日志" in page
    assert LogEntry.objects.get_for_object(talent_a).exists()
    assert "phone" in page or "手机" in page or "电话" in page
    for secret in ("张三", "13900001111", "13812345678", "510104197805121233"):
        assert secret not in page


def test_auditor_reads_personal_data_access_and_logins(client, auditor, staff_a, talent_a):
    PersonalDataAccess.objects.create(user=staff_a, talent=talent_a, purpose=PersonalDataAccess.Purpose.REVEAL)
    _login(client, "staff_a")
    client.logout()
    _fail(client, "staff_a")
    assert AccessFailureLog.objects.filter(username="staff_a").exists()
    client.force_login(auditor)
    access = client.get(reverse("accounts:audit_log"), {"kind": "access", "user": "staff_a"}).content.decode()
    assert "李娜" in access
    assert "张三" not in access
    logins = client.get(reverse("accounts:audit_log"), {"kind": "logins", "user": "staff_a"}).content.decode()
    assert "staff_a" in logins
    failures = client.get(reverse("accounts:audit_log"), {"kind": "failures"}).content.decode()
    assert "staff_a" in failures


def test_audit_log_filters_by_user_and_date(client, auditor, staff_a, staff_b, talent_a):
    PersonalDataAccess.objects.create(user=staff_a, talent=talent_a, purpose=PersonalDataAccess.Purpose.REVEAL)
    client.force_login(auditor)
    url = reverse("accounts:audit_log")
    page = client.get(url, {"kind": "access", "user": "staff_b"}).content.decode()
    assert "李娜" not in page
    page = client.get(url, {"kind": "access", "from": "2000-01-01", "to": "2000-01-02"}).content.decode()
    assert "李娜" not in page
    page = client.get(url, {"kind": "access", "from": "not-a-date", "to": "2999-01-01"}).content.decode()
    assert "李娜" in page


@pytest.mark.parametrize("persona", ["staff_a", "leader_a", "liaison_a"])
def test_only_auditors_read_the_audit_log(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("accounts:audit_log")).status_code == 403


def test_auditor_gets_403_on_talent_pages(client, auditor, talent_a):
    client.force_login(auditor)
    assert client.get(reverse("talents:talent_export")).status_code == 403
    assert client.get(reverse("talents:talent_edit", args=[talent_a.pk])).status_code == 403
    assert client.get(reverse("talents:talent_detail", args=[talent_a.pk])).status_code == 404
    assert "张三" not in client.get(reverse("talents:talent_list")).content.decode()


def test_auditor_navbar_links_to_the_audit_log(client, auditor):
    client.force_login(auditor)
    page = client.get(reverse("accounts:home")).content.decode()
    assert reverse("accounts:audit_log") in page


def test_idle_clock_is_renewed_at_most_once_a_minute(client, staff_a):
    from django.contrib.sessions.models import Session

    def stored_expiry():
        return Session.objects.get(session_key=client.session.session_key).expire_date

    client.force_login(staff_a)  # login starts the clock
    first = stored_expiry()
    client.get(reverse("accounts:home"))
    assert stored_expiry() == first  # no write within the minute
    session = client.session
    session["_seen_at"] -= 61
    session.save()
    saved = stored_expiry()
    client.get(reverse("accounts:home"))
    assert stored_expiry() > saved
