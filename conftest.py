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

from accounts.tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from liaison.tests.factories import LeaderFactory, PairingFactory, TermFactory
from talents.tests.factories import TalentFactory, WorkUnitFactory

ROOT = Path(__file__).resolve().parent
PASSWORD = "Correct-horse-42"


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


@pytest.fixture
def celery_worker_process():
    """Start a real Celery worker on the configured Redis, consuming a queue of its own.

    The worker uses the test database, so tests that need it to see their rows must be
    ``django_db(transaction=True)``. Yields the queue name; stops the worker afterwards.
    """
    broker = settings.CELERY_BROKER_URL
    assert broker, "REDIS_URL is not set: the worker tests need the real Redis (see README)."
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "DATABASE_URL": _database_url(db, connection.settings_dict["NAME"]),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "talentliaison", "worker", "-P", "solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "-l", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        time.sleep(0.5)
        assert worker.poll() is None, worker.stdout.read().decode()
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def _database_url(db: dict, name: str) -> str:
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{name}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
