import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.tests.factories import UserFactory
from liaison.imports import contacts_review, read_contacts
from liaison.models import ContactLog, ContactMethod, ContactTopic
from liaison.services import contacts_import
from liaison.tests.factories import ContactLogFactory, LeaderFactory, PairingFactory
from liaison.tests.import_files import contacts_bytes
from talents.excel import UnsafeWorkbook
from talents.models import ImportBatch
from talents.tests.factories import TalentFactory, WorkUnitFactory
from talents.tests.import_pages import (
    assert_forbidden,
    assert_login_required,
    assert_wrong_methods_refused,
    import_urls,
)
from talents.tests.roster_files import decompression_bomb, upload

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
ROW = [
    "1",
    "2025-03-18",
    "赵志刚",
    "张三",
    "",
    "面谈",
    "思想引导、征求意见",
    "了解合作社春耕准备",
    "希望增加农技培训",
    "",
    "",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def handover(pairing_a, township_a):
    """赵志刚's pairing with 张三 ended on 2025-06-30; 孙丽华 took 张三 over the next day."""
    pairing_a.end, pairing_a.end_reason = datetime.date(2025, 6, 30), "handover"
    pairing_a.save()
    successor = LeaderFactory(user=UserFactory(username="sun_lihua", name="孙丽华"), organization=township_a)
    return PairingFactory(
        term=pairing_a.term,
        leader=successor,
        talent=pairing_a.talent,
        start=datetime.date(2025, 7, 1),
        previous=pairing_a,
    )


def method(code: str) -> ContactMethod:
    return ContactMethod.objects.get(code=code)


def topic_ids(*codes: str) -> list[int]:
    return [ContactTopic.objects.get(code=code).pk for code in codes]


def parse(rows, **kwargs):
    return read_contacts(io.BytesIO(contacts_bytes(rows, **kwargs)), today=TODAY)


def problems(rows, *, organization, user, **kwargs) -> list[str]:
    review = contacts_review(result=parse(rows, **kwargs), organization=organization, user=user, today=TODAY)
    return [error.message for error in review.errors]


def row(**changes) -> list:
    """The clean row with some cells changed, by header name."""
    names = ["no", "date", "leader", "talent", "id", "method", "topics", "summary", "opinions", "initiator", "place"]
    values = dict(zip(names, ROW, strict=True))
    values.update(changes)
    return [values[name] for name in names]


def new_batch(organization, user):
    return ImportBatch.objects.create(
        kind=ImportBatch.Kind.CONTACTS, organization=organization, original_name="台账.xlsx", uploaded_by=user
    )


# --- reading ----------------------------------------------------------------------------------


def test_clean_file_reads_methods_topics_and_initiator():
    result = parse([ROW, row(method="电话", topics="搭建平台、提供服务", initiator="人才", place="青山村")])
    assert result.errors == []
    first, second = result.rows
    assert first.values == {
        "date": datetime.date(2025, 3, 18),
        "leader": "赵志刚",
        "talent": "张三",
        "method": method("talk"),
        "topics": topic_ids("guidance", "opinions"),
        "summary": "了解合作社春耕准备",
        "opinions": "希望增加农技培训",
    }
    assert (second.values["method"], second.values["topics"]) == (method("phone"), topic_ids("service"))
    assert (second.values["initiated_by"], second.values["place"]) == ("talent", "青山村")


def test_messy_ledger_with_title_rows_and_header_variants_is_read():
    ContactMethod.objects.filter(code="letter").update(is_active=False)
    header = ["序号", "日期", "班子成员", "联系对象", "方式", "内容", "主要情况", "意见和建议", "发起人", "联系地点"]
    rows = [
        [
            "1",
            datetime.datetime(2025, 3, 18),
            "赵 志刚",
            "张三",
            "面对面",
            "宣传政策",
            "谈心\n了解需求",
            "",
            "领导主动",
            "",
        ],
        [],
        ["2", "2025年4月2日", "赵志刚", "张三", "书信", "意见", "寄送政策汇编", "", "", ""],
    ]
    result = parse(rows, header=header, titles=["2025年领导干部联系服务人才工作台账", "青山镇"])
    assert result.errors == []
    first, second = result.rows
    assert (first.row_number, first.values["date"], first.values["method"]) == (
        4,
        datetime.date(2025, 3, 18),
        method("talk"),
    )
    assert first.values["summary"] == "谈心\n了解需求"  # line breaks of the ledger are kept
    assert (first.values["topics"], first.values["initiated_by"]) == (topic_ids("guidance"), "leader")
    # A method no longer offered is still history.
    assert (second.row_number, second.values["date"], second.values["method"]) == (
        6,
        datetime.date(2025, 4, 2),
        method("letter"),
    )


def test_every_bad_cell_is_explained():
    result = parse(
        [
            row(date="", summary=""),
            row(date="2026-06-02", method="飞鸽传书"),
            row(topics="闲聊", initiator="单位"),
        ]
    )
    messages = [error.message for error in result.errors]
    assert messages[0] == "第2行：缺少联系日期；缺少联系情况"
    assert messages[1].startswith(
        "第3行：联系日期“2026-06-02”晚于今天；联系方式“飞鸽传书”无法识别，可填：面对面交流、双向约谈"
    )
    assert messages[2] == (
        "第4行：联系内容“闲聊”不属于以下任何一项：思想引导、宣传政策、征求意见建议、搭建平台、提供服务；"
        "发起方“单位”无法识别，可填：领导、人才"
    )


def test_header_without_required_columns_is_refused():
    with pytest.raises(UnsafeWorkbook) as caught:
        parse([["2025-03-18", "赵志刚", "张三"]], header=["联系日期", "联系领导", "联系人才"])
    assert str(caught.value) == "表头缺少“联系方式、联系情况”列。"


# --- matching ---------------------------------------------------------------------------------


def test_each_contact_is_matched_to_the_pairing_covering_its_date(staff_a, township_a, handover, pairing_a):
    rows = [row(), row(date="2025-08-01", leader="孙丽华")]
    review = contacts_review(result=parse(rows), organization=township_a, user=staff_a, today=TODAY)
    assert review.errors == []
    assert [r.pairing for r in review.rows] == [pairing_a, handover]


def test_a_date_outside_every_pairing_is_explained(staff_a, township_a, handover):
    assert problems([row(date="2025-08-01")], organization=township_a, user=staff_a) == [
        "第2行：日期不在结对期间（2025-01-01 至 2025-06-30）内"
    ]


def test_a_leader_never_paired_with_the_talent_is_explained(staff_a, township_a, pairing_a, work_unit_a):
    TalentFactory(name="李梅", work_unit=work_unit_a)
    assert problems([row(talent="李梅")], organization=township_a, user=staff_a) == ["第2行：赵志刚从未与李梅结对"]


def test_unknown_leader_and_talent_are_explained(staff_a, township_a, pairing_a):
    assert problems([row(leader="王大锤", talent="王五")], organization=township_a, user=staff_a) == [
        "第2行：联系领导“王大锤”不是青山镇已登记的联系领导；您的人才库中没有名为王五的人才"
    ]


def test_a_namesake_is_told_apart_by_the_leaders_pairings(staff_a, township_a, pairing_a, village_a):
    TalentFactory(name="张三", work_unit=WorkUnitFactory(name="青山小学", organization=village_a))
    review = contacts_review(result=parse([row()]), organization=township_a, user=staff_a, today=TODAY)
    assert [r.pairing for r in review.rows] == [pairing_a]


def test_a_contact_repeated_in_the_file_or_already_recorded_is_refused(staff_a, township_a, pairing_a):
    ContactLogFactory(
        pairing=pairing_a, date=datetime.date(2025, 4, 1), method=method("talk"), summary="了解合作社春耕准备"
    )
    rows = [row(), row(no="2"), row(date="2025-04-01")]
    assert problems(rows, organization=township_a, user=staff_a) == [
        "第3行：与第2行的联系记录重复",
        "第4行：该联系记录已经登记过",
    ]


# --- the service ------------------------------------------------------------------------------


def test_imported_contacts_keep_their_leader_and_date_and_credit_no_one(
    staff_a, township_a, handover, pairing_a, leader_a_record
):
    rows = [row(opinions="", place="青山农业合作社"), row(date="2025-08-01", leader="孙丽华", initiator="人才")]
    batch = contacts_import(
        result=parse(rows), organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a), today=TODAY
    )

    first, second = ContactLog.objects.order_by("date")
    assert (first.pairing, first.leader, first.talent, first.date) == (
        pairing_a,
        leader_a_record,
        pairing_a.talent,
        datetime.date(2025, 3, 18),
    )
    assert (first.method, first.place, first.initiated_by) == (method("talk"), "青山农业合作社", "leader")
    assert sorted(first.topics.values_list("pk", flat=True)) == sorted(topic_ids("guidance", "opinions"))
    assert (second.pairing, second.leader, second.initiated_by) == (handover, handover.leader, "talent")
    for contact in (first, second):
        assert contact.created_by is None
        assert contact.import_batch == batch
        assert contact.confirmed_at is not None
    batch.refresh_from_db()
    assert (batch.status, batch.row_count, batch.created_count) == ("done", 2, 2)


