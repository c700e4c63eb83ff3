"""A large workbook queued while the broker is down waits, and the pick-up queues it again later."""

import datetime

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from liaison import delivery, reports, tasks
from liaison.models import ReportFile

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    """Every enqueue fails as with Redis unreachable; records what was attempted."""
    attempts = []

    def refuse(*args):
        attempts.append(args)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.build_report_file, "delay", refuse)
    monkeypatch.setattr(delivery, "_broker_paused_until", 0.0)
    return attempts


def test_large_report_waits_when_the_broker_is_down(broker_down, world, township_a, staff_a, monkeypatch,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr(reports, "SMALL_REPORT_ROWS", 0)
    with django_capture_on_commit_callbacks(execute=True):
        report_file = reports.report_file_create(organization=township_a, year=2026, user=staff_a)
    assert len(broker_down) == 1
    report_file.refresh_from_db()
    assert report_file.status == ReportFile.Status.PENDING


def test_pick_up_queues_only_workbooks_left_waiting(township_a, monkeypatch):
    old = ReportFile.objects.create(organization=township_a, year=2026)
    ReportFile.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    ReportFile.objects.create(organization=township_a, year=2026)  # just made: its message is on the way
    done = ReportFile.objects.create(organization=township_a, year=2025, status=ReportFile.Status.DONE)
    ReportFile.objects.filter(pk=done.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=10))
    queued = []
    monkeypatch.setattr(tasks.build_report_file, "delay", lambda pk: queued.append(pk))
    monkeypatch.setattr(delivery, "_broker_paused_until", 0.0)
    tasks.send_pending()
    assert queued == [old.pk]
