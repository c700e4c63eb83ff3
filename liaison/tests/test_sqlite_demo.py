"""The sweeps' and the annual report's SQL also run on SQLite, which `make run` uses for the demo.

The must-visit hook runs on a click; the report is built when staff ask for it.
"""

import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import datetime
from accounts.models import User
from liaison import sweeps
from liaison.models import Notification, Pairing, VisitTask
from talents.models import MajorEvent

pairing = Pairing.objects.filter(end__isnull=True).first()
event = MajorEvent.objects.create(talent=pairing.talent, kind="health", date=datetime.date(2026, 11, 20),
                                  description="住院", reported_by=User.objects.first())
assert sweeps.must_visits_for_event(event) >= 1
task = VisitTask.objects.get(major_event=event, pairing=pairing)
assert (task.window_start, task.due_date) == (datetime.date(2026, 11, 20), datetime.date(2026, 11, 27)), task
for day in ["2026-07-01", "2026-12-15", "2026-12-27", "2027-01-03", "2027-01-20"]:
    first = sweeps.run_day(datetime.date.fromisoformat(day))
    again = sweeps.run_day(datetime.date.fromisoformat(day))
    assert not any(again.values()), (day, again)
holiday = VisitTask.objects.filter(kind="holiday").first()
assert holiday.due_date - holiday.window_start == datetime.timedelta(days=7), holiday
assert Notification.objects.filter(kind="contact_reminder").exists()
assert Notification.objects.filter(kind="appeal_overdue").exists() or Notification.objects.filter(
    kind="visit_overdue").exists()
from liaison.tests.test_pairing_tally import kept, live
assert kept() == live() != {}, "the kept pairing counts"
from talents.tests.test_talent_tally import kept as talents_kept, recounted as talents_recounted
assert talents_kept() == talents_recounted() != {}, "the kept talent counts"
from maps.tests.test_support_tally import kept as support_kept, recounted as support_recounted
assert support_kept() == support_recounted() != {}, "the kept support counts"
from liaison.tests.test_visit_task_tally import counted as visits_kept, recounted as visits_recounted
assert visits_kept() == visits_recounted() != {}, "the kept visit task counts"
from talents.tests.test_talent_subtree_tally import kept as subtree_kept, recounted as subtree_recounted
assert subtree_kept() == subtree_recounted() != {}, "the kept talent counts of subtrees"
from accounts.models import Organization
from liaison import reports
from talents.excel import write_workbook

root = Organization.objects.order_by("depth", "path").first()
sheets = reports.report_sheets(root, 2026, datetime.date(2026, 11, 21))
write_workbook(TARGET, sheets)
print("sqlite sweeps ok")
"""


def test_the_sweeps_and_the_report_run_on_the_sqlite_demo(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    check = CHECK.replace("TARGET", repr(str(tmp_path / "report.xlsx")))
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo"], ["shell", "-c", check]):
        result = subprocess.run(  # noqa: S603  (our own manage.py)
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "sqlite sweeps ok" in result.stdout
    assert load_workbook(tmp_path / "report.xlsx", read_only=True).sheetnames
