import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from liaison import services
from liaison.models import Appeal
from liaison.tests.factories import appeal_at

pytestmark = pytest.mark.django_db
S = Appeal.Status


def _url(appeal):
    return reverse("liaison:appeal_detail", args=[appeal.pk])


def _buttons(body):
    section = body.split('id="appeal-actions"')[1].split("</div>")[0]
    return {
        label
        for label in ["交办", "开始办理", "填报进展", "办结", "回访", "销号", "编辑"]
        if f"</i> {label}</a>" in section
    }


def test_staff_see_the_record_the_timeline_and_their_next_steps(client, staff_a, liaison_a, appeal_a):
    services.appeal_update(appeal=appeal_a, user=liaison_a, version=1, measures="协调学位", today=appeal_a.received_on)
    client.force_login(staff_a)
    body = client.get(_url(appeal_a)).content.decode()
    assert "子女入学" in body and "子女明年秋季入学" in body and "协调学位" in body and "已登记" in body
    timeline = body.split('id="appeal-timeline"')[1]
    assert "已修改" in timeline and "郑小红" in timeline and "修改了：针对性措施。" in timeline
    assert _buttons(body) == {"交办", "编辑"}


@pytest.mark.parametrize(
    "status, persona, buttons",
    [
        (S.ASSIGNED, "handler_a", {"开始办理", "填报进展"}),
        (S.ASSIGNED, "co_handler_a", {"填报进展"}),
        (S.IN_PROGRESS, "handler_a", {"填报进展", "办结"}),
        (S.IN_PROGRESS, "staff_a", {"填报进展", "办结", "编辑"}),
        (S.RESOLVED, "liaison_a", {"回访", "编辑"}),
        (S.RESOLVED, "leader_a", {"回访"}),
        (S.RESOLVED, "handler_a", set()),
        (S.FOLLOWED_UP, "staff_a", {"销号", "编辑"}),
        (S.CLOSED, "staff_a", set()),
    ],
)
def test_buttons_are_the_next_allowed_steps(
    request, client, talent_a, liaison_a, handler_a, co_handler_a, pairing_a, status, persona, buttons
):
    appeal = appeal_at(status, talent=talent_a, created_by=liaison_a, handler=handler_a, co_handler=co_handler_a)
    client.force_login(request.getfixturevalue(persona))
    assert _buttons(client.get(_url(appeal)).content.decode()) == buttons


def test_overdue_is_marked(client, staff_a, talent_a, liaison_a, handler_a):
    appeal = appeal_at(S.IN_PROGRESS, talent=talent_a, created_by=liaison_a, handler=handler_a)  # deadline 2026-03-23
    Appeal.objects.filter(pk=appeal.pk).update(deadline="2020-01-01")
    client.force_login(staff_a)
    assert "已超期" in client.get(_url(appeal)).content.decode()


def test_a_handler_outside_the_talents_scope_sees_the_appeal(client, talent_a, liaison_a, handler_a):
    appeal = appeal_at(S.ASSIGNED, talent=talent_a, created_by=liaison_a, handler=handler_a)
    client.force_login(handler_a)
    assert client.get(_url(appeal)).status_code == 200
    assert client.get(reverse("talents:talent_detail", args=[talent_a.pk])).status_code == 404


def test_outsider_gets_404(client, staff_b, appeal_a):
    client.force_login(staff_b)
    assert client.get(_url(appeal_a)).status_code == 404


def test_user_without_a_role_gets_403(client, appeal_a):
    client.force_login(UserFactory())
    assert client.get(_url(appeal_a)).status_code == 403


def test_anonymous_goes_to_login(client, appeal_a):
    assert client.get(_url(appeal_a)).status_code == 302


def test_post_is_405(client, staff_a, appeal_a):
    client.force_login(staff_a)
    assert client.post(_url(appeal_a)).status_code == 405
