import datetime

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from liaison.models import Appeal, AppealCategory
from talents.tests.factories import MajorEventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(talent_a, liaison_a):
    return MajorEventFactory(
        talent=talent_a, kind="family", date=datetime.date(2026, 2, 20), description="父亲重病住院，需要协调床位",
        reported_by=liaison_a,
    )  # fmt: skip


def _url(event):
    return reverse("liaison:appeal_from_event", args=[event.pk])


def _data(**changes):
    medical = AppealCategory.objects.get(code="medical")
    data = {"category": medical.pk, "description": "父亲重病住院，需要协调床位", "urgency": "urgent",
            "received_on": "2026-02-20"}  # fmt: skip
    return {**data, **changes}


def test_form_is_prefilled_from_the_event(client, liaison_a, event):
    client.force_login(liaison_a)
    body = client.get(_url(event)).content.decode()
    assert "父亲重病住院" in body and 'value="2026-02-20"' in body and "家庭重大困难" in body


def test_liaison_raises_an_appeal_from_a_family_difficulty(client, liaison_a, event, talent_a):
    client.force_login(liaison_a)
    assert client.post(_url(event), _data()).status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.talent, appeal.source, appeal.major_event, appeal.urgency) == (
        talent_a, "major_event", event, "urgent")  # fmt: skip


def test_invalid_form_is_re_rendered_with_errors(client, liaison_a, event):
    client.force_login(liaison_a)
    response = client.post(_url(event), _data(urgency="very", received_on="2026-02-31"))
    body = response.content.decode()
    assert response.status_code == 200 and "选择一个有效的选项" in body and "输入一个有效的日期" in body
    assert not Appeal.objects.exists()


def test_user_without_a_role_gets_403(client, event):
    client.force_login(UserFactory())
    assert client.post(_url(event), _data()).status_code == 403


def test_outsider_gets_404(client, staff_b, event):
    client.force_login(staff_b)
    assert client.get(_url(event)).status_code == 404


def test_anonymous_goes_to_login(client, event):
    assert client.get(_url(event)).status_code == 302


def test_put_is_405(client, staff_a, event):
    client.force_login(staff_a)
    assert client.put(_url(event)).status_code == 405
