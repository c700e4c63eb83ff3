import io

import pytest
from django.core.management import CommandError, call_command

from liaison.models import Pairing
from liaison.tests.import_files import pairings_bytes
from talents.models import ImportBatch

pytestmark = pytest.mark.django_db

GOOD_ROWS = [["1", "赵志刚", "", "", "张三", "510104197805121233", "", ""]]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def pairings_file(tmp_path, rows):
    path = tmp_path / "结对.xlsx"
    path.write_bytes(pairings_bytes(rows))
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_pairings", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_and_prints_the_count(tmp_path, staff_a, term_a, leader_a_record, talent_a):
    out, _err = run(pairings_file(tmp_path, GOOD_ROWS), "--term", str(term_a.pk), "--user", "staff_a")
    assert "结对导入完成：新增1对结对联系。" in out
    pairing = Pairing.objects.get()
    assert (pairing.term, pairing.leader, pairing.talent) == (term_a, leader_a_record, talent_a)
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.status, batch.uploaded_by, batch.organization, batch.original_name) == (
        "pairings",
        "done",
        staff_a,
        term_a.organization,
        "结对.xlsx",
    )


def test_bad_rows_print_one_line_each_and_exit_non_zero(tmp_path, staff_a, term_a, leader_a_record, talent_a):
    rows = [*GOOD_ROWS, ["2", "王大锤", "", "", "张三", "", "", ""], ["3", "赵志刚", "", "", "", "", "", ""]]
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_pairings", str(pairings_file(tmp_path, rows)), "--term", str(term_a.pk), "--user", "staff_a",
            stderr=err,
        )  # fmt: skip
    assert err.getvalue().splitlines() == [
        "第3行：联系领导“王大锤”既不是青山镇的联系领导，也不是其中具有联系领导角色的用户",
        "第4行：缺少联系人才",
    ]
    assert str(caught.value) == "文件中有2行有误，未导入任何数据。"
    assert caught.value.returncode == 1
    assert not Pairing.objects.exists()
    assert not ImportBatch.objects.exists()


def test_dry_run_writes_nothing(tmp_path, staff_a, term_a, leader_a_record, talent_a):
    out, _err = run(pairings_file(tmp_path, GOOD_ROWS), "--term", str(term_a.pk), "--user", "staff_a", "--dry-run")
    assert "试运行：将新增1对结对联系、登记0名联系领导；未写入任何数据。" in out
    assert not Pairing.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_term_outside_the_users_scope_is_refused(tmp_path, staff_b, term_a, leader_a_record, talent_a):
    with pytest.raises(CommandError) as caught:
        run(pairings_file(tmp_path, GOOD_ROWS), "--term", str(term_a.pk), "--user", "staff_b")
    assert str(caught.value) == "张伟无权向青山镇导入。"
    assert not Pairing.objects.exists()


def test_unknown_term_and_unreadable_file_are_refused(tmp_path, staff_a, term_a):
    with pytest.raises(CommandError) as caught:
        run(pairings_file(tmp_path, GOOD_ROWS), "--term", "999999", "--user", "staff_a")
    assert str(caught.value) == "没有编号为999999的联系周期。"
    text = tmp_path / "结对.csv"
    text.write_text("联系领导,联系人才\n")
    with pytest.raises(CommandError) as caught:
        run(text, "--term", str(term_a.pk), "--user", "staff_a")
    assert "这不是 Excel .xlsx 文件" in str(caught.value)
    assert not ImportBatch.objects.exists()
