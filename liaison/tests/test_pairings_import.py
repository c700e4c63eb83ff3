import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import MembershipFactory, UserFactory
from liaison.imports import pairings_review, parse_pairings
from liaison.models import Leader, Pairing
from liaison.services import pairings_import
from liaison.tests.factories import LeaderFactory, PairingFactory, TermFactory
from liaison.tests.import_files import pairings_bytes
from talents.excel import UnsafeWorkbook
from talents.models import ImportBatch, Talent
from talents.tests.factories import TalentFactory, WorkUnitFactory, make_id_number
from talents.tests.import_pages import (
    assert_forbidden,
    assert_login_required,
    assert_wrong_methods_refused,
    import_urls,
)
from talents.tests.roster_files import decompression_bomb, upload

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
ID_LI = make_id_number(datetime.date(1985, 3, 1), male=False)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def li_mei(work_unit_a):
    return TalentFactory(name="李梅", work_unit=work_unit_a, id_number=ID_LI)


@pytest.fixture
def newcomer(township_a):
    """孙丽华 holds the leader role in township A but is not registered as a leader yet."""
    user = UserFactory(username="sun_lihua", name="孙丽华")
    MembershipFactory(user=user, organization=township_a, role="leader")
    return user


def parse(rows, **kwargs):
    return parse_pairings(io.BytesIO(pairings_bytes(rows, **kwargs)), today=TODAY)


def problems(rows, *, term, user, **kwargs) -> list[str]:
    review = pairings_review(result=parse(rows, **kwargs), term=term, user=user)
    return [error.message for error in review.errors]


def new_batch(term, user):
    return ImportBatch.objects.create(
        kind=ImportBatch.Kind.PAIRINGS, organization=term.organization, original_name="结对.xlsx", uploaded_by=user
    )


# --- reading ----------------------------------------------------------------------------------


def test_clean_file_gives_one_row_per_pairing():
    result = parse(
        [
            [1, "赵志刚", "党委书记", "全面工作", "张三", "510104197805121233", "青山农业合作社", "2025-03-01"],
            [2, "赵志刚", "", "", "李梅", "", "青山农业合作社", ""],
        ]
    )
    assert result.errors == []
    first, second = result.rows
    assert (first.row_number, first.values["leader"], first.values["talent"]) == (2, "赵志刚", "张三")
    assert first.values["start"] == datetime.date(2025, 3, 1)
    assert (first.values["post"], first.values["portfolio"]) == ("党委书记", "全面工作")
    assert second.values == {"leader": "赵志刚", "talent": "李梅", "work_unit": "青山农业合作社"}


def test_messy_file_with_title_rows_and_header_variants_is_read():
    header = ["序 号", "班子成员", "现任职务（职级）", "分管工作", "联系对象", "公民身份号码", "工作单位", "结对时间"]
    rows = [
        [1, "赵  志刚", "党委书记", "", "张 三", "11010519780512003x", "", datetime.datetime(2025, 3, 1)],
        [],
        ["2", " 赵志刚 ", "", "", "李梅", "", "", "2025.3"],
        [3],  # only its 序号: a blank row
    ]
    result = parse(rows, header=header, titles=["青山镇领导干部联系服务人才结对表", "填报单位：青山镇党委"])
    assert result.errors == []
    assert result.header_row == 3
    first, second = result.rows
    assert (first.row_number, first.values["leader"], first.values["talent"]) == (4, "赵志刚", "张三")
    assert first.values["id_number"] == "11010519780512003X"
    assert first.values["start"] == datetime.date(2025, 3, 1)
    assert (second.row_number, second.values["leader"], second.values["start"]) == (
        6,
        "赵志刚",
        datetime.date(2025, 3, 1),
    )


def test_every_problem_of_a_row_is_in_its_one_message():
    result = parse(
        [
            ["1", "", "", "", "张三", "510104197805121234", "", "2025-13-01"],
            ["2", "赵志刚", "", "", "", "", "", ""],
        ]
    )
    assert [error.message for error in result.errors] == [
        "第2行：缺少联系领导；开始日期“2025-13-01”不存在（月份或日期超出范围）；身份证号码校验位错误",
        "第3行：缺少联系人才",
    ]


