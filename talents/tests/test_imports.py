import datetime
import io

import pytest
from openpyxl import Workbook

from talents.excel import UnsafeWorkbook
from talents.imports import normalize_header, parse_roster, roster_review, write_roster_template
from talents.models import TalentCategory
from talents.tests.factories import WorkUnitFactory
from talents.tests.roster_files import (
    HEADER,
    decompression_bomb,
    id_number,
    replace_number,
    roster_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)
ID_1978 = id_number("51010419780512123")  # a man born 1978-05-12
ID_1985 = id_number("51010419850301002")  # a woman born 1985-03-01


def parse(content: bytes):
    return parse_roster(io.BytesIO(content), categories=TalentCategory.objects.filter(is_active=True), today=TODAY)


def category_id(name: str) -> int:
    return TalentCategory.objects.get(name=name).pk


def problems(content: bytes) -> list[str]:
    return [error.message for error in parse(content).errors]


# --- good files -------------------------------------------------------------------------------


def test_clean_file_gives_one_row_per_talent_with_codes_and_ids():
    content = roster_bytes(
        [
            [
                "张三",
                "男",
                "1978-05-12",
                "中共党员",
                "大学本科",
                "专业技术人才",
                "县级",
                "青山农业合作社",
                "13812345678",
                ID_1978,
            ],
            ["李梅", "女", "1985.03", "群众", "硕士研究生", "引进人才、高层次人才", "省级", "青山中学", "", ID_1985],
        ]
    )

    result = parse(content)

    assert result.errors == []
    first, second = result.rows
    assert (first.row_number, first.name, first.work_unit) == (2, "张三", "青山农业合作社")
    assert first.values == {
        "gender": "M",
        "birth_date": datetime.date(1978, 5, 12),
        "political_status": "cpc",
        "education": "bachelor",
        "level": "county",
        "phone": "13812345678",
        "id_number": ID_1978,
    }
    assert first.category_ids == [category_id("专业技术人才")]
    assert second.values["birth_date"] == datetime.date(1985, 3, 1)
    assert second.values["education"] == "master"
    assert second.category_ids == [category_id("引进人才"), category_id("高层次人才")]
    assert "phone" not in second.values  # a blank cell leaves the field alone


def test_messy_real_world_file_is_read():
    header = [
        " 序号 ",
        "姓 名",
        "性别",
        "出生年月（年.月）",
        "政治面貌",
        "最高学历",
        "类别",
        "级别",
        "工作单位*",
        "联系 电话",
        "公民身份号码（18位）",
    ]
    rows = [
        [
            1,
            "张  三",
            "男",
            datetime.datetime(1978, 5, 12),
            "党员",
            "本科",
            "专业技术人才",
            "县级",
            "青山农业合作社",
            13812345678,
            987654321,  # replaced below by the ID number as an exact integer
        ],
        [2, "李梅", "女", "1985.03", "群众", "硕士", "引进人才", "市级", "青山中学", None, ID_1985.lower()],
        [],
        [3, "王五", "男", "1990-1", "共青团员", "大专", "", "", "青山中学", "028-12345678", None],
        [4, "赵六", "", "1990年1月", "", "", "", "", "青山中学", None, None],
        [],
        [5, "孙七", "", "1990/01/05", "", "", "", "", "青山中学", None, None],
        [6, "周八", "", "19900105", "", "", "", "", "青山中学", None, None],
        [7, "吴九", "", 1990.05, "", "", "", "", "青山中学", None, None],
        [8, "郑十", "", 1990.1, "", "", "", "", "青山中学", None, None],
        [9, "冯一", "", "1990-01-05", "", "", "", "", "青山中学", None, None],
        [10, "陈二", "", 33000, "", "", "", "", "青山中学", None, None],
        [11],  # numbered in advance, never filled in
        [12],
    ]
    # 1990.10 typed into a number cell shows as 1990.10 only with two decimals: October.
    content = roster_bytes(
        rows,
        header=header,
        titles=["示范县青山镇优秀人才名册", "填报单位：青山镇党建办"],
        number_formats={(9, 3): "0.00"},
    )
    content = replace_number(content, 987654321, ID_1978)

    result = parse(content)

    assert result.errors == []
    assert result.header_row == 3
    by_name = {row.name: row for row in result.rows}
    assert [row.row_number for row in result.rows] == [4, 5, 7, 8, 10, 11, 12, 13, 14, 15]
    assert by_name["张三"].values["id_number"] == ID_1978  # stored as a number
    assert by_name["张三"].values["phone"] == "13812345678"
    assert by_name["张三"].values["political_status"] == "cpc"
    assert by_name["李梅"].values["id_number"] == ID_1985
    assert by_name["王五"].values["phone"] == "028-12345678"
    assert by_name["王五"].values["education"] == "college"
    assert {name: row.values["birth_date"] for name, row in by_name.items()} == {
        "张三": datetime.date(1978, 5, 12),
        "李梅": datetime.date(1985, 3, 1),
        "王五": datetime.date(1990, 1, 1),
        "赵六": datetime.date(1990, 1, 1),
        "孙七": datetime.date(1990, 1, 5),
        "周八": datetime.date(1990, 1, 5),
        "吴九": datetime.date(1990, 5, 1),
        "郑十": datetime.date(1990, 10, 1),
        "冯一": datetime.date(1990, 1, 5),
        "陈二": datetime.date(1990, 5, 7),  # Excel serial 33000
    }


