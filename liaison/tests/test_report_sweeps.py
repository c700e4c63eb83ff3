"""The December sweeps: report reminders once per organization and year, workbooks pre-built once."""

import datetime

import pytest

from liaison.models import AnnualReport, Notification, ReportFile
from liaison.sweeps import SWEEPS, run_day

pytestmark = pytest.mark.django_db


def test_prebuild_makes_one_file_per_staffed_organization_however_often_it_runs(world, county, township_a, township_b):
    run_day(datetime.date(2026, 12, 20), ["report_prebuild"])
    run_day(datetime.date(2026, 12, 21), ["report_prebuild"])
    files = ReportFile.objects.filter(year=2026, created_by=None)
    assert sorted(files.values_list("organization__name", flat=True)) == ["示范县", "绿水乡", "青山镇"]


def test_prebuild_waits_for_the_reminder_date(world):
    assert run_day(datetime.date(2026, 12, 19), ["report_prebuild"]) == {"report_prebuild": 0}
    assert run_day(datetime.date(2026, 11, 25), ["report_prebuild"]) == {"report_prebuild": 0}
    assert not ReportFile.objects.exists()


def test_reminders_go_to_townships_not_yet_submitted_once(world, township_a, staff_a, staff_b, county_staff):
    AnnualReport.objects.create(organization=township_a, year=2026, status=AnnualReport.Status.SUBMITTED)
    assert run_day(datetime.date(2026, 12, 20), ["report_reminders"]) == {"report_reminders": 1}
    assert run_day(datetime.date(2026, 12, 20), ["report_reminders"]) == {"report_reminders": 0}
    note = Notification.objects.get(kind="report")
    assert note.recipient == staff_b
    assert "绿水乡" in note.title


def test_both_sweeps_are_registered():
    assert {"report_reminders", "report_prebuild"} <= set(SWEEPS)