def test_header_without_the_talent_column_is_refused():
    with pytest.raises(UnsafeWorkbook) as caught:
        parse([["赵志刚", "党委书记"]], header=["联系领导", "职务"])
    assert str(caught.value) == "表头缺少“联系人才”列。"


def test_text_file_is_refused():
    with pytest.raises(UnsafeWorkbook) as caught:
        parse_pairings(io.BytesIO("联系领导,联系人才\n".encode()), today=TODAY)
    assert "这不是 Excel .xlsx 文件" in str(caught.value)


# --- matching and the pairing rules -----------------------------------------------------------


def test_review_matches_leader_by_name_and_talent_by_id_or_name_and_unit(
    staff_a, term_a, leader_a_record, talent_a, li_mei
):
    rows = [
        ["1", "赵志刚", "", "", "张三", talent_a.id_number, "", ""],
        ["2", "赵志刚", "", "", "李梅", "", "青山农业合作社", ""],
    ]
    review = pairings_review(result=parse(rows), term=term_a, user=staff_a)
    assert review.errors == []
    assert [(row.leader, row.talent) for row in review.rows] == [(leader_a_record, talent_a), (leader_a_record, li_mei)]
    assert review.new_leaders == []


def test_unknown_leader_is_a_bad_row(staff_a, term_a, talent_a):
    assert problems([["1", "王大锤", "", "", "张三", "", "", ""]], term=term_a, user=staff_a) == [
        "第2行：联系领导“王大锤”既不是青山镇的联系领导，也不是其中具有联系领导角色的用户"
    ]


def test_leader_of_a_sibling_township_is_not_found(staff_a, term_a, talent_a, township_b):
    LeaderFactory(user=UserFactory(name="周明"), organization=township_b)
    assert problems([["1", "周明", "", "", "张三", "", "", ""]], term=term_a, user=staff_a) == [
        "第2行：联系领导“周明”既不是青山镇的联系领导，也不是其中具有联系领导角色的用户"
    ]


def test_namesake_leaders_need_the_account(staff_a, term_a, leader_a_record, talent_a, village_a):
    namesake = LeaderFactory(user=UserFactory(username="zhao2", name="赵志刚"), organization=village_a)
    header = ["联系领导", "领导账号", "联系人才", "身份证号码"]
    assert problems([["赵志刚", "", "张三", talent_a.id_number]], term=term_a, user=staff_a, header=header) == [
        "第2行：青山镇有2名联系领导名叫赵志刚，请填写“领导账号”列"
    ]
    review = pairings_review(
        result=parse([["赵志刚", "zhao2", "张三", talent_a.id_number]], header=header), term=term_a, user=staff_a
    )
    assert [row.leader for row in review.rows] == [namesake]


def test_account_of_another_person_is_refused(staff_a, term_a, leader_a_record, talent_a):
    header = ["联系领导", "领导账号", "联系人才", "身份证号码"]
    result = parse([["孙丽华", "leader_a", "张三", talent_a.id_number]], header=header)
    review = pairings_review(result=result, term=term_a, user=staff_a)
    assert [error.message for error in review.errors] == ["第2行：账号“leader_a”属于赵志刚，不是孙丽华"]


def test_user_with_the_leader_role_is_registered_with_the_post_of_the_row(staff_a, term_a, talent_a, li_mei, newcomer):
    rows = [
        ["1", "孙丽华", "", "", "张三", talent_a.id_number, "", ""],
        ["2", "孙丽华", "党委副书记", "组织工作", "李梅", ID_LI, "", ""],
    ]
    review = pairings_review(result=parse(rows), term=term_a, user=staff_a)
    assert review.errors == []
    (leader,) = review.new_leaders
    assert (leader.pk, leader.user, leader.post, leader.portfolio) == (None, newcomer, "党委副书记", "组织工作")
    assert review.rows[0].leader is review.rows[1].leader is leader


