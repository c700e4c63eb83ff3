import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from liaison.models import Appeal, AppealCategory
from liaison.tests.factories import ContactLogFactory
from talents.tests.factories import MajorEventFactory

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("liaison:appeal_add", args=[talent.pk])


def _data(**changes):
    school = AppealCategory.objects.get(code="school")
    data = {"category": school.pk, "description": "子女明年入学", "source": "liaison", "urgency": "normal",
            "received_on": f"{timezone.localdate():%Y-%m-%d}", "measures": "联系教育局"}  # fmt: skip
    return {**data, **changes}


def test_liaison_registers_an_appeal(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    response = client.post(_url(talent_a), _data())
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response.url == reverse("liaison:appeal_detail", args=[appeal.pk])
    assert (appeal.talent, appeal.organization, appeal.status, appeal.source, appeal.created_by) == (
        talent_a, talent_a.organization, "registered", "liaison", liaison_a)  # fmt: skip
    assert appeal.events.get().action == "register"


def test_form_defaults_to_today_and_the_liaison_source(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    body = client.get(_url(talent_a)).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body
    assert 'value="liaison" checked' in body or 'value="liaison" selected' in body


def test_form_offers_recent_contacts_and_events_to_raise_it_from(client, staff_a, pairing_a, talent_a):
    contact = ContactLogFactory(pairing=pairing_a, opinions="希望解决配偶工作")
    event = MajorEventFactory(talent=talent_a, kind="family", description="父亲重病")
    client.force_login(staff_a)
    body = client.get(_url(talent_a)).content.decode()
    assert reverse("liaison:appeal_from_contact", args=[contact.pk]) in body
    assert reverse("liaison:appeal_from_event", args=[event.pk]) in body


def test_invalid_form_is_re_rendered_with_errors(client, staff_a, talent_a):
    client.force_login(staff_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(_url(talent_a), _data(description="", received_on=f"{tomorrow:%Y-%m-%d}"))
    body = response.content.decode()
    assert response.status_code == 200 and "这个字段是必填项" in body and "受理日期不能是将来的日期" in body
    response = client.post(_url(talent_a), _data(source="contact", received_on="not-a-date"))
    body = response.content.decode()
    assert "选择一个有效的选项" in body and "输入一个有效的日期" in body
    assert not Appeal.objects.exists()


def test_leader_registers_for_a_paired_talent(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    assert client.post(_url(talent_a), _data(source="talent")).status_code == 302
    assert Appeal.objects.get().source == "talent"


def test_leader_whose_pairing_ended_gets_403(client, leader_a, pairing_a, talent_a):
    pairing_a.end = datetime.date(2026, 1, 31)
    pairing_a.save()
    client.force_login(leader_a)
    assert client.get(_url(talent_a)).status_code == 403  # still sees the talent, may not register
    assert client.post(_url(talent_a), _data()).status_code == 403
    assert not Appeal.objects.exists()


def test_user_without_a_role_gets_403(client, talent_a):
    client.force_login(UserFactory())
    assert client.get(_url(talent_a)).status_code == 403


def test_outsider_gets_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.get(_url(talent_a)).status_code == 404


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url(talent_a)).status_code == 302


def test_patch_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.patch(_url(talent_a)).status_code == 405
