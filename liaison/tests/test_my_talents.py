import datetime

import pytest
from django.urls import reverse

from liaison.tests.factories import ContactLogFactory, PairingFactory
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db
URL = reverse("liaison:my_talents")


def test_lists_paired_talents_with_this_years_count_and_badge(client, leader_a, pairing_a, work_unit_a):
    year = datetime.date.today().year
    ContactLogFactory(pairing=pairing_a, date=datetime.date(year, 1, 5))
    other = PairingFactory(term=pairing_a.term, leader=pairing_a.leader, talent=TalentFactory(name="王五",
                           work_unit=work_unit_a))  # fmt: skip
    ContactLogFactory(pairing=other, date=datetime.date(year - 1, 6, 1))
    client.force_login(leader_a)
    response = client.get(URL)
    rows = {p.talent.name: (p.contacts_this_year, p.met_minimum, p.last_contact) for p in response.context["pairings"]}
    assert rows == {"张三": (1, True, datetime.date(year, 1, 5)), "王五": (0, False, datetime.date(year - 1, 6, 1))}
    body = response.content.decode()
    assert "待联系" in body and "已完成" in body and "记录联系" in body
    # Due talents come first.
    assert [p.talent.name for p in response.context["pairings"]] == ["王五", "张三"]


def test_pending_contacts_offer_one_tap_confirmation(client, leader_a, pairing_a, staff_a):
    contact = ContactLogFactory(pairing=pairing_a, confirmed_at=None, created_by=staff_a)
    client.force_login(leader_a)
    body = client.get(URL).content.decode()
    assert reverse("liaison:contact_confirm", args=[contact.pk]) in body
    assert "李娜" in body


def test_ended_pairings_are_not_listed(client, leader_a, pairing_a):
    pairing_a.end = pairing_a.start
    pairing_a.save()
    client.force_login(leader_a)
    assert list(client.get(URL).context["pairings"]) == []


def test_query_count_is_constant(client, leader_a, pairing_a, work_unit_a, django_assert_max_num_queries):
    for _i in range(20):
        PairingFactory(term=pairing_a.term, leader=pairing_a.leader, talent=TalentFactory(work_unit=work_unit_a))
    client.force_login(leader_a)
    with django_assert_max_num_queries(12):
        assert len(client.get(URL).context["pairings"]) == 21


def test_staff_get_403(client, staff_a):
    client.force_login(staff_a)
    assert client.get(URL).status_code == 403


def test_anonymous_goes_to_login(client):
    assert client.get(URL).status_code == 302


def test_post_is_405(client, leader_a):
    client.force_login(leader_a)
    assert client.post(URL).status_code == 405
