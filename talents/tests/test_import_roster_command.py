import io

import pytest
from django.core.management import CommandError, call_command

from talents.models import ImportBatch, Talent
from talents.tests.roster_files import id_number, roster_bytes

pytestmark = pytest.mark.django_db

ID_1985 = id_number("51010419850301002")
GOOD_ROWS = [
    ["李梅", "女", "1985.03", "群众", "硕士", "引进人才", "省级", "青山中学", "13900001111", ID_1985],
    ["王五", "男", "1990年1月", "", "", "", "", "青山农业合作社", "", ""],
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_roster", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def roster_file(tmp_path, rows):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(roster_bytes(rows))
    return path


def test_imports_and_prints_the_counts(tmp_path, staff_a, township_a, work_unit_a):
    out, _err = run(roster_file(tmp_path, GOOD_ROWS), "--organization", "青山镇", "--user", "staff_a")
    assert "名册导入完成：新增2名人才，更新0名。" in out
    assert set(Talent.objects.values_list("name", flat=True)) == {"李梅", "王五"}
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.uploaded_by, batch.organization, batch.original_name) == (
        "done",
        staff_a,
        township_a,
        "名册.xlsx",
    )


def test_organization_may_be_given_by_id(tmp_path, staff_a, township_a):
    run(roster_file(tmp_path, GOOD_ROWS), "--organization", str(township_a.pk), "--user", "staff_a")
    assert Talent.objects.count() == 2


def test_bad_rows_print_one_line_each_and_exit_non_zero(tmp_path, staff_a, township_a):
    rows = [*GOOD_ROWS, ["", "", "", "", "", "", "", "青山中学"], ["赵六", "", "1978-13", "", "", "", "", "青山中学"]]
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_roster",
            str(roster_file(tmp_path, rows)),
            "--organization",
            "青山镇",
            "--user",
            "staff_a",
            stderr=err,
        )
    assert err.getvalue().splitlines() == ["第4行：缺少姓名", "第5行：出生日期“1978-13”不存在（月份或日期超出范围）"]
    assert str(caught.value) == "文件中有2行有误，未导入任何数据。"
    assert caught.value.returncode == 1
    assert not Talent.objects.exists()
    assert not ImportBatch.objects.exists()


def test_dry_run_writes_nothing(tmp_path, staff_a, township_a, talent_a):
    rows = [*GOOD_ROWS, ["张三", "", "", "", "", "", "", "青山农业合作社", "", talent_a.id_number]]
    out, _err = run(roster_file(tmp_path, rows), "--organization", "青山镇", "--user", "staff_a", "--dry-run")
    assert "试运行：将新增2名人才、更新1名，新建1个单位；未写入任何数据。" in out
    assert list(Talent.objects.all()) == [talent_a]
    assert not ImportBatch.objects.exists()


def test_bad_file_is_a_clear_error(tmp_path, staff_a, township_a):
    path = tmp_path / "名册.xlsx"
    path.write_text("姓名,所在单位\n张三,青山中学\n")
    with pytest.raises(CommandError, match=r"这不是 Excel \.xlsx 文件"):
        run(path, "--organization", "青山镇", "--user", "staff_a")


def test_missing_file_is_a_clear_error(tmp_path, staff_a, township_a):
    with pytest.raises(CommandError, match="无法打开"):
        run(tmp_path / "none.xlsx", "--organization", "青山镇", "--user", "staff_a")


def test_organization_outside_the_users_scope_is_refused(tmp_path, staff_a, township_b):
    with pytest.raises(CommandError, match="无权"):
        run(roster_file(tmp_path, GOOD_ROWS), "--organization", "绿水乡", "--user", "staff_a")
    assert not Talent.objects.exists()


def test_unknown_organization_is_refused(tmp_path, staff_a):
    with pytest.raises(CommandError, match="没有组织“红旗镇”"):
        run(roster_file(tmp_path, GOOD_ROWS), "--organization", "红旗镇", "--user", "staff_a")


def test_without_user_the_first_superuser_imports(tmp_path, township_a, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", password="Correct-horse-42")
    run(roster_file(tmp_path, GOOD_ROWS), "--organization", "青山镇")
    assert ImportBatch.objects.get().uploaded_by == admin


def test_without_user_or_superuser_the_command_stops(tmp_path, township_a):
    with pytest.raises(CommandError, match="--user"):
        run(roster_file(tmp_path, GOOD_ROWS), "--organization", "青山镇")