def test_leader_to_register_without_a_post_is_a_bad_row(staff_a, term_a, talent_a, newcomer):
    assert problems([["1", "孙丽华", "", "", "张三", "", "", ""]], term=term_a, user=staff_a) == [
        "第2行：缺少职务：孙丽华尚未登记为联系领导，需要填写职务"
    ]


def test_talent_outside_the_users_scope_is_not_found_and_not_located(staff_a, term_a, leader_a_record, talent_b):
    assert problems([["1", "赵志刚", "", "", "李四", talent_b.id_number, "", ""]], term=term_a, user=staff_a) == [
        "第2行：您的人才库中没有该身份证号码的人才"
    ]


def test_unknown_talent_name_is_a_bad_row(staff_a, term_a, leader_a_record, talent_a):
    assert problems([["1", "赵志刚", "", "", "张三", "", "青山中学", ""]], term=term_a, user=staff_a) == [
        "第2行：您的人才库中没有名为张三（青山中学）的人才"
    ]


def test_namesake_talents_need_the_id_or_the_unit(staff_a, term_a, leader_a_record, talent_a, village_a):
    TalentFactory(name="张三", work_unit=WorkUnitFactory(name="青山小学", organization=village_a))
    assert problems([["1", "赵志刚", "", "", "张三", "", "", ""]], term=term_a, user=staff_a) == [
        "第2行：有2名人才名叫张三，请填写身份证号码或所在单位"
    ]
    assert problems([["1", "赵志刚", "", "", "张三", "", "青山农业合作社", ""]], term=term_a, user=staff_a) == []


def test_id_number_of_another_talent_is_refused(staff_a, term_a, leader_a_record, talent_a):
    assert problems([["1", "赵志刚", "", "", "李梅", talent_a.id_number, "", ""]], term=term_a, user=staff_a) == [
        "第2行：该身份证号码属于张三，不是李梅"
    ]


def test_pairing_rules_are_those_of_pairing_create(staff_a, term_a, leader_a_record, pairing_a, li_mei, work_unit_a):
    archived = TalentFactory(name="王五", work_unit=work_unit_a, status=Talent.Status.ARCHIVED)
    rows = [
        ["1", "赵志刚", "", "", "张三", pairing_a.talent.id_number, "", ""],
        ["2", "赵志刚", "", "", "李梅", ID_LI, "", "2024-12-31"],
        ["3", "赵志刚", "", "", "王五", archived.id_number, "", ""],
    ]
    assert problems(rows, term=term_a, user=staff_a) == [
        "第2行：本周期内赵志刚已与张三结对",
        "第3行：开始日期必须在联系周期内",
        "第4行：已归档的人才不能结对",
    ]


def test_leader_no_longer_in_post_is_refused(staff_a, term_a, leader_a_record, talent_a):
    leader_a_record.is_active = False
    leader_a_record.save()
    assert problems([["1", "赵志刚", "", "", "张三", "", "", ""]], term=term_a, user=staff_a) == [
        "第2行：该领导已不在任"
    ]


def test_the_terms_maximum_counts_existing_pairings_and_earlier_rows(
    staff_a, term_a, leader_a_record, pairing_a, li_mei, work_unit_a
):
    term_a.max_talents_per_leader = 2
    term_a.save()
    wang = TalentFactory(name="王五", work_unit=work_unit_a)
    rows = [["1", "赵志刚", "", "", "李梅", ID_LI, "", ""], ["2", "赵志刚", "", "", "王五", wang.id_number, "", ""]]
    assert problems(rows, term=term_a, user=staff_a) == [
        "第3行：赵志刚在本周期已联系 2 名人才，本周期每名领导最多联系 2 名"
    ]


def test_the_same_pairing_twice_in_the_file_names_both_rows(staff_a, term_a, leader_a_record, talent_a):
    rows = [["1", "赵志刚", "", "", "张三", "", "", ""], ["2", "赵志刚", "", "", "张三", talent_a.id_number, "", ""]]
    assert problems(rows, term=term_a, user=staff_a) == ["第3行：与第2行的结对重复"]


