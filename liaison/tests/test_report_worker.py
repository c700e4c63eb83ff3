"""A large workbook built by a real Celery worker through Redis, its progress kept on the ReportFile."""

import io
import time

import pytest
from openpyxl import load_workbook

from liaison.models import ReportFile
from liaison.tasks import build_report_file

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_worker_builds_the_workbook_and_records_it(celery_worker_process, world, township_a, settings):
    report_file = ReportFile.objects.create(organization=township_a, year=2026)
    result = build_report_file.apply_async(args=[report_file.pk], queue=celery_worker_process)
    assert result.get(timeout=120) == "done"
    report_file.refresh_from_db()
    assert (report_file.status, report_file.progress) == ("done", 100)
    with report_file.file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert book["汇总"]["B4"].value == 1  # 合计: leaders
    # A redelivered message finds it claimed and builds nothing again.
    assert build_report_file.apply_async(args=[report_file.pk], queue=celery_worker_process).get(timeout=60) == "done"
    time.sleep(0.1)
    assert ReportFile.objects.get(pk=report_file.pk).file.name == report_file.file.name
    report_file.file.delete(save=False)
