"""Fixtures shared by every app's tests: personas, and a real Celery worker.

Personas (CONVENTIONS.md): the demo county has townships A (青山镇) and B (绿水乡).
- county_staff: staff of the county, sees both townships.
- staff_a: staff of township A, sees A's subtree only.
- staff_b: staff of sibling township B: must get 404 for anything of A.
- leader_a: leader in township A.
- liaison_a: liaison officer of work_unit_a, in a village of township A.
- talent_a (张三, work_unit_a) is paired with leader_a in term_a; talent_b works in township B.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from liaison.tests.factories import LeaderFactory, PairingFactory, TermFactory
from talents.tests.factories import TalentFactory, WorkUnitFactory

ROOT = Path(__file__).resolve().parent
PASSWORD = "Correct-horse-42"


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Hash the tests' passwords with few rounds (accounts/tests/hashers.py); production keeps Django's."""
    with override_settings(PASSWORD_HASHERS=["accounts.tests.hashers.FastPBKDF2PasswordHasher"]):
        yield


@pytest.fixture
def county():
    return OrganizationFactory(name="示范县", kind="county")


@pytest.fixture
def township_a(county):
    return OrganizationFactory(parent=county, name="青山镇", kind="township")


@pytest.fixture
def village_a(township_a):
    return OrganizationFactory(parent=township_a, name="青山村", kind="village")


@pytest.fixture
def township_b(county):
    return OrganizationFactory(parent=county, name="绿水乡", kind="township")


def _member(org, role, username, name):
    user = UserFactory(username=username, name=name, password=PASSWORD)
    MembershipFactory(user=user, organization=org, role=role)
    return user


@pytest.fixture
def county_staff(county):
    return _member(county, "staff", "county_staff", "王秀英")


@pytest.fixture
def staff_a(township_a):
    return _member(township_a, "staff", "staff_a", "李娜")


@pytest.fixture
def staff_b(township_b):
    return _member(township_b, "staff", "staff_b", "张伟")


@pytest.fixture
def leader_a(township_a):
    return _member(township_a, "leader", "leader_a", "赵志刚")


@pytest.fixture
def liaison_a(village_a):
    return _member(village_a, "liaison", "liaison_a", "郑小红")


@pytest.fixture
def work_unit_a(village_a, liaison_a):
    unit = WorkUnitFactory(name="青山农业合作社", organization=village_a)
    unit.liaison_officers.add(liaison_a)
    return unit


@pytest.fixture
def work_unit_b(township_b):
    return WorkUnitFactory(name="绿水中学", organization=township_b)


@pytest.fixture
def talent_a(work_unit_a):
    return TalentFactory(name="张三", work_unit=work_unit_a, phone="13812345678", id_number="510104197805121233")


@pytest.fixture
def talent_b(work_unit_b):
    return TalentFactory(name="李四", work_unit=work_unit_b, phone="13987654321")


@pytest.fixture
def term_a(township_a):
    return TermFactory(organization=township_a, name="2025—2026")


@pytest.fixture
def leader_a_record(leader_a, township_a):
    return LeaderFactory(user=leader_a, organization=township_a, post="党委书记")


@pytest.fixture
def pairing_a(term_a, leader_a_record, talent_a):
    return PairingFactory(term=term_a, leader=leader_a_record, talent=talent_a)


class WorkerPool:
    """Real Celery worker processes on the configured Redis, consuming a queue of their own.

    They use the test database, so tests that need them to see their rows must be
    ``django_db(transaction=True)``.
    """

    def __init__(self, visibility_timeout: int, broker: str = "", queue: str = "", env=None):
        broker = broker or settings.CELERY_BROKER_URL
        assert broker, "REDIS_URL is not set: the worker tests need the real Redis (see README)."
        self.queue = queue or f"test-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "REDIS_URL": broker,
            "CELERY_BROKER_URL": broker,
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
            "DATABASE_URL": _database_url(settings.DATABASES["default"], connection.settings_dict["NAME"]),
            **(env or {}),
        }
        self.processes = []

    def start(self) -> subprocess.Popen:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "talentliaison", "worker", "-P", "solo", "-Q", self.queue,
             "--without-gossip", "--without-mingle", "-l", "warning"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        time.sleep(0.5)
        assert worker.poll() is None, worker.stdout.read().decode()
        self.processes.append(worker)
        return worker

    def start_beat(self, schedule: Path) -> subprocess.Popen:
        """Start beat as its own process, as in production (run inside a worker, a kill -9 orphans it)."""
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "talentliaison", "beat", "--schedule", str(schedule),
             "-l", "warning"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.processes.append(beat)
        return beat

    def stop(self) -> None:
        for worker in self.processes:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()


@pytest.fixture
def celery_workers():
    """A pool of real workers (started by the test) whose unacknowledged tasks come back after 3 s."""
    pool = WorkerPool(visibility_timeout=3)
    yield pool
    pool.stop()


@pytest.fixture
def celery_worker_process(celery_workers):
    """One real worker already running; yields the queue name to send tasks to."""
    celery_workers.start()
    return celery_workers.queue


def _database_url(db: dict, name: str) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


# The appeal ledger's handlers: users of township A who act on an appeal only because it is assigned
# to them (liaison officers of no unit here, so they see no talent otherwise).
@pytest.fixture
def handler_a(village_a):
    """Handles the appeals assigned to them: starts, reports progress, resolves."""
    return _member(village_a, "liaison", "handler_a", "王明")


@pytest.fixture
def co_handler_a(village_a):
    """Co-handles appeals: adds progress notes only."""
    return _member(village_a, "liaison", "co_handler_a", "陈静")


@pytest.fixture
def appeal_a(talent_a, liaison_a):
    """A registered appeal of talent_a (子女入学, 2026-03-02), recorded by the unit's liaison officer."""
    from liaison.tests.factories import AppealFactory

    return AppealFactory(talent=talent_a, created_by=liaison_a)