def test_two_row_header_with_merged_cells_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["人才名册"])
    sheet.append(["姓名", "所在单位", "联系方式", None])
    sheet.append([None, None, "手机", "邮箱"])
    sheet.append(["张三", "青山中学", "13812345678", "zs@example.com"])
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:B3")
    sheet.merge_cells("C2:D2")
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = parse(buffer.getvalue())

    assert result.errors == []
    [row] = result.rows
    assert (row.row_number, row.name, row.work_unit) == (4, "张三", "青山中学")
    assert row.values == {"phone": "13812345678", "email": "zs@example.com"}


def test_lower_case_x_is_accepted_and_upper_cased():
    number = id_number("11010519780512003")
    assert number.endswith("X")
    result = parse(roster_bytes([["王小明", "", "", "", "", "", "", "青山中学", "", number.lower()]]))
    assert result.errors == []
    assert result.rows[0].values["id_number"] == number


def test_birth_date_and_gender_come_from_the_id_number_when_left_empty():
    result = parse(roster_bytes([["李梅", None, None, None, None, None, None, "青山中学", None, ID_1985]]))
    assert result.rows[0].values["birth_date"] == datetime.date(1985, 3, 1)
    assert result.rows[0].values["gender"] == "F"


def test_headers_are_normalised():
    assert normalize_header(" 出生年月（年.月）* ") == "出生年月"
    assert normalize_header("身份证号码【必填】") == "身份证号码"
    assert normalize_header("Ｅｍａｉｌ") == "email"


def test_downloaded_template_parses_into_its_example_row():
    buffer = io.BytesIO()
    write_roster_template(buffer, categories=TalentCategory.objects.filter(is_active=True))

    result = parse(buffer.getvalue())

    assert result.errors == []
    assert result.header_row == 2
    [row] = result.rows
    assert (row.row_number, row.name, row.work_unit) == (3, "王小明", "青山农业合作社")
    assert row.values["birth_date"] == datetime.date(1978, 5, 1)
    assert row.values["degree"] == "bachelor"
    assert row.category_ids == [category_id("农村实用人才"), category_id("专业技术人才")]


# --- bad rows ---------------------------------------------------------------------------------


def test_missing_name_is_reported_with_the_row_number_excel_shows():
    content = roster_bytes(
        [["张三", "", "", "", "", "", "", "青山中学", "", ""], ["", "男", "", "", "", "", "", "青山中学"]]
    )
    assert problems(content) == ["第3行：缺少姓名"]


def test_missing_work_unit_is_reported():
    assert problems(roster_bytes([["张三"]])) == ["第2行：缺少所在单位"]


def test_wrong_check_digit_is_reported():
    wrong = ID_1978[:17] + ("0" if ID_1978[17] != "0" else "1")
    assert problems(roster_bytes([["张三", "", "", "", "", "", "", "青山中学", "", wrong]])) == [
        "第2行：身份证号码校验位错误"
    ]


def test_malformed_id_number_is_reported():
    assert problems(roster_bytes([["张三", "", "", "", "", "", "", "青山中学", "", "51010419780512"]])) == [
        "第2行：身份证号码应为17位数字加1位数字或X"
    ]


