import datetime

import pytest
from django.urls import reverse

from talents.models import Achievement
from talents.tests.factories import MajorEventFactory

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("talents:talent_detail", args=[talent.pk])


def test_timeline_shows_achievements_and_events_newest_first(client, staff_a, talent_a):
    Achievement.objects.create(talent=talent_a, date=datetime.date(2024, 6, 1), title="县级优秀人才")
    MajorEventFactory(talent=talent_a, date=datetime.date(2026, 3, 1), description="获省级科技进步奖")
    client.force_login(staff_a)
    entries = client.get(_url(talent_a)).context["entries"]
    assert [e.title for e in entries] == ["工作取得重大成就", "县级优秀人才"]


def test_page_masks_numbers_by_default(client, staff_a, talent_a):
    client.force_login(staff_a)
    body = client.get(_url(talent_a)).content.decode()
    assert "510***********1233" in body
    assert talent_a.id_number not in body


def test_paired_leader_reads_without_edit_buttons(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    response = client.get(_url(talent_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("talents:talent_edit", args=[talent_a.pk]) not in body
    assert reverse("talents:talent_reveal", args=[talent_a.pk]) not in body


def test_unpaired_leader_gets_404(client, leader_a, leader_a_record, talent_a):
    client.force_login(leader_a)
    assert client.get(_url(talent_a)).status_code == 404


def test_liaison_of_another_unit_gets_404(client, liaison_a, talent_b):
    client.force_login(liaison_a)
    assert client.get(_url(talent_b)).status_code == 404


def test_sibling_staff_get_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.get(_url(talent_a)).status_code == 404


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(_url(talent_a)).status_code == 302


def test_post_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.post(_url(talent_a)).status_code == 405
