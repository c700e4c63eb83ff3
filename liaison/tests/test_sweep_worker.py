"""Sweeps through the real broker and a real worker: delivered twice, or the worker killed, each
reminder still exists exactly once (CELERY: acks_late + reject_on_worker_lost, idempotent sweeps)."""

import datetime
import os
import signal
import time

import pytest

from liaison.models import Notification, SweepRun, VisitTask
from liaison.tasks import run_daily_sweeps
from liaison.tests.factories import LeaderFactory, PairingFactory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def many_pairings(pairing_a, work_unit_a, township_a):
    """pairing_a plus 60 more pairings of 20 leaders, none contacted: 21 leaders to remind."""
    term = pairing_a.term
    term.start, term.end = datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)
    term.save()
    for i in range(20):
        leader = LeaderFactory(organization=township_a)
        for j in range(3):
            PairingFactory(term=term, leader=leader, talent=TalentFactory(name=f"人才{i}-{j}", work_unit=work_unit_a))
    return term


def _wait_for(condition, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_sweep_sent_through_redis_creates_the_reminders_once(celery_worker_process, many_pairings):
    first = run_daily_sweeps.apply_async(args=["2026-07-01"], queue=celery_worker_process)
    second = run_daily_sweeps.apply_async(args=["2026-07-01"], queue=celery_worker_process)
    assert first.get(timeout=120)["contact_reminders"] == 21
    assert second.get(timeout=120)["contact_reminders"] == 0
    assert Notification.objects.filter(kind="contact_reminder").count() == 21


def test_a_worker_killed_mid_sweep_leaves_every_reminder_exactly_once(celery_workers, many_pairings):
    worker = celery_workers.start()
    run_daily_sweeps.apply_async(args=["2026-09-18"], queue=celery_workers.queue)
    # Kill -9 as soon as the sweep has started: its transaction dies with the process.
    assert _wait_for(lambda: SweepRun.objects.filter(day=datetime.date(2026, 9, 18)).exists())
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    celery_workers.start()  # the message comes back after the visibility timeout
    assert _wait_for(lambda: SweepRun.objects.filter(name="overdue_escalations", finished_at__isnull=False).exists(),
                     seconds=120)  # fmt: skip
    time.sleep(1)
    assert VisitTask.objects.filter(holiday__name="中秋节").count() == 61
    assert VisitTask.objects.values("key").distinct().count() == VisitTask.objects.count()
    keys = list(Notification.objects.values_list("dedupe_key", flat=True))
    assert len(keys) == len(set(keys))