# --- the service ------------------------------------------------------------------------------


def test_import_creates_pairings_and_leaders_and_records_the_batch(
    staff_a, term_a, leader_a_record, talent_a, li_mei, newcomer
):
    rows = [
        ["1", "赵志刚", "", "", "张三", talent_a.id_number, "", "2025-03-01"],
        ["2", "孙丽华", "党委副书记", "", "李梅", ID_LI, "", ""],
    ]
    batch = pairings_import(result=parse(rows), term=term_a, user=staff_a, batch=new_batch(term_a, staff_a))

    sun = Leader.objects.get(user=newcomer)
    assert (sun.organization, sun.post, sun.is_active) == (term_a.organization, "党委副书记", True)
    pairings = {(p.leader, p.talent, p.start, p.end) for p in Pairing.objects.filter(term=term_a)}
    assert pairings == {
        (leader_a_record, talent_a, datetime.date(2025, 3, 1), None),
        (sun, li_mei, term_a.start, None),
    }
    batch.refresh_from_db()
    assert (batch.status, batch.row_count, batch.created_count, batch.updated_count) == ("done", 2, 2, 0)
    assert batch.finished_at is not None


def test_one_bad_row_writes_nothing(staff_a, term_a, leader_a_record, talent_a, newcomer, li_mei):
    rows = [
        ["1", "孙丽华", "党委副书记", "", "李梅", ID_LI, "", ""],
        ["2", "赵志刚", "", "", "张三", "", "", ""],
        ["3", "王大锤", "", "", "张三", "", "", ""],
    ]
    batch = new_batch(term_a, staff_a)
    with pytest.raises(ValidationError) as caught:
        pairings_import(result=parse(rows), term=term_a, user=staff_a, batch=batch)
    assert caught.value.messages == ["文件中有1行有误，未导入任何数据。"]
    assert not Pairing.objects.exists()
    assert not Leader.objects.filter(user=newcomer).exists()
    batch.refresh_from_db()
    assert batch.status == "pending"


def test_term_outside_the_users_scope_is_refused(staff_b, term_a, leader_a_record, talent_a):
    with pytest.raises(ValidationError) as caught:
        pairings_import(
            result=parse([["1", "赵志刚", "", "", "张三", "", "", ""]]),
            term=term_a,
            user=staff_b,
            batch=new_batch(term_a, staff_b),
        )
    assert caught.value.messages == ["您无权向该组织导入。"]
    assert not Pairing.objects.exists()


def test_a_batch_is_imported_once(staff_a, term_a, leader_a_record, talent_a):
    result, batch = parse([["1", "赵志刚", "", "", "张三", "", "", ""]]), new_batch(term_a, staff_a)
    pairings_import(result=result, term=term_a, user=staff_a, batch=batch)
    with pytest.raises(ValidationError) as caught:
        pairings_import(result=result, term=term_a, user=staff_a, batch=batch)
    assert caught.value.messages == ["该文件已导入或已被退回。"]
    assert Pairing.objects.count() == 1


# --- the pages --------------------------------------------------------------------------------

GOOD_ROWS = [["1", "赵志刚", "", "", "张三", "510104197805121233", "", ""]]


def post_file(client, term, content, name="结对.xlsx"):
    return client.post(reverse("liaison:pairings_import"), {"term": term.pk, "file": upload(content, name)})


def uploaded(client, term, rows) -> tuple[ImportBatch, str]:
    response = post_file(client, term, pairings_bytes(rows))
    batch = ImportBatch.objects.latest("pk")
    preview_url = f"{reverse('liaison:pairings_import_preview', args=[batch.pk])}?term={term.pk}"
    assert response.status_code == 302
    assert response.url == preview_url
    return batch, preview_url


def confirm_url(batch, term) -> str:
    return f"{reverse('liaison:pairings_import_confirm', args=[batch.pk])}?term={term.pk}"


