import pytest
from django.urls import reverse

from liaison.models import Appeal
from liaison.tests.factories import appeal_at

pytestmark = pytest.mark.django_db


def _url(appeal):
    return reverse("liaison:appeal_edit", args=[appeal.pk])


def _data(appeal, **changes):
    data = {"version": appeal.version, "category": appeal.category_id, "description": appeal.description,
            "urgency": appeal.urgency, "received_on": f"{appeal.received_on:%Y-%m-%d}", "measures": appeal.measures,
            "co_units": appeal.co_units}  # fmt: skip
    return {**data, **changes}


def test_liaison_edits_the_measures(client, liaison_a, appeal_a):
    client.force_login(liaison_a)
    response = client.post(_url(appeal_a), _data(appeal_a, measures="联系教育局协调学位"))
    assert response.status_code == 302
    appeal_a.refresh_from_db()
    assert (appeal_a.measures, appeal_a.version) == ("联系教育局协调学位", 2)
    event = appeal_a.events.get()
    assert (event.action, event.actor, event.note) == ("edit", liaison_a, "修改了：针对性措施。")


def test_form_shows_the_current_record(client, staff_a, appeal_a):
    client.force_login(staff_a)
    body = client.get(_url(appeal_a)).content.decode()
    assert appeal_a.description in body and 'name="version" value="1"' in body


def test_invalid_form_is_re_rendered_with_errors(client, staff_a, appeal_a):
    client.force_login(staff_a)
    response = client.post(_url(appeal_a), _data(appeal_a, description="", received_on="2026-02-30"))
    body = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in body and "输入一个有效的日期" in body
    response = client.post(_url(appeal_a), _data(appeal_a, received_on="2099-01-01"))
    assert "受理日期不能是将来的日期" in response.content.decode()
    appeal_a.refresh_from_db()
    assert appeal_a.version == 1


def test_second_of_two_concurrent_edits_is_refused_and_loses_nothing(client, staff_a, liaison_a, appeal_a):
    # Both open the form at version 1; the liaison officer saves first.
    client.force_login(liaison_a)
    client.get(_url(appeal_a))
    assert client.post(_url(appeal_a), _data(appeal_a, measures="单位协调学位")).status_code == 302
    client.force_login(staff_a)
    response = client.post(_url(appeal_a), _data(appeal_a, measures="人才办协调学位", description="改过的内容"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "该诉求已被他人修改" in body
    assert "单位协调学位" in body  # the current state, as the first saved it
    assert "人才办协调学位" in body and "改过的内容" in body  # the second's input, kept in the form
    appeal_a.refresh_from_db()
    assert (appeal_a.measures, appeal_a.description, appeal_a.version) == (
        "单位协调学位",
        "子女明年秋季入学，希望协调就近学位",
        2,
    )
    # Having seen the first's change, the second saves deliberately on top of it.
    assert 'name="version" value="2"' in body
    response = client.post(_url(appeal_a), _data(appeal_a, measures="单位与人才办共同协调"))
    assert response.status_code == 302
    appeal_a.refresh_from_db()
    assert (appeal_a.measures, appeal_a.version) == ("单位与人才办共同协调", 3)


def test_a_closed_appeal_is_not_edited(client, staff_a, talent_a, liaison_a):
    appeal = appeal_at(Appeal.Status.CLOSED, talent=talent_a, created_by=liaison_a)
    client.force_login(staff_a)
    response = client.get(_url(appeal))
    assert response.status_code == 302 and response.url == reverse("liaison:appeal_detail", args=[appeal.pk])
    assert client.post(_url(appeal), _data(appeal, measures="x")).status_code == 200
    appeal.refresh_from_db()
    assert appeal.measures == ""


def test_leader_gets_403(client, leader_a, pairing_a, appeal_a):
    client.force_login(leader_a)
    assert client.get(_url(appeal_a)).status_code == 403


def test_outsider_gets_404(client, staff_b, appeal_a):
    client.force_login(staff_b)
    assert client.get(_url(appeal_a)).status_code == 404


def test_anonymous_goes_to_login(client, appeal_a):
    assert client.get(_url(appeal_a)).status_code == 302


def test_put_is_405(client, staff_a, appeal_a):
    client.force_login(staff_a)
    assert client.put(_url(appeal_a)).status_code == 405
