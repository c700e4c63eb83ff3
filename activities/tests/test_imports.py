"""The sign-in sheet import as pure functions: reading, matching, refusing hostile files."""

import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from activities import services
from activities.imports import attendance_review, parse_attendance, write_attendance_template
from activities.tests.conftest import TODAY
from activities.tests.sheets import row, sheet_bytes
from liaison.models import ContactLog
from liaison.tests.factories import LeaderFactory
from talents.excel import UnsafeWorkbook
from talents.models import ImportBatch
from talents.tests.factories import TalentFactory
from talents.tests.roster_files import decompression_bomb

pytestmark = pytest.mark.django_db


def _review(rows, activity, user, **kwargs):
    result = parse_attendance(io.BytesIO(sheet_bytes(rows, **kwargs)), today=TODAY)
    return attendance_review(result=result, activity=activity, user=user)


def _messages(review):
    return [error.message for error in review.errors]


def test_matches_talents_by_id_number_phone_and_name(activity_a, staff_a, talent_a, leader_a_record):
    by_phone = TalentFactory(name="王五", work_unit=talent_a.work_unit, phone="13700001111")
    by_name = TalentFactory(name="赵六", work_unit=talent_a.work_unit)
    rows = [
        row("张三", id_number="510104197805121233"),
        row("王五", phone="13700001111"),
        row("赵六", unit="青山农业合作社"),
        row("赵志刚", role="领导干部"),
    ]
    review = _review(rows, activity_a, staff_a)
    assert review.errors == []
    assert {t.pk for t in review.talents} == {talent_a.pk, by_phone.pk, by_name.pk}
    assert review.leaders == [leader_a_record]
    assert (review.new_talents, review.new_leaders, review.already_present) == (3, 1, 0)


def test_every_bad_row_is_explained_in_one_pass(activity_a, staff_a, talent_a, talent_b, leader_a_record):
    TalentFactory(name="赵六", work_unit=talent_a.work_unit)
    TalentFactory(name="赵六", work_unit=talent_a.work_unit)
    rows = [
        row("张三", id_number="510104197805121234"),  # wrong check digit
        row("李四", phone="13987654321"),  # township B: outside the organizer
        row("赵六"),  # two of them
        row("李逵", role="领导干部"),  # no such leader
        row("张三", id_number="510104197805121233", role="嘉宾"),  # unknown role
        row("王二", id_number="510104197805121233"),  # the number is 张三's
    ]
    review = _review(rows, activity_a, staff_a)
    assert [e.row_number for e in review.errors] == [3, 4, 5, 6, 7, 8]
    assert all(message.strip() for message in _messages(review))
    assert review.rows == []


def test_a_talent_outside_the_users_scope_is_not_found(activity_a, staff_b, talent_a):
    # staff_b cannot see township A: the row fails and says nothing about where the talent is.
    review = _review([row("张三", id_number="510104197805121233")], activity_a, staff_b)
    assert len(review.errors) == 1 and "青山" not in review.errors[0].message.replace("青山镇", "")


def test_two_leaders_of_one_name_are_ambiguous(activity_a, staff_a, leader_a_record, township_a):
    LeaderFactory(organization=township_a, user__name="赵志刚")
    review = _review([row("赵志刚", role="领导")], activity_a, staff_a)
    assert len(review.errors) == 1


def test_reimporting_the_same_sheet_adds_nobody(activity_a, staff_a, talent_a, leader_a_record, pairing_a):
    rows = [row("张三", id_number="510104197805121233"), row("赵志刚", role="领导干部"), row("张三")]
    content = sheet_bytes(rows)
    for _attempt in range(2):
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.ATTENDANCE, organization=activity_a.organization, uploaded_by=staff_a,
            original_name="签到表.xlsx",
        )  # fmt: skip
        result = parse_attendance(io.BytesIO(content), today=TODAY)
        services.attendance_import(activity=activity_a, result=result, user=staff_a, batch=batch)
    assert batch.created_count == 0
    assert activity_a.talents.count() == 1 and activity_a.leaders.count() == 1
    assert ContactLog.objects.filter(activity=activity_a).count() == 1
    review = attendance_review(result=result, activity=activity_a, user=staff_a)
    assert (review.new_talents, review.new_leaders, review.already_present) == (0, 0, 2)


def test_import_with_a_bad_row_writes_nothing(activity_a, staff_a, talent_a):
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.ATTENDANCE, organization=activity_a.organization, uploaded_by=staff_a, original_name="x"
    )
    result = parse_attendance(io.BytesIO(sheet_bytes([row("张三"), row("查无此人")])), today=TODAY)
    with pytest.raises(ValidationError):
        services.attendance_import(activity=activity_a, result=result, user=staff_a, batch=batch)
    assert activity_a.talents.count() == 0


def test_not_an_excel_file_gets_a_message():
    with pytest.raises(UnsafeWorkbook, match=r"\.xlsx"):
        parse_attendance(io.BytesIO("姓名,身份证号\n张三,1\n".encode()), today=TODAY)


def test_a_huge_file_is_refused_before_reading():
    with pytest.raises(UnsafeWorkbook):
        parse_attendance(io.BytesIO(b"PK\x03\x04" + b"\0" * (11 * 1024 * 1024)), today=TODAY)


def test_a_decompression_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    decompression_bomb(path)
    with path.open("rb") as bomb, pytest.raises(UnsafeWorkbook):
        parse_attendance(bomb, today=TODAY)


def test_a_formula_is_read_as_a_name_that_matches_nobody(activity_a, staff_a):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份"])
    sheet.append(['=HYPERLINK("http://evil.example","张三")', "人才"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse_attendance(io.BytesIO(buffer.getvalue()), today=TODAY)
    review = attendance_review(result=result, activity=activity_a, user=staff_a)
    assert review.talents == [] and len(review.errors) == 1


def test_a_sheet_without_a_name_column_is_refused():
    with pytest.raises(UnsafeWorkbook):
        parse_attendance(io.BytesIO(sheet_bytes([["1", "x"]], header=["序号", "备注"])), today=TODAY)


def test_the_template_reads_back_with_its_example(activity_a, staff_a):
    buffer = io.BytesIO()
    write_attendance_template(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    assert sheet[2][0].value.endswith("*") and len([cell for cell in sheet[2] if cell.value]) == 5
    result = parse_attendance(io.BytesIO(buffer.getvalue()), today=TODAY)
    assert len(result.rows) + len(result.errors) == 1
