import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent
from talents.models import ExportApproval
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db


def _url(approval):
    return reverse("talents:export_download", args=[approval.pk])


def _rows(response):
    return list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_requester_downloads_the_filtered_list_unmasked_once(client, staff_a, approved_for_a, talent_a, work_unit_a):
    TalentFactory(name="王五", work_unit=work_unit_a)
    client.force_login(staff_a)
    response = client.post(_url(approved_for_a), REMOTE_ADDR="10.1.2.3")
    rows = _rows(response)
    assert [r[1] for r in rows[1:]] == ["张三"]
    assert "13812345678" in rows[1] and "510104197805121233" in rows[1]
    approved_for_a.refresh_from_db()
    assert (approved_for_a.status, approved_for_a.row_count) == ("used", 1)
    event = AuditEvent.objects.get()
    assert (event.action, event.row_count, event.remote_addr, event.success) == ("unmasked_export", 1, "10.1.2.3", True)
    assert "510104197805121233" not in event.detail + event.target


def test_a_second_download_is_refused_and_recorded(client, staff_a, approved_for_a, talent_a):
    client.force_login(staff_a)
    client.post(_url(approved_for_a))
    response = client.post(_url(approved_for_a))
    assert response.status_code == 302 and response.url == reverse("talents:export_request_list")
    assert list(AuditEvent.objects.order_by("pk").values_list("success", flat=True)) == [True, False]


def test_an_expired_approval_is_refused(client, staff_a, approved_for_a, talent_a):
    ExportApproval.objects.filter(pk=approved_for_a.pk).update(
        expires_at=approved_for_a.decided_at - datetime.timedelta(minutes=1)
    )
    client.force_login(staff_a)
    assert client.post(_url(approved_for_a)).status_code == 302
    approved_for_a.refresh_from_db()
    assert approved_for_a.status == "approved" and approved_for_a.downloaded_at is None


def test_a_pending_request_cannot_be_downloaded(client, staff_a, approved_for_a):
    ExportApproval.objects.filter(pk=approved_for_a.pk).update(status="pending", decided_by=None)
    client.force_login(staff_a)
    assert client.post(_url(approved_for_a)).status_code == 302
    assert AuditEvent.objects.get().success is False


def test_the_approver_gets_403(client, staff_a2, approved_for_a):
    client.force_login(staff_a2)
    assert client.post(_url(approved_for_a)).status_code == 403


def test_sibling_staff_get_404(client, staff_b, approved_for_a):
    client.force_login(staff_b)
    assert client.post(_url(approved_for_a)).status_code == 404


def test_liaison_officer_gets_403(client, liaison_a, approved_for_a):
    client.force_login(liaison_a)
    assert client.post(_url(approved_for_a)).status_code == 403


def test_anonymous_goes_to_login(client, approved_for_a):
    assert client.post(_url(approved_for_a)).url.startswith(reverse("accounts:login"))


def test_get_is_405(client, staff_a, approved_for_a):
    client.force_login(staff_a)
    assert client.get(_url(approved_for_a)).status_code == 405
