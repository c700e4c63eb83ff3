"""The production topology, for real: deploy/run-production.sh with gunicorn, a Celery worker and beat.

The script runs against a PostgreSQL database and a Redis database of its own. Beat is told to run the
daily sweep every few seconds (CELERY_SWEEP_EVERY), the worker runs it, and the reminder it creates
is read in the leader's inbox over HTTP through gunicorn, after logging in through the login form.
"""

import datetime
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zoneinfo
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

from accounts.fields import new_key

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "deploy" / "run-production.sh"
LEADER = "qingshan_leader2"  # 孙丽华: the demo data leaves one of her talents without a contact this year
NEW_PASSWORD = "Topology-Test-2026"
REMINDER = "尚未完成联系"  # 本年度还有 N 名结对人才尚未完成联系


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_url(database: str) -> str:
    db = settings.DATABASES["default"]
    assert db["ENGINE"].endswith("postgresql"), "the topology test needs PostgreSQL (DATABASE_URL)"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def admin_connection():
    db = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname="postgres", user=db["USER"], password=db.get("PASSWORD") or None,
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
    )  # fmt: skip
    connection.autocommit = True
    return connection


@pytest.fixture
def own_database():
    name = f"tl_topology_{secrets.token_hex(4)}"
    connection = admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    yield server_url(name)
    connection = admin_connection()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def own_redis() -> str:
    """A Redis database of its own (11), so the site's worker takes no other test's tasks."""
    broker = urllib.parse.urlparse(settings.CELERY_BROKER_URL)
    assert broker.scheme.startswith("redis"), "the topology test needs Redis (REDIS_URL)"
    return f"{broker.scheme}://{broker.netloc}/11"


class Browser:
    """Just enough of a browser: cookies, redirects, the CSRF token of the form on the page."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def submit(self, path: str, fields: dict) -> tuple[str, str]:
        _url, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(self.base + path, data=data, headers={"Referer": self.base + path})  # noqa: S310 - the local site
        with self.opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def wait_until(check, seconds: float, what: str, log: Path):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            found = check()
        except OSError:
            found = None
        if found:
            return found
        time.sleep(1)
    pytest.fail(f"{what} within {seconds} s. Log of the site:\n{log.read_text()[-6000:]}")


def test_beat_sweep_reaches_the_leaders_inbox_through_gunicorn(own_database, tmp_path):
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_", "PYTEST"))},
        "DJANGO_SETTINGS_MODULE": "talentliaison.settings",
        "DATABASE_URL": own_database,
        "REDIS_URL": own_redis(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEY": new_key(),
        "FIELD_HASH_KEY": new_key(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",  # plain HTTP on the loopback: see README, Configuration
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_SWEEP_EVERY": "3",
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "celerybeat-schedule"),
        "BIND": f"127.0.0.1:{port}",
        "PYTHON": sys.executable,
    }
    manage(env, "migrate", "--noinput", "-v", "0")
    seeded = manage(env, "seed_demo")
    password = re.search(rf"^\s*{LEADER}\s+(\S+)", seeded, re.M).group(1)
    # The county's reminder checkpoints include today (Shanghai), so the contact sweep is due today.
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()
    days = ",".join(f"{day:%m-%d}" for day in (today, today + datetime.timedelta(days=1)))
    manage(env, "shell", "-c", (
        "from accounts.models import Organization; from liaison.models import ReminderPolicy; "
        f"ReminderPolicy.objects.update_or_create(organization=Organization.objects.get(name='示范县', depth=1), "
        f"defaults={{'checkpoints': '{days}'}})"
    ))  # fmt: skip

    log = tmp_path / "site.log"
    with log.open("w") as output:
        site = subprocess.Popen(
            [str(SCRIPT)], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        base = f"http://127.0.0.1:{port}"
        browser = Browser(base)
        wait_until(lambda: browser.get("/login/")[1], 90, "gunicorn did not answer", log)
        url, page = browser.get("/login/")
        assert "登录" in page
        # WhiteNoise serves the hashed, collected static files from gunicorn.
        css = re.search(r'href="(/static/css/base\.[0-9a-f]+\.css)"', page).group(1)
        assert ".navbar" in browser.get(css)[1]

        url, page = browser.submit("/login/", {"username": LEADER, "password": password})
        if url.endswith("/password/"):  # a seeded account chooses its own password first
            url, page = browser.submit("/password/", {
                "old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})  # fmt: skip
        assert "/login/" not in url, page[-2000:]

        def inbox_with_reminder():
            page = browser.get("/liaison/notifications/")[1]
            return page if REMINDER in page else None

        inbox = wait_until(inbox_with_reminder, 60, "the sweep's reminder did not reach the inbox", log)
        assert "孙丽华" in inbox
        # Each sweep commits on its own, so the reminder is in the inbox before the task has run the
        # sweeps after it and logged its success: wait for that line instead of reading the log once.
        succeeded = re.compile(r"Task liaison\.tasks\.run_daily_sweeps\[.*\] succeeded")

        def log_with_success():
            text = log.read_text()
            return text if succeeded.search(text) else None

        text = wait_until(log_with_success, 30, "the worker did not log the sweep's success", log)
        assert "[beat]" in text and "run_daily_sweeps" in text
        assert "[worker]" in text and succeeded.search(text)
    finally:
        os.killpg(site.pid, signal.SIGTERM)
        try:
            site.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(site.pid, signal.SIGKILL)
            site.wait()
