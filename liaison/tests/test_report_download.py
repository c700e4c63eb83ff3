"""Downloading the workbook: built at once when small, by a worker when large; files kept and scoped."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison import reports
from liaison.models import ReportFile
from liaison.tests.report_world import YEAR

pytestmark = pytest.mark.django_db
URL = reverse("liaison:report_download")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _book(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_small_report_downloads_at_once_and_is_kept(client, staff_a, world, township_a):
    client.force_login(staff_a)
    response = client.get(URL, {"organization": township_a.pk, "year": YEAR})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert _book(response).sheetnames[0] == "汇总"
    report_file = ReportFile.objects.get()
    assert (report_file.status, report_file.progress, report_file.created_by) == ("done", 100, staff_a)
    assert report_file.rows == 2 + 2 + 2 + 1 + 2 + 3 + 3  # data rows of the seven sheets written
    assert report_file.file.name.startswith("reports/")


def test_large_report_is_queued_and_the_page_polls(client, staff_a, world, township_a, monkeypatch,
                                                   django_capture_on_commit_callbacks):  # fmt: skip
    monkeypatch.setattr(reports, "SMALL_REPORT_ROWS", 3)
    queued = []
    monkeypatch.setattr("liaison.tasks.build_report_file.delay", queued.append)
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, {"organization": township_a.pk, "year": YEAR})
    report_file = ReportFile.objects.get()
    assert response.status_code == 302
    assert queued == [report_file.pk]
    status = client.get(reverse("liaison:report_file_status", args=[report_file.pk]))
    assert 'hx-trigger="every 2s"' in status.content.decode()
    reports.report_file_build(report_file=report_file)
    status = client.get(reverse("liaison:report_file_status", args=[report_file.pk]))
    assert reverse("liaison:report_file_download", args=[report_file.pk]) in status.content.decode()
    assert "every 2s" not in status.content.decode()
    download = client.get(reverse("liaison:report_file_download", args=[report_file.pk]))
    assert _book(download).sheetnames[-1] == "保障全景"


def test_building_twice_is_refused_by_the_claim(world, township_a):
    report_file = ReportFile.objects.create(organization=township_a, year=YEAR)
    reports.report_file_build(report_file=report_file)
    first = report_file.file.name
    reports.report_file_build(report_file=report_file)
    report_file.refresh_from_db()
    assert report_file.file.name == first


def test_garbage_year_falls_back_to_this_year(client, staff_a, world):
    client.force_login(staff_a)
    response = client.get(URL, {"year": "twenty"})
    assert response.status_code == 200
    assert ReportFile.objects.get().year == __import__("datetime").date.today().year


def test_anonymous_goes_to_login(client):
    assert "login" in client.get(URL).url


def test_outsider_gets_404(client, staff_b, world, township_a):
    client.force_login(staff_b)
    assert client.get(URL, {"organization": township_a.pk}).status_code == 404
    report_file = reports.report_file_create(organization=township_a, year=YEAR, user=None)
    assert client.get(reverse("liaison:report_file_download", args=[report_file.pk])).status_code == 404
    assert client.get(reverse("liaison:report_file_status", args=[report_file.pk])).status_code == 404


def test_leader_gets_403(client, leader_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_post_is_not_allowed(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_downloads_are_recorded_in_the_audit_trail(client, staff_a, world, township_a):
    from accounts.models import AuditEvent

    client.force_login(staff_a)
    client.get(URL, {"organization": township_a.pk, "year": YEAR})
    client.get(reverse("liaison:report_file_download", args=[ReportFile.objects.get().pk]))
    events = AuditEvent.objects.order_by("pk")
    assert [(e.actor, e.action, e.row_count) for e in events] == [(staff_a, "export", 15)] * 2
    assert str(YEAR) in events[0].target
