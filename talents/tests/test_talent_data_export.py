import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent
from talents.tests.factories import MajorEventFactory

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("talents:talent_data_export", args=[talent.pk])


def _sheets(response) -> dict:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def test_staff_get_everything_about_the_talent_in_one_file(client, staff_a, talent_a, pairing_a, appeal_a, liaison_a):
    talent_a.notes = "家属长期患病"
    talent_a.save()
    MajorEventFactory(talent=talent_a, reported_by=liaison_a, kind="family", description="配偶重病住院")
    client.force_login(staff_a)
    response = client.get(_url(talent_a), REMOTE_ADDR="10.9.8.7")
    sheets = _sheets(response)
    assert len(sheets) == 4
    profile, events, records, _accesses = sheets.values()
    assert profile[1][1] == "张三"
    text = str(profile)
    assert "510104197805121233" in text and "13812345678" in text and "家属长期患病" in text
    assert "配偶重病住院" in str(events)
    assert len(records) > 2  # the pairing and the appeal, added by liaison's timeline providers
    assert any(row[0] is not None and "赵志刚" in str(row) for row in records[1:])
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.remote_addr, event.success) == (
        staff_a, "talent_data_export", "10.9.8.7", True)  # fmt: skip
    assert str(talent_a.pk) in event.target and "张三" not in event.target + event.detail
    assert event.row_count > 20


def test_liaison_officer_gets_403(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    assert client.get(_url(talent_a)).status_code == 403
    assert not AuditEvent.objects.exists()


def test_leader_gets_403(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    assert client.get(_url(talent_a)).status_code == 403


def test_sibling_staff_get_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.get(_url(talent_a)).status_code == 404


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url(talent_a)).url.startswith(reverse("accounts:login"))


def test_post_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.post(_url(talent_a)).status_code == 405
