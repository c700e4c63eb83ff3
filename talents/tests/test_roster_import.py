import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from talents.models import ImportBatch, Talent, WorkUnit
from talents.tests.import_pages import (
    assert_forbidden,
    assert_login_required,
    assert_wrong_methods_refused,
    import_urls,
)
from talents.tests.roster_files import decompression_bomb, id_number, roster_bytes, upload

pytestmark = pytest.mark.django_db

ID_1985 = id_number("51010419850301002")
GOOD_ROWS = [
    ["李梅", "女", "1985.03", "群众", "硕士", "引进人才", "省级", "青山中学", "13900001111", ID_1985],
    ["王五", "男", "1990年1月", "", "", "", "", "青山农业合作社", "", ""],
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def post_roster(client, organization, content, name="名册.xlsx"):
    data = {"organization": organization.pk, "file": upload(content, name)}
    return client.post(reverse("talents:roster_import"), data)


def uploaded(client, organization, rows) -> ImportBatch:
    response = post_roster(client, organization, roster_bytes(rows))
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == reverse("talents:roster_import_preview", args=[batch.pk])
    return batch


def test_upload_preview_confirm_imports_the_roster(client, staff_a, township_a, work_unit_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, GOOD_ROWS)
    assert batch.status == "pending"
    assert not Talent.objects.exists()

    preview = client.get(reverse("talents:roster_import_preview", args=[batch.pk])).content.decode()
    assert "确认导入" in preview
    assert "李梅" in preview and "青山中学" in preview
    assert ID_1985 not in preview  # ID numbers are masked in the preview

    response = client.post(reverse("talents:roster_import_confirm", args=[batch.pk]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("talents:talent_list")
    assert "名册导入完成：新增2名人才，更新0名。" in response.content.decode()
    assert set(Talent.objects.values_list("name", flat=True)) == {"李梅", "王五"}
    assert Talent.objects.get(name="王五").work_unit == work_unit_a
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.uploaded_by) == ("done", 2, staff_a)
    assert batch.file.name.startswith("imports/")


def test_get_shows_the_form_limited_to_the_users_organizations(client, staff_a, township_a, village_a, township_b):
    client.force_login(staff_a)
    body = client.get(reverse("talents:roster_import")).content.decode()
    assert "青山镇" in body and "青山村" in body
    assert "绿水乡" not in body
    assert reverse("talents:roster_template") in body


def test_organization_outside_scope_is_refused_by_the_form(client, staff_a, township_b):
    client.force_login(staff_a)
    response = post_roster(client, township_b, roster_bytes(GOOD_ROWS))
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,unit\n", "这不是 Excel .xlsx 文件"),
        (b"", "所提交的是空文件。"),
        (roster_bytes([["张三", "男"]], header=["姓名", "性别"]), "表头缺少“所在单位”列。"),
        (b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024), "文件超过 10 MB。"),
    ],
)
def test_bad_file_is_rerendered_with_its_message_and_writes_nothing(client, staff_a, township_a, content, message):
    client.force_login(staff_a)
    response = post_roster(client, township_a, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_decompression_bomb_is_refused(client, staff_a, township_a, tmp_path):
    client.force_login(staff_a)
    path = tmp_path / "bomb.xlsx"
    decompression_bomb(path)
    response = post_roster(client, township_a, path.read_bytes())
    assert response.status_code == 200
    assert "文件解压后体积异常，已拒绝。" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_one_bad_row_shows_every_reason_and_nothing_can_be_imported(client, staff_a, township_a):
    client.force_login(staff_a)
    rows = [*GOOD_ROWS, ["", "", "1978-13", "", "", "科幻人才", "", "青山中学"]]
    batch = uploaded(client, township_a, rows)
    assert batch.status == "rejected"

    preview = client.get(reverse("talents:roster_import_preview", args=[batch.pk])).content.decode()
    assert "第4行：缺少姓名" in preview
    assert "出生日期“1978-13”不存在" in preview
    assert "人才类别“科幻人才”不存在或已停用" in preview
    assert "确认导入" not in preview

    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]))
    assert not Talent.objects.exists()
    assert not WorkUnit.objects.filter(name="青山中学").exists()


def test_reimport_updates_in_place(client, staff_a, township_a, talent_a):
    client.force_login(staff_a)
    batch = uploaded(
        client, township_a, [["张三", "", "", "", "", "", "市级", "青山农业合作社", "", talent_a.id_number]]
    )
    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]))
    talent_a.refresh_from_db()
    assert talent_a.level == "city"
    assert Talent.objects.count() == 1


def test_id_registered_outside_scope_is_a_bad_row_that_names_no_one(client, staff_a, township_a, talent_b):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, [["李四", "", "", "", "", "", "", "青山中学", "", talent_b.id_number]])
    preview = client.get(reverse("talents:roster_import_preview", args=[batch.pk])).content.decode()
    assert "第2行：该身份证号码已登记在其他单位的人才库中" in preview
    assert "绿水" not in preview
    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]))
    talent_b.refresh_from_db()
    assert talent_b.work_unit.name == "绿水中学"


def test_confirm_twice_imports_once(client, staff_a, township_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, GOOD_ROWS)
    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]))
    response = client.post(reverse("talents:roster_import_confirm", args=[batch.pk]), follow=True)
    assert "该文件已经导入。" in response.content.decode()
    assert Talent.objects.count() == 2


def test_done_batch_preview_shows_the_counts(client, staff_a, township_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, GOOD_ROWS)
    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]))
    body = client.get(reverse("talents:roster_import_preview", args=[batch.pk])).content.decode()
    assert "新增2名人才，更新0名" in body
    assert "确认导入" not in body


def test_lost_file_is_reported_not_a_500(client, staff_a, township_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, GOOD_ROWS)
    batch.file.storage.delete(batch.file.name)
    preview = client.get(reverse("talents:roster_import_preview", args=[batch.pk]))
    assert preview.status_code == 200
    assert "上传的文件已不存在，请重新上传。" in preview.content.decode()
    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]))
    assert not Talent.objects.exists()


def test_template_download_is_a_workbook_with_title_header_and_example(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("talents:roster_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("人才名册")
    assert rows[1][:3] == ("姓名*", "性别", "出生日期")
    assert rows[2][0] == "王小明"


def test_sibling_staff_get_404_for_the_batch(client, staff_a, staff_b, township_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, GOOD_ROWS)
    client.force_login(staff_b)
    assert client.get(reverse("talents:roster_import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("talents:roster_import_confirm", args=[batch.pk])).status_code == 404
    assert not Talent.objects.exists()


def test_other_staff_of_the_same_scope_may_confirm(client, staff_a, county_staff, township_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, GOOD_ROWS)
    client.force_login(county_staff)
    client.post(reverse("talents:roster_import_confirm", args=[batch.pk]))
    assert Talent.objects.count() == 2


@pytest.mark.parametrize("persona", ["leader_a", "liaison_a"])
def test_leader_and_liaison_get_403(client, request, persona, staff_a, township_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, GOOD_ROWS)
    client.force_login(request.getfixturevalue(persona))
    assert_forbidden(client, import_urls("talents:roster", batch.pk))
    assert post_roster(client, township_a, roster_bytes(GOOD_ROWS)).status_code == 403
    assert not Talent.objects.exists()


def test_anonymous_goes_to_login(client):
    assert_login_required(client, import_urls("talents:roster"))


def test_wrong_methods_get_405(client, staff_a):
    client.force_login(staff_a)
    assert_wrong_methods_refused(client, import_urls("talents:roster"))