def test_upload_preview_confirm_imports_the_pairings(client, staff_a, term_a, leader_a_record, talent_a):
    client.force_login(staff_a)
    batch, preview_url = uploaded(client, term_a, GOOD_ROWS)
    assert (batch.kind, batch.status, batch.organization) == ("pairings", "pending", term_a.organization)
    assert not Pairing.objects.exists()

    preview = client.get(preview_url).content.decode()
    assert "确认导入" in preview
    assert "赵志刚" in preview and "张三" in preview
    assert talent_a.id_number not in preview  # masked

    response = client.post(confirm_url(batch, term_a), follow=True)

    assert response.redirect_chain[-1][0] == reverse("liaison:pairing_list")
    assert "结对导入完成：新增1对结对联系。" in response.content.decode()
    pairing = Pairing.objects.get()
    assert (pairing.term, pairing.leader, pairing.talent, pairing.start) == (
        term_a,
        leader_a_record,
        talent_a,
        term_a.start,
    )
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.uploaded_by) == ("done", 1, staff_a)
    body = client.get(preview_url).content.decode()
    assert "新增1对结对联系" in body and "确认导入" not in body


def test_get_offers_only_the_terms_in_scope(client, staff_a, term_a, township_b):
    TermFactory(organization=township_b, name="绿水2025—2026")
    client.force_login(staff_a)
    body = client.get(reverse("liaison:pairings_import")).content.decode()
    assert "青山镇 · 2025—2026" in body
    assert "绿水2025—2026" not in body
    assert reverse("liaison:pairings_template") in body


