import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from liaison.models import ContactLog
from liaison.tests.import_files import contacts_bytes
from talents.models import ImportBatch

pytestmark = pytest.mark.django_db

ROW = ["1", "2025-03-18", "赵志刚", "张三", "", "走访", "服务", "走访合作社，了解用工困难", "", "", ""]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def ledger_file(tmp_path, rows):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(contacts_bytes(rows))
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_contacts", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_without_crediting_the_importer(tmp_path, staff_a, township_a, pairing_a, leader_a_record):
    out, _err = run(ledger_file(tmp_path, [ROW]), "--organization", "青山镇", "--user", "staff_a")
    assert "联系台账导入完成：新增1条联系记录。" in out
    contact = ContactLog.objects.get()
    batch = ImportBatch.objects.get()
    assert (contact.leader, contact.date, contact.method.code) == (leader_a_record, datetime.date(2025, 3, 18), "visit")
    assert (contact.created_by, contact.import_batch) == (None, batch)
    assert (batch.kind, batch.status, batch.uploaded_by, batch.created_count) == ("contacts", "done", staff_a, 1)


def test_organization_may_be_given_by_id(tmp_path, staff_a, township_a, pairing_a):
    run(ledger_file(tmp_path, [ROW]), "--organization", str(township_a.pk), "--user", "staff_a")
    assert ContactLog.objects.count() == 1


def test_bad_rows_print_one_line_each_and_exit_non_zero(tmp_path, staff_a, township_a, pairing_a):
    rows = [ROW, [*ROW[:1], "2024-12-31", *ROW[2:]], [*ROW[:3], "王五", *ROW[4:]]]
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_contacts", str(ledger_file(tmp_path, rows)), "--organization", "青山镇", "--user", "staff_a",
            stderr=err,
        )  # fmt: skip
    assert err.getvalue().splitlines() == [
        "第3行：日期不在结对期间（2025-01-01 至 今）内",
        "第4行：您的人才库中没有名为王五的人才",
    ]
    assert str(caught.value) == "文件中有2行有误，未导入任何数据。"
    assert caught.value.returncode == 1
    assert not ContactLog.objects.exists()
    assert not ImportBatch.objects.exists()


def test_dry_run_writes_nothing(tmp_path, staff_a, township_a, pairing_a):
    out, _err = run(ledger_file(tmp_path, [ROW]), "--organization", "青山镇", "--user", "staff_a", "--dry-run")
    assert "试运行：将新增1条联系记录；未写入任何数据。" in out
    assert not ContactLog.objects.exists()
    assert not ImportBatch.objects.exists()


def test_an_organization_outside_the_users_scope_is_refused(tmp_path, staff_b, township_a, pairing_a):
    with pytest.raises(CommandError) as caught:
        run(ledger_file(tmp_path, [ROW]), "--organization", "青山镇", "--user", "staff_b")
    assert str(caught.value) == "张伟无权向青山镇导入。"
    assert not ContactLog.objects.exists()
