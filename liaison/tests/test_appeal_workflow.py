"""The workflow's step views: assign, start, progress, resolve, follow-up, close."""

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.models import Appeal
from liaison.tests.factories import appeal_at
from liaison.workdays import add_working_days

pytestmark = pytest.mark.django_db
S = Appeal.Status
STEPS = ["assign", "start", "progress", "resolve", "follow_up", "close"]


def _url(step, appeal):
    return reverse(f"liaison:appeal_{step}", args=[appeal.pk])


@pytest.fixture
def at(talent_a, liaison_a, handler_a, co_handler_a):
    """Make an appeal of talent_a standing in a status, handled by handler_a with co_handler_a."""
    return lambda status, **kw: appeal_at(
        status, talent=talent_a, created_by=liaison_a, handler=handler_a, co_handler=co_handler_a, **kw
    )


def test_assign_form_proposes_the_category_department_and_working_day_deadline(client, staff_a, at):
    client.force_login(staff_a)
    body = client.get(_url("assign", at(S.REGISTERED))).content.decode()
    deadline = add_working_days(timezone.localdate(), 15)
    assert 'value="教育局"' in body and f'value="{deadline:%Y-%m-%d}"' in body
    assert "自今日起 15 个工作日" in body


def test_staff_assign_an_appeal(client, staff_a, handler_a, co_handler_a, at):
    appeal = at(S.REGISTERED)
    deadline = timezone.localdate() + timezone.timedelta(days=20)
    data = {"version": 1, "lead_unit": "教育局", "handler": handler_a.pk, "co_handlers": [co_handler_a.pk],
            "co_units": "街道办", "deadline": f"{deadline:%Y-%m-%d}", "measures": "协调就近入学",
            "note": "请尽快"}  # fmt: skip
    client.force_login(staff_a)
    response = client.post(_url("assign", appeal), data)
    assert response.status_code == 302 and response.url == reverse("liaison:appeal_detail", args=[appeal.pk])
    appeal.refresh_from_db()
    assert (appeal.status, appeal.handler, appeal.deadline, appeal.co_units) == (
        "assigned",
        handler_a,
        deadline,
        "街道办",
    )
    assert list(appeal.co_handlers.all()) == [co_handler_a]
    assert appeal.events.get().note.endswith("请尽快")


def test_assign_refuses_a_handler_out_of_scope_and_a_malformed_date(client, staff_a, staff_b, at):
    appeal = at(S.REGISTERED)
    client.force_login(staff_a)
    data = {"version": 1, "lead_unit": "教育局", "handler": staff_b.pk, "deadline": "2026-13-45"}
    body = client.post(_url("assign", appeal), data).content.decode()
    assert "选择一个有效的选项" in body and "输入一个有效的日期" in body
    appeal.refresh_from_db()
    assert (appeal.status, appeal.handler) == ("registered", None)


def test_a_missing_version_is_explained(client, staff_a, handler_a, at):
    appeal = at(S.REGISTERED)
    client.force_login(staff_a)
    data = {"lead_unit": "教育局", "handler": handler_a.pk, "deadline": "2099-01-01"}
    response = client.post(_url("assign", appeal), data)
    assert response.status_code == 200 and "请刷新页面后重试" in response.content.decode()


def test_handler_starts_resolves_and_co_handler_reports_progress(client, handler_a, co_handler_a, at):
    appeal = at(S.ASSIGNED)
    client.force_login(handler_a)
    assert client.post(_url("start", appeal), {"version": 1, "note": "已受理"}).status_code == 302
    client.force_login(co_handler_a)
    assert client.post(_url("progress", appeal), {"note": "街道已对接学校"}).status_code == 302
    client.force_login(handler_a)
    assert client.post(_url("resolve", appeal), {"version": 2, "result": "已安排入学"}).status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.result, appeal.resolved_on) == ("resolved", "已安排入学", timezone.localdate())
    assert [e.action for e in appeal.events.all()] == ["start", "progress", "resolve"]


def test_empty_result_and_empty_progress_are_re_rendered_with_errors(client, handler_a, at):
    appeal = at(S.IN_PROGRESS)
    client.force_login(handler_a)
    for step, data in [("resolve", {"version": 1, "result": ""}), ("progress", {"note": ""})]:
        response = client.post(_url(step, appeal), data)
        assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.events.count()) == ("in_progress", 0)


