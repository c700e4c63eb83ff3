"""Screenshots of every main page at desktop (1280 wide) and phone (390×844) size: `make screenshots`.

Builds the demo county in a throw-away SQLite file, serves it with `manage.py runserver` (DEBUG off),
logs in as the demo user each page is meant for, and saves PNGs under docs/screenshots/. Chinese
renders with Debian's fonts-noto-cjk; the browser is Debian's Chromium.

    .venv/bin/python e2e/screenshots.py [--out docs/screenshots] [--only talent_list]
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE  # noqa: E402

PASSWORD = "Demo-screens-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_demo(env: dict) -> dict:
    """Migrate and seed the demo database; give every demo account PASSWORD; return ids for the URLs."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("seed_demo", stdout=quiet)
    import datetime

    from liaison import sweeps

    # The last National Day's visit campaign (7 days' notice), so that the campaign list shows one.
    sweeps.run_day(datetime.date(datetime.date.today().year, 9, 24), names=["holiday_campaigns"])

    from accounts.models import User
    from activities.models import GroupActivity
    from liaison.models import Appeal, Pairing
    from talents.models import Talent

    for user in User.objects.all():
        user.set_password(PASSWORD)
        if hasattr(user, "must_change_password"):
            user.must_change_password = False  # the demo accounts' first-login change is not shown here
        user.save()
    leader_pairing = Pairing.objects.filter(leader__user__username="qingshan_leader").order_by("pk").first()
    return {
        "talent": Talent.objects.filter(organization__name__in=["青山村", "青山镇"]).order_by("pk").first().pk,
        "appeal": Appeal.objects.order_by("-pk").first().pk if Appeal.objects.exists() else None,
        "pairing": leader_pairing.pk,
        "leader_talent": leader_pairing.talent_id,
        "activity": GroupActivity.objects.order_by("date").first().pk,
        "growth_talent": Talent.objects.get(name="赵敏").pk,
    }


def pages(ids: dict) -> list[tuple[str, str | None, str]]:
    """(file name, demo username or None for anonymous, path) of every main page."""
    from django.urls import reverse

    staff = "county_staff"
    rows = [
        ("login", None, reverse("accounts:login")),
        ("home-staff", staff, reverse("accounts:home")),
        ("dashboard", staff, reverse("liaison:dashboard")),
        ("talent_list", staff, reverse("talents:talent_list")),
        ("talent_detail", staff, reverse("talents:talent_detail", args=[ids["talent"]])),
        ("roster_import", staff, reverse("talents:roster_import")),
        ("workunit_list", staff, reverse("talents:workunit_list")),
        ("term_list", staff, reverse("liaison:term_list")),
        ("pairing_list", staff, reverse("liaison:pairing_list")),
        ("leader_list", staff, reverse("liaison:leader_list")),
        ("compliance", staff, reverse("liaison:compliance")),
        ("appeal_list", staff, reverse("liaison:appeal_list")),
        ("campaign_list", staff, reverse("liaison:campaign_list")),
        ("calendar_list", staff, reverse("liaison:calendar_list")),
        ("org_list", staff, reverse("accounts:org_list")),
        ("home-leader", "qingshan_leader", reverse("accounts:home")),
        ("my_talents", "qingshan_leader", reverse("liaison:my_talents")),
        ("contact_add", "qingshan_leader", reverse("liaison:contact_add", args=[ids["pairing"]])),
        ("talent_detail-leader", "qingshan_leader", reverse("talents:talent_detail", args=[ids["leader_talent"]])),
        ("notifications-leader", "qingshan_leader", reverse("liaison:notification_list")),
        ("home-liaison", "qingshan_liaison", reverse("accounts:home")),
        ("talent_list-liaison", "qingshan_liaison", reverse("talents:talent_list")),
    ]
    if ids["appeal"]:
        rows.append(("appeal_detail", staff, reverse("liaison:appeal_detail", args=[ids["appeal"]])))
    rows.append(("report_detail", staff, reverse("liaison:report_detail")))
    rows += [
        ("activity_list", staff, reverse("activities:activity_list")),
        ("activity_detail", staff, reverse("activities:activity_detail", args=[ids["activity"]])),
        ("activity_attendance", staff, reverse("activities:activity_attendance", args=[ids["activity"]])),
        ("my_activities", "qingshan_leader", reverse("activities:my_activities")),
        ("demand_map", "qingshan_staff", reverse("maps:demand_map")),
        ("growth_map", "qingshan_staff", reverse("maps:growth_map")),
        ("support_map", "qingshan_staff", reverse("maps:support_map")),
        ("talent_growth", "qingshan_staff", reverse("maps:talent_growth", args=[ids["growth_talent"]])),
        ("talent_support", "qingshan_staff", reverse("maps:talent_support", args=[ids["growth_talent"]])),
        ("export_request_list", staff, reverse("talents:export_request_list")),
        ("totp_enrol", staff, reverse("accounts:totp_enrol")),
    ]
    return rows


def wait_for(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped: {server.stdout.read().decode()}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url} did not answer in {seconds} s")


def shoot(base: str, rows, out: Path) -> list[Path]:
    from django.urls import reverse

    login = base + reverse("accounts:login")
    from playwright.sync_api import sync_playwright

    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size_name, viewport, extra in (
            ("desktop", DESKTOP, {}),
            ("phone", PHONE, {"is_mobile": True, "has_touch": True, "device_scale_factor": 1}),
        ):
            contexts = {}
            for name, username, path in rows:
                if username not in contexts:
                    context = browser.new_context(
                        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **extra
                    )
                    if username:
                        page = context.new_page()
                        page.goto(login)
                        page.locator("[name=username]").fill(username)
                        page.locator("[name=password]").fill(PASSWORD)
                        page.locator("form button[type=submit]").click()
                        page.wait_for_load_state("networkidle")
                        assert "/login/" not in page.url, f"{username} could not log in"
                        page.close()
                    contexts[username] = context
                page = contexts[username].new_page()
                response = page.goto(base + path)
                page.wait_for_load_state("networkidle")
                assert response.ok, f"{path} answered {response.status} for {username}"
                target = out / f"{name}-{size_name}.png"
                page.screenshot(path=target, full_page=True)
                saved.append(target)
                page.close()
            for context in contexts.values():
                context.close()
        browser.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="*", help="file names (without size and .png) to take")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="tl-screens-") as tmp:
        env = {
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_SETTINGS_MODULE": "talentliaison.settings",
        }
        for name in ("REDIS_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS", "DEBUG"):
            os.environ.pop(name, None)  # the zero-setup profile: tasks in-process, no broker
        ids = build_demo(env)
        rows = [row for row in pages(ids) if not args.only or row[0] in args.only]
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/login/", server)
            started = time.time()
            saved = shoot(base, rows, out)
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"{len(saved)} screenshots in {out} ({time.time() - started:.0f} s)")


if __name__ == "__main__":
    main()
