import datetime

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from liaison.models import Appeal, AppealCategory
from liaison.tests.factories import ContactLogFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(pairing_a):
    return ContactLogFactory(pairing=pairing_a, date=datetime.date(2026, 3, 1), opinions="爱人随迁后尚未就业")


def _url(contact):
    return reverse("liaison:appeal_from_contact", args=[contact.pk])


def _data(**changes):
    spouse = AppealCategory.objects.get(code="spouse_job")
    data = {"category": spouse.pk, "description": "爱人随迁后尚未就业", "urgency": "normal",
            "received_on": "2026-03-01", "measures": ""}  # fmt: skip
    return {**data, **changes}


def test_form_is_prefilled_from_the_contact(client, leader_a, contact):
    client.force_login(leader_a)
    body = client.get(_url(contact)).content.decode()
    assert "爱人随迁后尚未就业" in body and 'value="2026-03-01"' in body
    assert 'name="source"' not in body  # the source is the contact


def test_leader_raises_what_was_heard(client, leader_a, contact, talent_a):
    client.force_login(leader_a)
    response = client.post(_url(contact), _data(urgency="urgent"))
    appeal = Appeal.objects.get()
    assert response.status_code == 302
    assert (appeal.talent, appeal.source, appeal.contact, appeal.received_on, appeal.urgency) == (
        talent_a, "contact", contact, datetime.date(2026, 3, 1), "urgent")  # fmt: skip


def test_invalid_form_is_re_rendered_with_errors(client, leader_a, contact):
    client.force_login(leader_a)
    response = client.post(_url(contact), _data(category="", description=""))
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    assert not Appeal.objects.exists()


def test_staff_raise_it_too(client, staff_a, contact):
    client.force_login(staff_a)
    assert client.post(_url(contact), _data()).status_code == 302
    assert Appeal.objects.get().created_by == staff_a


def test_user_without_a_role_gets_403(client, contact):
    client.force_login(UserFactory())
    assert client.get(_url(contact)).status_code == 403


def test_outsider_gets_404(client, staff_b, contact):
    client.force_login(staff_b)
    assert client.get(_url(contact)).status_code == 404


def test_anonymous_goes_to_login(client, contact):
    assert client.get(_url(contact)).status_code == 302


def test_delete_is_405(client, staff_a, contact):
    client.force_login(staff_a)
    assert client.delete(_url(contact)).status_code == 405