def test_one_bad_row_writes_nothing(staff_a, township_a, pairing_a):
    batch = new_batch(township_a, staff_a)
    with pytest.raises(ValidationError) as caught:
        contacts_import(
            result=parse([row(), row(leader="王大锤")]), organization=township_a, user=staff_a, batch=batch, today=TODAY
        )
    assert caught.value.messages == ["文件中有1行有误，未导入任何数据。"]
    assert not ContactLog.objects.exists()
    batch.refresh_from_db()
    assert batch.status == "pending"


def test_importing_the_same_ledger_again_adds_nothing(staff_a, township_a, pairing_a):
    result = parse([row()])
    contacts_import(
        result=result, organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a), today=TODAY
    )
    with pytest.raises(ValidationError):
        contacts_import(
            result=result, organization=township_a, user=staff_a, batch=new_batch(township_a, staff_a), today=TODAY
        )
    assert ContactLog.objects.count() == 1


def test_organization_outside_the_users_scope_is_refused(staff_b, township_a, pairing_a):
    with pytest.raises(ValidationError) as caught:
        contacts_import(
            result=parse([row()]),
            organization=township_a,
            user=staff_b,
            batch=new_batch(township_a, staff_b),
            today=TODAY,
        )
    assert caught.value.messages == ["您无权向该组织导入。"]
    assert not ContactLog.objects.exists()


