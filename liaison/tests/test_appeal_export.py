import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from liaison.models import Appeal
from liaison.tests.factories import appeal_at

pytestmark = pytest.mark.django_db
URL = reverse("liaison:appeal_export")
COLUMNS = ("序号", "受理日期", "人才姓名", "所在单位", "诉求类别", "诉求内容", "来源", "紧急程度", "牵头单位", "承办人",
           "协办单位", "针对性措施", "办理时限", "办理结果", "满意度", "状态", "是否超期")  # fmt: skip


def _rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def test_export_has_the_ledger_columns_in_order(client, staff_a, talent_a, liaison_a, handler_a):
    appeal = appeal_at(Appeal.Status.IN_PROGRESS, talent=talent_a, created_by=liaison_a, handler=handler_a,
                       urgency="urgent", co_units="街道办", measures="协调学位")  # fmt: skip
    Appeal.objects.filter(pk=appeal.pk).update(deadline=datetime.date(2020, 1, 1))
    client.force_login(staff_a)
    response = client.get(URL)
    rows = _rows(response)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert rows[0] == COLUMNS
    assert rows[1] == (
        1, datetime.datetime(2026, 3, 2), "张三", "青山农业合作社", "子女入学", "子女明年秋季入学，希望协调就近学位",
        "联络员登记", "紧急", "教育局", "王明", "街道办", "协调学位", datetime.datetime(2020, 1, 1), None, None,
        "办理中", "是",
    )  # fmt: skip


def test_export_follows_the_filters_and_the_scope(client, staff_a, talent_a, talent_b, liaison_a):
    appeal_at(Appeal.Status.REGISTERED, talent=talent_a, created_by=liaison_a)
    appeal_at(Appeal.Status.CLOSED, talent=talent_a, created_by=liaison_a, satisfaction="satisfied")
    appeal_at(Appeal.Status.REGISTERED, talent=talent_b, created_by=liaison_a)
    client.force_login(staff_a)
    rows = _rows(client.get(URL, {"status": "closed"}))
    assert [(r[2], r[14], r[15], r[16]) for r in rows[1:]] == [("张三", "满意", "已销号", "否")]
    assert "李四" not in str(_rows(client.get(URL)))


def test_formula_looking_text_stays_text(client, liaison_a, talent_a):
    appeal_at(Appeal.Status.REGISTERED, talent=talent_a, created_by=liaison_a, description='=HYPERLINK("http://x")')
    client.force_login(liaison_a)
    assert _rows(client.get(URL))[1][5] == '\'=HYPERLINK("http://x")'


def test_leader_gets_403(client, leader_a, pairing_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405


def test_export_is_recorded_in_the_audit_trail(client, liaison_a, appeal_a):
    from accounts.models import AuditEvent

    client.force_login(liaison_a)
    b"".join(client.get(URL, REMOTE_ADDR="10.4.4.4").streaming_content)
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.row_count, event.remote_addr) == (liaison_a, "export", 1, "10.4.4.4")
