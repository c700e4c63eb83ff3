"""The annual report's figures and workbook against the hand-made year of report_world."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from accounts.models import Organization
from liaison import exports
from liaison.models import ContactLog, Pairing
from liaison.reports import appeals_by, contacts_by_month, report_facts, report_sheets, report_summary
from liaison.tests.report_world import TODAY, YEAR
from talents.excel import write_workbook

pytestmark = pytest.mark.django_db

METHODS = [
    "面对面交流", "双向约谈", "走访慰问", "电话联系", "电子邮件", "书信往来", "下村检查/调研顺访", "座谈会", "团拜会",
    "微信/QQ群", "集中活动",
]  # fmt: skip


def _workbook(root):
    buffer = io.BytesIO()
    write_workbook(buffer, report_sheets(root, YEAR, TODAY))
    buffer.seek(0)
    return load_workbook(buffer)


def _rows(ws):
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_summary_counts_each_child_and_the_root_itself(world, township_a):
    own, village, total = report_summary(township_a, YEAR, TODAY)
    assert (own["name"], village["name"], total["name"]) == ("青山镇", "青山村", "合计")
    assert {k: own[k] for k in ("leaders", "talents", "pairings", "met", "rate", "contacts", "appeals")} == {
        "leaders": 1, "talents": 1, "pairings": 1, "met": 0, "rate": 0.0, "contacts": 0, "appeals": 0}  # fmt: skip
    assert {k: village[k] for k in ("leaders", "talents", "pairings", "met", "rate", "contacts")} == {
        "leaders": 0, "talents": 1, "pairings": 1, "met": 1, "rate": 100.0, "contacts": 2}  # fmt: skip
    assert dict(village["methods"]) == dict.fromkeys(METHODS, 0) | {"面对面交流": 1, "电话联系": 1}
    assert {k: village[k] for k in ("appeals", "resolved", "overdue_appeals", "satisfied", "basic", "unsatisfied")} == {
        "appeals": 2, "resolved": 1, "overdue_appeals": 1, "satisfied": 1, "basic": 0, "unsatisfied": 0}  # fmt: skip
    assert (village["visits_done"], village["visits_due"], village["visits_overdue"]) == (1, 2, 1)
    assert {k: total[k] for k in ("leaders", "talents", "pairings", "met", "rate", "contacts", "appeals")} == {
        "leaders": 1, "talents": 2, "pairings": 2, "met": 1, "rate": 50.0, "contacts": 2, "appeals": 2}  # fmt: skip


def test_county_summary_has_a_row_per_township(world, county):
    rows = report_summary(county, YEAR, TODAY)
    assert [(r["name"], r["pairings"], r["met"], r["contacts"], r["appeals"]) for r in rows] == [
        ("示范县", 0, 0, 0, 0), ("青山镇", 2, 1, 2, 2), ("绿水乡", 1, 1, 1, 1), ("合计", 3, 2, 3, 3)]  # fmt: skip


def test_the_whole_tree_without_the_kept_counts_filter_gives_the_same_summary(world, county):
    """The city staff's pages leave out the filter on organizations (``whole_tree``): the same rows."""
    assert list(Organization.objects.filter(depth=1)) == [county]
    assert report_summary(county, YEAR, TODAY, whole_tree=True) == report_summary(county, YEAR, TODAY)
    assert report_summary(county, YEAR, TODAY, whole_tree=True)[-1]["pairings"] == 3


def test_months_and_appeal_breakdowns_come_from_the_same_facts(world, township_a):
    facts = report_facts(township_a, YEAR, TODAY)
    assert contacts_by_month(facts) == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert dict(appeals_by(facts, "status")) == {"已登记": 0, "已交办": 1, "办理中": 0, "已办结": 0, "已回访": 0,
                                                "已销号": 1}  # fmt: skip
    assert appeals_by(facts, "category") == [("子女入学", 2)]


def test_workbook_sheets_and_their_numbers(world, township_a):
    wb = _workbook(township_a)
    assert wb.sheetnames == [
        "汇总", "联系优秀人才情况一览表", "联系记录", "人才诉求台账", "未达标", "走访慰问", "保障全景",
    ]  # fmt: skip
    summary = _rows(wb["汇总"])
    assert summary[0][:6] == ["组织", "班子成员", "人才", "结对数", "达标数", "达标率(%)"]
    assert summary[0][6:17] == METHODS
    assert summary[2][:6] == ["青山村", 1 - 1, 1, 1, 1, 100]
    assert summary[3][:6] == ["合计", 1, 2, 2, 1, 50]
    assert summary[3][17:] == [2, 2, 1, 1, 1, 0, 0, 1, 2]
    assert wb["汇总"].freeze_panes == "A2"


