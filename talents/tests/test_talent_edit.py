import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from talents.models import PersonalDataAccess
from talents.tests.test_talent_add import _data

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("talents:talent_edit", args=[talent.pk])


def test_staff_edit_and_history_records_who_changed_what(client, staff_a, talent_a, work_unit_a):
    client.force_login(staff_a)
    response = client.post(_url(talent_a), _data(work_unit_a, name="张三", post="合作社理事长"))
    talent_a.refresh_from_db()
    assert response.status_code == 302
    assert talent_a.post == "合作社理事长"
    entry = LogEntry.objects.get_for_object(talent_a).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == staff_a
    assert "post" in entry.changes_dict
    # Personal numbers never appear whole in the history.
    assert "11010519491231002X" not in str(entry.changes)


def test_opening_the_form_is_a_recorded_view(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    response = client.get(_url(talent_a))
    assert talent_a.id_number in response.content.decode()
    assert PersonalDataAccess.objects.get().purpose == "edit"


def test_invalid_form_keeps_the_record(client, staff_a, talent_a, work_unit_a):
    client.force_login(staff_a)
    response = client.post(_url(talent_a), _data(work_unit_a, name="", email="not-an-email"))
    talent_a.refresh_from_db()
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    assert talent_a.name == "张三"


def test_paired_leader_gets_403(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    assert client.get(_url(talent_a)).status_code == 403


def test_sibling_staff_get_404(client, staff_b, talent_a, work_unit_a):
    client.force_login(staff_b)
    assert client.post(_url(talent_a), _data(work_unit_a)).status_code == 404


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url(talent_a)).status_code == 302


def test_delete_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.delete(_url(talent_a)).status_code == 405