def test_id_number_that_lost_digits_as_a_float_is_refused():
    # What Excel and openpyxl write for an 18-digit number: 5.101041978051212e+17.
    content = roster_bytes([["张三", "", "", "", "", "", "", "青山中学", "", int(ID_1978)]])
    [message] = problems(content)
    assert message.startswith("第2行：身份证号码以数字格式保存")
    assert "文本格式" in message


def test_unknown_category_is_reported():
    content = roster_bytes([["张三", "", "", "", "", "专业技术人才、科幻人才", "", "青山中学"]])
    assert problems(content) == ["第2行：人才类别“科幻人才”不存在或已停用"]


def test_inactive_category_is_refused():
    TalentCategory.objects.filter(name="技能人才").update(is_active=False)
    assert problems(roster_bytes([["张三", "", "", "", "", "技能人才", "", "青山中学"]])) == [
        "第2行：人才类别“技能人才”不存在或已停用"
    ]


def test_unknown_choice_lists_what_is_accepted():
    [message] = problems(roster_bytes([["张三", "未知", "", "", "", "", "", "青山中学"]]))
    assert message == "第2行：性别“未知”无法识别，可填：男、女"


def test_duplicate_id_in_the_file_names_both_rows():
    rows = [
        ["张三", "", "", "", "", "", "", "青山中学", "", ID_1978],
        ["李梅", "", "", "", "", "", "", "青山中学", "", ID_1985],
        ["张三", "", "", "", "", "", "", "青山中学", "", ID_1978.lower()],
    ]
    result = parse(roster_bytes(rows))
    assert [e.message for e in result.errors] == ["第4行：身份证号码与第2行重复"]
    assert [row.row_number for row in result.rows] == [2, 3]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1978-13", "第2行：出生日期“1978-13”不存在"),
        ("1978.02.30", "第2行：出生日期“1978.02.30”不存在"),
        ("2099-01", "第2行：出生日期“2099-01”晚于今天"),
        ("1899.12", "第2行：出生日期“1899.12”早于1900年"),
        ("七八年五月", "第2行：出生日期“七八年五月”不是有效日期"),
    ],
)
def test_impossible_date_is_reported(cell, expected):
    [message] = problems(roster_bytes([["张三", "", cell, "", "", "", "", "青山中学"]]))
    assert message.startswith(expected)


def test_bad_phone_is_reported():
    [message] = problems(roster_bytes([["张三", "", "", "", "", "", "", "青山中学", "1381234"]]))
    assert message.startswith("第2行：手机号码“1381234”不是11位手机号码")


def test_too_long_text_is_reported_not_left_to_the_database():
    assert problems(roster_bytes([["张" * 51, "", "", "", "", "", "", "青山中学"]])) == ["第2行：姓名超过50个字"]


def test_every_problem_of_a_row_is_in_its_one_message():
    [message] = problems(roster_bytes([["", "未知", "1978-13", "", "", "", "", "青山中学"]]))
    assert message.startswith("第2行：缺少姓名；")
    assert "性别“未知”" in message and "出生日期“1978-13”" in message


def test_bad_rows_do_not_hide_good_ones():
    rows = [
        ["张三", "", "", "", "", "", "", "青山中学"],
        ["", "", "", "", "", "", "", "青山中学"],
        ["李梅", "", "", "", "", "", "", "青山中学"],
    ]
    result = parse(roster_bytes(rows))
    assert [row.name for row in result.rows] == ["张三", "李梅"]
    assert [error.row_number for error in result.errors] == [3]


# --- bad files --------------------------------------------------------------------------------


def refused(content: bytes) -> str:
    with pytest.raises(UnsafeWorkbook) as caught:
        parse(content)
    return str(caught.value)


def test_text_file_is_refused():
    assert "这不是 Excel .xlsx 文件" in refused("姓名,所在单位\n张三,青山中学\n".encode())


def test_old_xls_file_is_refused():
    assert "这不是 Excel .xlsx 文件" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)


def test_empty_file_is_refused():
    assert refused(b"") == "文件是空的。"


def test_zip_without_a_workbook_is_refused():
    assert "这不是 Excel .xlsx 文件" in refused(zip_bytes({"readme.txt": b"hello"}))


