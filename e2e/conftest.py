"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser) against live_server."""

import os

import pytest

# Playwright runs an event loop in the test's thread; the ORM calls the tests make there are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai", "accept_downloads": True}


# The data migrations that seed reference rows: contact methods and topics, appeal categories, the
# holiday calendar, talent categories, the holiday list. Every seed function is idempotent.
REFERENCE_SEEDS = [
    "talents.migrations.0003_default_categories",
    "liaison.migrations.0004_reference_data",
    "liaison.migrations.0006_holidays",
]


@pytest.fixture(autouse=True)
def reference_data(request):
    """Put the migrations' reference rows back before a browser test.

    A transactional test before this one flushes every table; serialized rollback did not bring
    these rows back in a full run, so the journey re-seeds them rather than depend on it.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    for module in REFERENCE_SEEDS:
        importlib.import_module(module).seed(apps, None)
    # The activity kinds need the contact methods above; their seed function has another name.
    importlib.import_module("activities.migrations.0002_reference_data").add_kinds(apps, None)
    importlib.import_module("maps.migrations.0002_reference_data").add_kinds(apps, None)
    # The flush emptied django_content_type too, while this process still caches the old ids: the
    # change history (django-auditlog) would then point at rows that no longer exist.
    from django.contrib.contenttypes.management import create_contenttypes
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)