def test_pairing_table_lists_every_pairing_with_masked_phone(world, township_a):
    rows = _rows(_workbook(township_a)["联系优秀人才情况一览表"])
    assert rows[0] == [
        "序号", "联系领导", "职务", "联系人才", "所在单位", "人才职务", "人才类别", "联系电话", "联系周期",
        "本年联系次数", "最近联系", "联系方式", "备注",
    ]  # fmt: skip
    by_talent = {r[3]: r for r in rows[1:]}
    assert set(by_talent) == {"张三", "王五"}
    zhang = by_talent["张三"]
    assert zhang[1:3] == ["赵志刚", "党委书记"]
    assert zhang[7] == "138****5678"
    assert zhang[9] == 2
    assert zhang[10] == datetime.datetime(2026, 5, 10)
    assert zhang[11] == "电话联系、面对面交流"
    assert by_talent["王五"][9] == 0
    assert by_talent["王五"][12] == "未达标"


def test_pairing_table_remarks_an_ended_pairing_with_its_reason(world, township_a):
    Pairing.objects.filter(pk=world["pairing_c"].pk).update(
        end=datetime.date(2026, 6, 30), end_reason=Pairing.EndReason.TALENT_LEFT
    )
    rows = _rows(_workbook(township_a)["联系优秀人才情况一览表"])
    assert {r[3]: r[12] for r in rows[1:]} == {"张三": None, "王五": "2026-06-30 结束：人才调离"}


def test_formula_like_text_stays_text(world, township_a):
    wb = _workbook(township_a)
    table = {r[3]: r for r in _rows(wb["联系优秀人才情况一览表"])}
    assert table["王五"][5] == "'=1+1"
    contacts = _rows(wb["联系记录"])
    assert [r[7] for r in contacts[1:]] == ["了解工作进展", "'-2+3"]
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_text_like_an_error_code_stays_text(world, township_a):
    ContactLog.objects.filter(summary="-2+3").update(place="#N/A")
    ws = _workbook(township_a)["联系记录"]
    place = [row[10] for row in ws.iter_rows(min_row=2)][-1]
    assert (place.value, place.data_type) == ("#N/A", "s")


def test_workbook_reads_each_sheet_in_one_query_whatever_the_rows(
    world, township_a, monkeypatch, django_assert_num_queries
):
    # One row per fetch: a per-chunk prefetch or a per-row lookup would add queries here.
    monkeypatch.setattr(exports, "iter_in_chunks", lambda queryset: queryset.iterator(chunk_size=1))
    # The summary's facts, one per data sheet (5), the support panorama's three.
    with django_assert_num_queries(9):
        _workbook(township_a)


def test_no_personal_numbers_in_full(world, township_a):
    wb = _workbook(township_a)
    text = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    assert "13812345678" not in text
    assert "510104197805121233" not in text


def test_other_sheets(world, township_a):
    wb = _workbook(township_a)
    appeals = _rows(wb["人才诉求台账"])
    assert len(appeals) == 3
    assert [r[15] for r in appeals[1:]] == ["已交办", "已销号"]
    assert [r[16] for r in appeals[1:]] == ["是", "否"]
    below = _rows(wb["未达标"])
    assert [r[1:8] for r in below[1:]] == [["青山镇", "赵志刚", "党委书记", "王五", "青山镇卫生院", 0, 1]]
    visits = _rows(wb["走访慰问"])
    assert [(r[2], r[7], r[8], r[9]) for r in visits[1:]] == [
        ("春节", datetime.datetime(2026, 2, 17), datetime.datetime(2026, 2, 12), "已完成"),
        (None, datetime.datetime(2026, 9, 16), None, "已超期"),
    ]


def test_a_township_report_holds_nothing_of_another(world, township_a):
    wb = _workbook(township_a)
    text = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    assert "李四" not in text
    assert "绿水" not in text


def test_support_panorama_sheet_counts_talents_per_kind(world, township_a, talent_a, talent_b):
    """report_world's closed 子女入学 appeal, plus: 王五's housing subsidy twice, 张三's check-up, 李四's (绿水乡)."""
    from maps.tests.factories import SupportRecordFactory, activity, support_kind

    housing = support_kind("housing")
    SupportRecordFactory(talent=world["wang"], kind=housing, date=datetime.date(2026, 5, 1))
    SupportRecordFactory(talent=world["wang"], kind=housing, date=datetime.date(2026, 11, 1))  # the same talent
    SupportRecordFactory(talent=world["wang"], kind=housing, date=datetime.date(2025, 5, 1))  # last year
    activity(organization=township_a, kind_code="checkup", date=datetime.date(2026, 6, 1), talents=[talent_a])
    SupportRecordFactory(talent=talent_b, kind=housing, date=datetime.date(2026, 5, 1))
    rows = _rows(_workbook(township_a)["保障全景"])
    assert rows == [
        ["组织", "住房或住房补贴", "健康档案与体检", "子女入学", "配偶就业", "贷款与公积金", "疗养", "项目与资金支持",
         "其他", "受保障人才"],
        ["青山镇", 1, 0, 0, 0, 0, 0, 0, 0, 1],
        ["青山村", 0, 1, 1, 0, 0, 0, 0, 0, 1],
        ["合计", 1, 1, 1, 0, 0, 0, 0, 0, 2],
    ]  # fmt: skip