def test_leader_follows_up_unsatisfied_and_it_goes_round_again(client, leader_a, pairing_a, at):
    appeal = at(S.RESOLVED)
    client.force_login(leader_a)
    response = client.post(_url("follow_up", appeal), {"version": 1, "satisfaction": "unsatisfied", "note": "太远"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.round, appeal.satisfaction) == ("assigned", 2, "")
    assert appeal.deadline == add_working_days(timezone.localdate(), 15)
    body = client.get(reverse("liaison:appeal_detail", args=[appeal.pk])).content.decode()
    assert "退回重新办理" in body and "不满意" in body


def test_follow_up_needs_a_satisfaction(client, liaison_a, at):
    appeal = at(S.RESOLVED)
    client.force_login(liaison_a)
    response = client.post(_url("follow_up", appeal), {"version": 1})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()


def test_staff_close_a_satisfied_appeal(client, staff_a, at):
    appeal = at(S.FOLLOWED_UP)
    client.force_login(staff_a)
    assert client.post(_url("close", appeal), {"version": 1, "note": "销号"}).status_code == 302
    appeal.refresh_from_db()
    assert (appeal.status, appeal.closed_on) == ("closed", timezone.localdate())


@pytest.mark.parametrize(
    "step, status, persona",
    [
        ("assign", S.REGISTERED, "liaison_a"),
        ("assign", S.REGISTERED, "leader_a"),
        ("start", S.ASSIGNED, "co_handler_a"),
        ("start", S.ASSIGNED, "liaison_a"),
        ("progress", S.IN_PROGRESS, "leader_a"),
        ("resolve", S.IN_PROGRESS, "co_handler_a"),
        ("follow_up", S.RESOLVED, "handler_a"),
        ("close", S.FOLLOWED_UP, "liaison_a"),
        ("close", S.FOLLOWED_UP, "handler_a"),
    ],
)
def test_wrong_role_gets_403(request, client, pairing_a, at, step, status, persona):
    appeal = at(status)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url(step, appeal)).status_code == 403
    assert client.post(_url(step, appeal), {"version": 1, "note": "x", "result": "x"}).status_code == 403
    appeal.refresh_from_db()
    assert (appeal.status, appeal.events.count()) == (status, 0)


@pytest.mark.parametrize("step", STEPS)
def test_outsider_gets_404(client, staff_b, at, step):
    client.force_login(staff_b)
    assert client.get(_url(step, at(S.ASSIGNED))).status_code == 404


@pytest.mark.parametrize("step", STEPS)
def test_anonymous_goes_to_login(client, at, step):
    response = client.get(_url(step, at(S.ASSIGNED)))
    assert response.status_code == 302 and "/login/" in response.url


@pytest.mark.parametrize("step", STEPS)
def test_patch_is_405(client, staff_a, at, step):
    client.force_login(staff_a)
    assert client.patch(_url(step, at(S.ASSIGNED))).status_code == 405


def test_a_step_the_status_does_not_allow_goes_back_to_the_appeal(client, staff_a, at):
    appeal = at(S.IN_PROGRESS)
    client.force_login(staff_a)
    response = client.get(_url("assign", appeal), follow=True)
    assert response.redirect_chain[-1][0] == reverse("liaison:appeal_detail", args=[appeal.pk])
    assert "不能执行“交办”" in response.content.decode()
    response = client.post(_url("close", appeal), {"version": 1, "note": "想销号"})
    assert response.status_code == 200 and "不能执行“销号”" in response.content.decode()
    assert "想销号" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == "in_progress"


def test_a_stale_step_is_refused_keeps_the_input_and_offers_the_new_version(client, staff_a, handler_a, at):
    appeal = at(S.IN_PROGRESS)
    Appeal.objects.filter(pk=appeal.pk).update(measures="另一位工作人员刚补充的措施", version=2)
    client.force_login(handler_a)
    response = client.post(_url("resolve", appeal), {"version": 1, "result": "已安排入学"})
    body = response.content.decode()
    assert response.status_code == 200 and "该诉求已被他人修改" in body
    assert "已安排入学" in body and "另一位工作人员刚补充的措施" in body
    assert 'name="version" value="2"' in body
    appeal.refresh_from_db()
    assert (appeal.status, appeal.measures) == ("in_progress", "另一位工作人员刚补充的措施")
    assert client.post(_url("resolve", appeal), {"version": 2, "result": "已安排入学"}).status_code == 302


@pytest.mark.parametrize("version", ["abc", "0", "99999999999999"])
def test_a_garbled_version_is_explained_not_a_crash(client, staff_a, at, version):
    appeal = at(S.FOLLOWED_UP)
    client.force_login(staff_a)
    response = client.post(_url("close", appeal), {"version": version})
    assert response.status_code == 200 and "请刷新页面后重试" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == "followed_up"
