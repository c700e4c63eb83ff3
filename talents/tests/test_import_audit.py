"""Every import, from the browser or a command, done or failed, is in the audit trail (issue 9, item 4)."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AuditEvent
from talents.models import ImportBatch
from talents.tests.roster_files import id_number, roster_bytes, upload

pytestmark = pytest.mark.django_db
ID_1985 = id_number("51010419850301002")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, organization, rows) -> ImportBatch:
    client.post(reverse("talents:roster_import"), {"organization": organization.pk, "file": upload(roster_bytes(rows))})
    return ImportBatch.objects.latest("pk")


def test_a_confirmed_import_is_recorded(client, staff_a, township_a):
    client.force_login(staff_a)
    batch = _upload(client, township_a, [["李梅", "女", "", "", "", "", "", "青山中学", "13900001111", ID_1985]])
    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]), REMOTE_ADDR="10.5.5.5")
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.row_count, event.success) == (staff_a, "import", 1, True)
    assert event.remote_addr == "10.5.5.5" and str(batch.pk) in event.target
    assert ID_1985 not in event.target + event.detail and "13900001111" not in event.detail


def test_a_failed_import_is_recorded_without_the_reason(client, staff_a, township_a, talent_b):
    client.force_login(staff_a)
    # The row names a talent of township B: refused at confirmation, and the message quotes no number.
    batch = _upload(client, township_a, [["李四", "", "", "", "", "", "", "青山中学", "", talent_b.id_number]])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.PENDING)
    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]))
    event = AuditEvent.objects.get()
    assert (event.action, event.success, event.detail) == ("import", False, "")


def test_a_command_import_is_recorded(staff_a, township_a, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(roster_bytes([["李梅", "女", "", "", "", "", "", "青山中学", "", ID_1985]]))
    call_command("import_roster", str(path), organization="青山镇", user="staff_a", stdout=None)
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.row_count, event.detail) == (staff_a, "import", 1, "manage.py")


def test_a_refused_command_import_is_not_an_import(staff_a, township_a, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(roster_bytes([["", "女", "", "", "", "", "", "青山中学", "", ""]]))
    with pytest.raises(CommandError):
        call_command("import_roster", str(path), organization="青山镇", user="staff_a", stdout=None, stderr=None)
    assert not AuditEvent.objects.exists()  # bad rows stop it before anything is imported