def test_damaged_workbook_is_refused():
    content = zip_bytes({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"not xml"})
    assert refused(content) == "文件已损坏或不是真正的Excel文件，无法读取。"


def test_truncated_workbook_is_refused():
    assert "损坏" in refused(roster_bytes([["张三", "", "", "", "", "", "", "青山中学"]])[:3000])


def test_file_without_a_recognisable_header_is_refused():
    workbook = Workbook()
    workbook.active.append(["会议纪要"])
    workbook.active.append(["时间", "地点"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert refused(buffer.getvalue()).startswith("前10行中没有找到表头")


def test_header_without_work_unit_column_is_refused():
    assert refused(roster_bytes([["张三", "男"]], header=["姓名", "性别"])) == "表头缺少“所在单位”列。"


def test_roster_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr("talents.imports.MAX_ROWS", 2)
    rows = [["张三", "", "", "", "", "", "", "青山中学"]] * 3
    assert refused(roster_bytes(rows)) == "文件超过2行，请拆分为多个文件分别导入。"


def test_header_without_data_rows_is_refused():
    assert refused(roster_bytes([[], []])) == "文件只有表头，没有数据行。"


def test_file_over_10_mb_is_refused():
    assert refused(b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024)) == "文件超过 10 MB。"


def test_decompression_bomb_is_refused_before_it_is_inflated(tmp_path):
    path = tmp_path / "bomb.xlsx"
    decompression_bomb(path, megabytes=300)
    assert path.stat().st_size < 2 * 1024 * 1024
    assert refused(path.read_bytes()) == "文件解压后体积异常，已拒绝。"


def test_header_in_second_sheet_is_found():
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["请在第二个工作表填写"])
    data = workbook.create_sheet("名册")
    data.append(HEADER)
    data.append(["张三", "", "", "", "", "", "", "青山中学"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = parse(buffer.getvalue())
    assert (result.sheet_title, [row.name for row in result.rows]) == ("名册", ["张三"])


# --- review against the database ------------------------------------------------------------


def test_review_sorts_rows_into_updates_and_creations(staff_a, township_a, talent_a):
    rows = [
        ["张三", "", "", "", "", "", "", "青山农业合作社", "", talent_a.id_number],
        ["李梅", "", "", "", "", "", "", "青山中学", "", ID_1985],
    ]
    review = roster_review(result=parse(roster_bytes(rows)), organization=township_a, user=staff_a)
    assert review.errors == []
    assert [row.name for row in review.to_update] == ["张三"]
    assert [row.name for row in review.to_create] == ["李梅"]
    assert review.units["青山农业合作社"] == talent_a.work_unit
    assert review.new_units == ["青山中学"]


def test_review_refuses_an_id_registered_outside_the_users_scope(staff_a, township_a, talent_b):
    rows = [["李四", "", "", "", "", "", "", "青山中学", "", talent_b.id_number]]
    review = roster_review(result=parse(roster_bytes(rows)), organization=township_a, user=staff_a)
    assert [e.message for e in review.errors] == ["第2行：该身份证号码已登记在其他单位的人才库中"]
    assert "绿水" not in review.errors[0].message


def test_review_refuses_a_unit_name_found_twice_below_the_organization(staff_a, township_a, village_a):
    from accounts.tests.factories import OrganizationFactory

    other_village = OrganizationFactory(parent=township_a, name="桃园村", kind="village")
    WorkUnitFactory(name="村委会", organization=village_a)
    WorkUnitFactory(name="村委会", organization=other_village)
    review = roster_review(
        result=parse(roster_bytes([["张三", "", "", "", "", "", "", "村委会"]])), organization=township_a, user=staff_a
    )
    assert review.errors[0].message.startswith("第2行：所在单位“村委会”在青山镇下有多个同名单位")


def test_review_prefers_the_unit_of_the_organization_itself(staff_a, township_a, village_a):
    own = WorkUnitFactory(name="村委会", organization=township_a)
    WorkUnitFactory(name="村委会", organization=village_a)
    review = roster_review(
        result=parse(roster_bytes([["张三", "", "", "", "", "", "", "村委会"]])), organization=township_a, user=staff_a
    )
    assert review.errors == []
    assert review.units["村委会"] == own
