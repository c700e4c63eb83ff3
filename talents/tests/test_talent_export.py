import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db
URL = reverse("talents:talent_export")


def _rows(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(workbook.active.iter_rows(values_only=True))


def test_export_holds_the_filtered_list_masked(client, staff_a, talent_a, work_unit_a):
    TalentFactory(name="王五", work_unit=work_unit_a)
    client.force_login(staff_a)
    response = client.get(URL, {"q": "zs"})
    rows = _rows(response)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert rows[0][:2] == ("序号", "姓名")
    assert [r[1] for r in rows[1:]] == ["张三"]
    assert "138****5678" in rows[1] and "510***********1233" in rows[1]
    assert talent_a.id_number not in str(rows)


def test_formula_looking_text_stays_text(client, staff_a, work_unit_a):
    TalentFactory(name="赵六", work_unit=work_unit_a, post='=HYPERLINK("http://x")')
    client.force_login(staff_a)
    rows = _rows(client.get(URL))
    assert rows[1][11] == '\'=HYPERLINK("http://x")'


def test_export_is_scoped(client, staff_a, talent_a, talent_b):
    client.force_login(staff_a)
    assert "李四" not in str(_rows(client.get(URL)))


def test_leader_gets_403(client, leader_a, pairing_a):
    client.force_login(leader_a)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def test_post_is_405(client, staff_a):
    client.force_login(staff_a)
    assert client.post(URL).status_code == 405
