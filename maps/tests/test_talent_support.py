import datetime

import pytest
from django.urls import reverse

from liaison.models import Appeal
from liaison.tests.factories import appeal_at
from maps.tests.factories import activity

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("maps:talent_support", args=[talent.pk])


def test_staff_see_the_three_sources(client, staff_a, talent_a, township_a, support_a):
    appeal = appeal_at(Appeal.Status.CLOSED, talent=talent_a)  # 子女入学
    activity(organization=township_a, kind_code="checkup", date=datetime.date(2026, 6, 1), talents=[talent_a])
    client.force_login(staff_a)
    response = client.get(_url(talent_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert [(i.kind.code, i.source) for i in response.context["items"]] == [
        ("health", "activity"), ("housing", "record"), ("schooling", "appeal")]  # fmt: skip
    assert reverse("liaison:appeal_detail", args=[appeal.pk]) in body
    assert reverse("maps:support_edit", args=[support_a.pk]) in body


def test_paired_leader_reads_only(client, leader_a, pairing_a, talent_a, support_a):
    client.force_login(leader_a)
    response = client.get(_url(talent_a))
    assert response.status_code == 200
    assert "发放人才住房补贴" in response.content.decode()
    assert response.context["form"] is None
    assert reverse("maps:support_edit", args=[support_a.pk]) not in response.content.decode()


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url(talent_a)).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.get(_url(talent_a)).status_code == 404


def test_unpaired_leader_gets_404(client, leader_a, talent_a):
    client.force_login(leader_a)
    assert client.get(_url(talent_a)).status_code == 404


def test_post_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.post(_url(talent_a)).status_code == 405