# --- the pages --------------------------------------------------------------------------------


def post_file(client, organization, content, name="台账.xlsx"):
    return client.post(
        reverse("liaison:contacts_import"), {"organization": organization.pk, "file": upload(content, name)}
    )


def uploaded(client, organization, rows) -> ImportBatch:
    response = post_file(client, organization, contacts_bytes(rows))
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == reverse("liaison:contacts_import_preview", args=[batch.pk])
    return batch


def test_upload_preview_confirm_imports_the_ledger(client, staff_a, township_a, pairing_a, leader_a_record):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, [row()])
    assert (batch.kind, batch.status) == ("contacts", "pending")
    preview_url = reverse("liaison:contacts_import_preview", args=[batch.pk])

    preview = client.get(preview_url).content.decode()
    assert "确认导入" in preview
    assert "2025-03-18" in preview and "了解合作社春耕准备" in preview

    response = client.post(reverse("liaison:contacts_import_confirm", args=[batch.pk]), follow=True)

    assert response.redirect_chain[-1][0] == preview_url
    body = response.content.decode()
    assert "联系台账导入完成：新增1条联系记录。" in body
    assert "新增1条联系记录" in body and "确认导入" not in body
    contact = ContactLog.objects.get()
    assert (contact.leader, contact.date, contact.created_by, contact.import_batch) == (
        leader_a_record,
        datetime.date(2025, 3, 18),
        None,
        batch,
    )