def test_term_outside_scope_is_refused_by_the_form(client, staff_b, term_a):
    client.force_login(staff_b)
    response = post_file(client, term_a, pairings_bytes(GOOD_ROWS))
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"leader,talent\n", "这不是 Excel .xlsx 文件"),
        (b"", "所提交的是空文件。"),
        (pairings_bytes([["赵志刚"]], header=["联系领导", "职务"]), "表头缺少“联系人才”列。"),
        (pairings_bytes([[], []]), "文件只有表头，没有数据行。"),
    ],
)
def test_bad_file_is_rerendered_with_its_message_and_writes_nothing(client, staff_a, term_a, content, message):
    client.force_login(staff_a)
    response = post_file(client, term_a, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_decompression_bomb_is_refused(client, staff_a, term_a, tmp_path):
    client.force_login(staff_a)
    path = tmp_path / "bomb.xlsx"
    decompression_bomb(path)
    response = post_file(client, term_a, path.read_bytes())
    assert "文件解压后体积异常，已拒绝。" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_bad_rows_are_all_listed_and_nothing_can_be_imported(client, staff_a, term_a, leader_a_record, talent_a):
    client.force_login(staff_a)
    rows = [*GOOD_ROWS, ["2", "王大锤", "", "", "张三", "", "", ""], ["3", "赵志刚", "", "", "", "", "", ""]]
    batch, preview_url = uploaded(client, term_a, rows)
    assert batch.status == "rejected"

    preview = client.get(preview_url).content.decode()
    assert "第3行：联系领导“王大锤”既不是青山镇的联系领导" in preview
    assert "第4行：缺少联系人才" in preview
    assert "确认导入" not in preview

    response = client.post(confirm_url(batch, term_a), follow=True)
    assert "该文件已导入或已被退回。" in response.content.decode()
    assert not Pairing.objects.exists()


def test_confirm_twice_imports_once(client, staff_a, term_a, leader_a_record, talent_a):
    client.force_login(staff_a)
    batch, _preview_url = uploaded(client, term_a, GOOD_ROWS)
    client.post(confirm_url(batch, term_a))
    response = client.post(confirm_url(batch, term_a), follow=True)
    assert "该文件已经导入。" in response.content.decode()
    assert Pairing.objects.count() == 1


def test_lost_file_is_reported_not_a_500(client, staff_a, term_a, leader_a_record, talent_a):
    client.force_login(staff_a)
    batch, preview_url = uploaded(client, term_a, GOOD_ROWS)
    batch.file.storage.delete(batch.file.name)
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert "上传的文件已不存在，请重新上传。" in preview.content.decode()
    client.post(confirm_url(batch, term_a))
    assert not Pairing.objects.exists()


def test_preview_needs_the_term_of_the_batchs_organization(
    client, staff_a, term_a, leader_a_record, talent_a, village_a
):
    client.force_login(staff_a)
    batch, _preview_url = uploaded(client, term_a, GOOD_ROWS)
    other = TermFactory(organization=village_a, name="青山村2025—2026")
    url = reverse("liaison:pairings_import_preview", args=[batch.pk])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?term=x").status_code == 404
    assert client.get(f"{url}?term={other.pk}").status_code == 404
    assert client.post(confirm_url(batch, other)).status_code == 404
    assert not Pairing.objects.exists()


def test_sibling_staff_get_404(client, staff_a, staff_b, term_a, leader_a_record, talent_a):
    client.force_login(staff_a)
    batch, preview_url = uploaded(client, term_a, GOOD_ROWS)
    client.force_login(staff_b)
    assert client.get(preview_url).status_code == 404
    assert client.post(confirm_url(batch, term_a)).status_code == 404
    assert not Pairing.objects.exists()


def test_a_roster_batch_is_not_a_pairings_batch(client, staff_a, term_a):
    client.force_login(staff_a)
    roster = ImportBatch.objects.create(
        organization=term_a.organization, original_name="名册.xlsx", uploaded_by=staff_a
    )
    assert (
        client.get(f"{reverse('liaison:pairings_import_preview', args=[roster.pk])}?term={term_a.pk}").status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["leader_a", "liaison_a"])
def test_leader_and_liaison_get_403(client, request, persona, staff_a, term_a, leader_a_record, talent_a):
    client.force_login(staff_a)
    batch, _preview_url = uploaded(client, term_a, GOOD_ROWS)
    client.force_login(request.getfixturevalue(persona))
    assert_forbidden(client, import_urls("liaison:pairings", batch.pk, f"?term={term_a.pk}"))
    assert post_file(client, term_a, pairings_bytes(GOOD_ROWS)).status_code == 403
    assert not Pairing.objects.exists()


def test_anonymous_goes_to_login(client):
    assert_login_required(client, import_urls("liaison:pairings"))


def test_wrong_methods_get_405(client, staff_a):
    client.force_login(staff_a)
    assert_wrong_methods_refused(client, import_urls("liaison:pairings"))


def test_template_download_parses_into_its_example_row(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("liaison:pairings_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("联系领导与结对人才")
    assert rows[1][:2] == ("联系领导*", "领导账号")
    result = parse_pairings(io.BytesIO(content), today=TODAY)
    assert result.errors == []
    assert [(row.values["leader"], row.values["talent"]) for row in result.rows] == [("赵志刚", "王小明")]


def test_ended_pairing_does_not_block_a_new_one(staff_a, term_a, leader_a_record, talent_a):
    PairingFactory(term=term_a, leader=leader_a_record, talent=talent_a, end=datetime.date(2025, 6, 30))
    assert problems([["1", "赵志刚", "", "", "张三", "", "", "2025-07-01"]], term=term_a, user=staff_a) == []


def test_preview_names_the_leaders_the_import_registers(client, staff_a, term_a, talent_a, newcomer):
    client.force_login(staff_a)
    rows = [["1", "孙丽华", "党委副书记", "", "张三", talent_a.id_number, "", ""]]
    batch, preview_url = uploaded(client, term_a, rows)
    body = client.get(preview_url).content.decode()
    assert "将登记的联系领导" in body and "孙丽华 · 党委副书记" in body
    client.post(confirm_url(batch, term_a))
    assert Leader.objects.get(user=newcomer).post == "党委副书记"
    assert Pairing.objects.get().leader.user == newcomer


def test_the_pairing_list_links_to_both_imports(client, staff_a):
    client.force_login(staff_a)
    body = client.get(reverse("liaison:pairing_list")).content.decode()
    assert reverse("liaison:pairings_import") in body
    assert reverse("liaison:contacts_import") in body
