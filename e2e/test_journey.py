"""The year's work in a real browser: staff import, pair; a leader on a phone logs and raises; staff close.

Every step goes through the pages a person uses (forms, buttons, links); the database is only read
to find the ids that a person would pick from a list.
"""

import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from e2e.conftest import DESKTOP, PHONE
from liaison.models import Appeal, ContactLog, Holiday, Pairing, Term, VisitTask
from talents.models import Talent
from talents.tests.roster_files import id_number, roster_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_TALENT = "欧阳明月"
NEW_ID = id_number("51010419820315123")


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + reverse("accounts:login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile("/login/"))


def ok_message(page: Page, text: str):
    return expect(page.locator(".alert-success").filter(has_text=text).first).to_be_visible()


def test_a_year_of_liaison_work(browser, live_server, tmp_path, county_staff, township_a, work_unit_a, leader_a,
                                leader_a_record):  # fmt: skip
    base = live_server.url
    today = timezone.localdate()

    # --- staff, at a desk: log in, import the roster through upload → preview → confirm -------------
    staff_context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    staff_context.set_default_timeout(10_000)
    staff = staff_context.new_page()
    log_in(staff, base, "county_staff")
    staff.goto(base + reverse("talents:roster_import"))
    expect(staff.get_by_role("heading", name="导入花名册")).to_be_visible()
    workbook = tmp_path / "人才名册.xlsx"
    workbook.write_bytes(
        roster_bytes(
            [
                [NEW_TALENT, "女", "1982-03-15", "中共党员", "研究生", "", "", work_unit_a.name, "13900001111", NEW_ID],
                ["司马光明", "男", "1990-07-01", "群众", "本科", "", "", work_unit_a.name, "13900002222", ""],
            ],
            titles=["示范县青山镇人才花名册"],
        )
    )
    staff.get_by_label("导入到").select_option(value=str(township_a.pk))
    staff.locator("input[type=file]").set_input_files(workbook)
    staff.get_by_role("button", name="上传并检查").click()
    expect(staff.get_by_role("button", name="确认导入")).to_be_visible()
    expect(staff.get_by_text(NEW_TALENT).first).to_be_visible()
    staff.get_by_role("button", name="确认导入").click()
    expect(staff.locator(".alert-success").first).to_contain_text("2")
    talent = Talent.objects.with_id_number(NEW_ID).get()
    assert talent.work_unit_id == work_unit_a.pk

    # --- open a term and pair the leader with the imported talent -----------------------------------
    staff.goto(base + reverse("liaison:term_list"))
    staff.get_by_role("link", name="新建联系周期").click()
    staff.locator("[name=organization]").select_option(value=str(township_a.pk))
    staff.locator("[name=name]").fill("2026—2027 届")
    staff.locator("[name=start]").fill(f"{today.year}-01-01")
    staff.locator("[name=end]").fill(f"{today.year + 1}-12-31")
    staff.locator("[name=min_contacts_per_year]").fill("1")
    staff.get_by_role("button", name="保存").click()
    ok_message(staff, "2026—2027 届")
    term = Term.objects.get(name="2026—2027 届")

    staff.goto(base + reverse("liaison:term_list"))
    staff.get_by_role("row").filter(has_text="2026—2027 届").get_by_role("link", name="结对").click()
    staff.locator("[name=leader]").select_option(value=str(leader_a_record.pk))
    staff.locator("[name=talent]").select_option(value=str(talent.pk))
    staff.locator("[name=start]").fill(f"{today.year}-01-01")
    staff.get_by_role("button", name="保存").click()
    expect(staff.locator(".alert-success").first).to_be_visible()
    pairing = Pairing.objects.get(term=term, talent=talent)

    # --- the leader, on a phone: the due talent, a visit logged, an appeal raised -------------------
    phone_context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    phone_context.set_default_timeout(10_000)
    leader = phone_context.new_page()
    log_in(leader, base, leader_a.username)
    leader.goto(base + reverse("liaison:my_talents"))
    expect(leader.get_by_role("heading", name="我的联系人才")).to_be_visible()
    card = leader.locator(".talent-cards .list-group-item").filter(has_text=NEW_TALENT)
    expect(card.get_by_text("待联系")).to_be_visible()
    # Nothing on the phone page is wider than the screen.
    assert leader.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    card.get_by_role("link", name="记录联系").click()
    leader.get_by_role("radio", name="走访慰问").check()
    leader.locator("[name=summary]").fill("走访了解科研项目进展，人才反映子女入学有困难。")
    leader.locator("[name=opinions]").fill("希望协调子女就近入学。")
    leader.get_by_role("button", name="保存联系记录").click()
    expect(leader).to_have_url(re.compile(re.escape(reverse("liaison:my_talents")) + "$"))
    expect(card.get_by_text("已完成")).to_be_visible()
    assert ContactLog.objects.filter(pairing=pairing).count() == 1

    leader.goto(base + reverse("talents:talent_detail", args=[talent.pk]))
    leader.get_by_role("link", name="登记诉求").click()
    leader.locator("[name=category]").select_option(index=1)
    leader.locator("[name=description]").fill("子女明年秋季入学，希望就近安排到青山小学。")
    leader.get_by_role("button", name="登记", exact=True).click()
    expect(leader.locator(".alert-success").first).to_be_visible()
    appeal = Appeal.objects.get(talent=talent)
    assert appeal.status == Appeal.Status.REGISTERED
    phone_context.close()

    # --- staff take the appeal through to closed, with the buttons of the appeal page ----------------
    staff.goto(base + reverse("liaison:appeal_detail", args=[appeal.pk]))
    steps = [
        ("交办", {"lead_unit": "县教育局", "handler": county_staff.pk, "deadline": None}),
        ("开始办理", {}),
        ("办结", {"result": "已协调青山小学接收入学。"}),
        ("回访", {"satisfaction": "satisfied"}),
        ("销号", {}),
    ]
    for label, fields in steps:
        staff.get_by_role("link", name=label).first.click()
        for name, value in fields.items():
            field = staff.locator(f"[name={name}]")
            if name == "handler":
                field.select_option(value=str(value))
            elif name == "satisfaction":
                staff.locator(f"[name=satisfaction][value={value}]").check()
            elif value is not None:
                field.fill(value)
        staff.get_by_role("button", name=label, exact=True).click()
        ok_message(staff, label)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.CLOSED
    assert appeal.satisfaction == "satisfied"
    expect(staff.get_by_text("已销号").first).to_be_visible()

    # --- staff download the year's Excel and it opens ------------------------------------------------
    path = download_year_workbook(staff, base, tmp_path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    cells = {str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for value in row}
    workbook.close()
    assert NEW_TALENT in cells
    staff_context.close()


def download_year_workbook(page: Page, base: str, tmp_path) -> str:
    """Open the annual report page, click its Excel download link, save the file; return its path."""
    page.goto(base + reverse("liaison:report_detail"))
    with page.expect_download() as info:
        page.locator(f"a[href^='{reverse('liaison:report_download')}']").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return str(target)


def test_phone_login_page_fits(page: Page, live_server):
    """The login page on a 390-wide phone: Chinese labels, no sideways scrolling."""
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + reverse("accounts:login"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_phone_campaign_table_fits(browser, live_server, county_staff, pairing_a):
    """Staff check a holiday campaign on a phone: every column of the campaigns' table without scrolling."""
    holiday = Holiday.objects.get(name="全国科技工作者日")  # the longest name the migration seeds
    due = timezone.localdate()
    for key, kind, on in [("a", VisitTask.Kind.HOLIDAY, holiday), ("b", VisitTask.Kind.ILLNESS, None)]:
        VisitTask.objects.create(
            key=key, kind=kind, pairing=pairing_a, leader=pairing_a.leader, talent=pairing_a.talent, holiday=on,
            window_start=due, due_date=due,
        )  # fmt: skip
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, county_staff.username)
    page.goto(live_server.url + reverse("liaison:campaign_list"))
    table = page.locator(".table-responsive").first
    expect(table).to_contain_text("全国科技工作者日")
    expect(table).to_contain_text("三必访")
    expect(table.locator("th", has_text="已超期")).to_be_visible()
    expect(table.locator("th", has_text="达标率")).to_be_visible()
    assert table.evaluate("element => element.scrollWidth <= element.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