def test_get_offers_only_the_organizations_in_scope(client, staff_a, township_a, township_b):
    client.force_login(staff_a)
    body = client.get(reverse("liaison:contacts_import")).content.decode()
    assert "青山镇" in body and "绿水乡" not in body
    assert reverse("liaison:contacts_template") in body


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"date,leader\n", "这不是 Excel .xlsx 文件"),
        (
            contacts_bytes([["2025-03-18", "赵志刚"]], header=["联系日期", "联系领导"]),
            "表头缺少“联系人才、联系方式、联系情况”列。",
        ),
        (b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024), "文件超过 10 MB。"),
    ],
)
def test_bad_file_is_rerendered_with_its_message_and_writes_nothing(client, staff_a, township_a, content, message):
    client.force_login(staff_a)
    response = post_file(client, township_a, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_decompression_bomb_is_refused(client, staff_a, township_a, tmp_path):
    client.force_login(staff_a)
    path = tmp_path / "bomb.xlsx"
    decompression_bomb(path)
    response = post_file(client, township_a, path.read_bytes())
    assert "文件解压后体积异常，已拒绝。" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_bad_rows_are_all_listed_and_nothing_can_be_imported(client, staff_a, township_a, pairing_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, [row(), row(date="2024-12-31"), row(leader="王大锤")])
    assert batch.status == "rejected"
    preview = client.get(reverse("liaison:contacts_import_preview", args=[batch.pk])).content.decode()
    assert "第3行：日期不在结对期间（2025-01-01 至 今）内" in preview
    assert "第4行：联系领导“王大锤”不是青山镇已登记的联系领导" in preview
    assert "确认导入" not in preview
    client.post(reverse("liaison:contacts_import_confirm", args=[batch.pk]))
    assert not ContactLog.objects.exists()


def test_confirm_twice_imports_once(client, staff_a, township_a, pairing_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, [row()])
    client.post(reverse("liaison:contacts_import_confirm", args=[batch.pk]))
    response = client.post(reverse("liaison:contacts_import_confirm", args=[batch.pk]), follow=True)
    assert "该文件已经导入。" in response.content.decode()
    assert ContactLog.objects.count() == 1


def test_lost_file_is_reported_not_a_500(client, staff_a, township_a, pairing_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, [row()])
    batch.file.storage.delete(batch.file.name)
    preview = client.get(reverse("liaison:contacts_import_preview", args=[batch.pk]))
    assert preview.status_code == 200
    assert "上传的文件已不存在，请重新上传。" in preview.content.decode()
    client.post(reverse("liaison:contacts_import_confirm", args=[batch.pk]))
    assert not ContactLog.objects.exists()


def test_sibling_staff_get_404(client, staff_a, staff_b, township_a, pairing_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, [row()])
    client.force_login(staff_b)
    assert client.get(reverse("liaison:contacts_import_preview", args=[batch.pk])).status_code == 404
    assert client.post(reverse("liaison:contacts_import_confirm", args=[batch.pk])).status_code == 404
    assert not ContactLog.objects.exists()


@pytest.mark.parametrize("persona", ["leader_a", "liaison_a"])
def test_leader_and_liaison_get_403(client, request, persona, staff_a, township_a, pairing_a):
    client.force_login(staff_a)
    batch = uploaded(client, township_a, [row()])
    client.force_login(request.getfixturevalue(persona))
    assert_forbidden(client, import_urls("liaison:contacts", batch.pk))
    assert post_file(client, township_a, contacts_bytes([row()])).status_code == 403
    assert not ContactLog.objects.exists()


def test_anonymous_goes_to_login(client):
    assert_login_required(client, import_urls("liaison:contacts"))


def test_wrong_methods_get_405(client, staff_a):
    client.force_login(staff_a)
    assert_wrong_methods_refused(client, import_urls("liaison:contacts"))


def test_template_download_parses_into_its_example_row(client, staff_a):
    client.force_login(staff_a)
    response = client.get(reverse("liaison:contacts_template"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("往年联系服务台账")
    assert rows[1][:3] == ("联系日期*", "联系领导*", "领导账号")
    result = read_contacts(io.BytesIO(content), today=TODAY)
    assert result.errors == []
    (example,) = result.rows
    assert (example.values["date"], example.values["method"]) == (datetime.date(2025, 3, 18), method("talk"))
    assert example.values["topics"] == topic_ids("guidance", "opinions")
