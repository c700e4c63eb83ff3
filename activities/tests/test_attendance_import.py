"""The sign-in sheet pages: upload, preview, confirm and the template."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.tests.sheets import row, sheet_bytes
from liaison.models import ContactLog
from talents.models import ImportBatch
from talents.tests.roster_files import upload

pytestmark = pytest.mark.django_db
TEMPLATE = reverse("activities:attendance_template")
GOOD = [row("张三", id_number="510104197805121233"), row("赵志刚", role="领导干部")]


def _upload_url(activity):
    return reverse("activities:attendance_import", args=[activity.pk])


def _batch(client, activity, rows=GOOD) -> ImportBatch:
    response = client.post(_upload_url(activity), {"file": upload(sheet_bytes(rows), "签到表.xlsx")})
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == reverse("activities:attendance_import_preview", args=[activity.pk, batch.pk])
    return batch


def _confirm_url(activity, batch):
    return reverse("activities:attendance_import_confirm", args=[activity.pk, batch.pk])


def test_upload_preview_confirm_adds_everyone_and_counts_the_pair(client, staff_a, activity_a, pairing_a):
    client.force_login(staff_a)
    batch = _batch(client, activity_a)
    preview = client.get(reverse("activities:attendance_import_preview", args=[activity_a.pk, batch.pk]))
    assert preview.status_code == 200 and preview.context["review"].errors == []
    assert (preview.context["review"].new_talents, preview.context["review"].new_leaders) == (1, 1)
    response = client.post(_confirm_url(activity_a, batch))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.kind, batch.created_count) == ("done", "attendance", 2)
    assert ContactLog.objects.filter(activity=activity_a, pairing=pairing_a).count() == 1


def test_confirming_twice_or_reimporting_adds_nobody_twice(client, staff_a, activity_a, pairing_a):
    client.force_login(staff_a)
    first = _batch(client, activity_a)
    client.post(_confirm_url(activity_a, first))
    client.post(_confirm_url(activity_a, first))
    second = _batch(client, activity_a)
    client.post(_confirm_url(activity_a, second))
    second.refresh_from_db()
    assert second.created_count == 0
    assert (activity_a.talents.count(), activity_a.leaders.count()) == (1, 1)
    assert ContactLog.objects.filter(activity=activity_a).count() == 1


def test_bad_rows_are_listed_and_nothing_is_imported(client, staff_a, activity_a, talent_a):
    client.force_login(staff_a)
    batch = _batch(client, activity_a, [row("张三"), row("查无此人")])
    preview = client.get(reverse("activities:attendance_import_preview", args=[activity_a.pk, batch.pk]))
    assert batch.status == "rejected" and [e.row_number for e in preview.context["review"].errors] == [4]
    assert "查无此人" in preview.content.decode()
    client.post(_confirm_url(activity_a, batch))
    assert activity_a.talents.count() == 0


def test_a_file_that_is_not_excel_is_shown_again_with_a_message(client, staff_a, activity_a):
    client.force_login(staff_a)
    response = client.post(_upload_url(activity_a), {"file": upload(b"%PDF-1.4 not a sheet", "签到表.xlsx")})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_template_is_a_workbook_with_the_columns(client, staff_a):
    client.force_login(staff_a)
    response = client.get(TEMPLATE)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert response.status_code == 200
    assert len([cell for cell in sheet[2] if cell.value]) == 5


def test_anonymous_goes_to_login(client, activity_a):
    for url in (_upload_url(activity_a), TEMPLATE):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_a, staff_b, activity_a):
    client.force_login(staff_a)
    batch = _batch(client, activity_a)
    client.force_login(staff_b)
    assert client.get(_upload_url(activity_a)).status_code == 404
    assert client.post(_confirm_url(activity_a, batch)).status_code == 404
    assert activity_a.talents.count() == 0


def test_leader_gets_403(client, leader_a, together_a):
    client.force_login(leader_a)
    assert client.get(_upload_url(together_a)).status_code == 403
    assert client.get(TEMPLATE).status_code == 403


def test_wrong_methods_are_405(client, staff_a, activity_a):
    client.force_login(staff_a)
    batch = _batch(client, activity_a)
    assert client.get(_confirm_url(activity_a, batch)).status_code == 405
    assert (
        client.post(reverse("activities:attendance_import_preview", args=[activity_a.pk, batch.pk])).status_code == 405
    )
    assert client.post(TEMPLATE).status_code == 405
