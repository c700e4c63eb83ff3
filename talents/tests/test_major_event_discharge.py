import datetime

import pytest
from django.urls import reverse

from talents.models import MajorEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def illness(talent_a, liaison_a):
    return MajorEvent.objects.create(talent=talent_a, kind="health", date=datetime.date(2026, 11, 1),
                                     description="住院", reported_by=liaison_a)  # fmt: skip


def test_liaison_reports_the_discharge(client, liaison_a, illness):
    client.force_login(liaison_a)
    url = reverse("talents:major_event_discharge", args=[illness.pk])
    assert url in client.get(reverse("talents:talent_detail", args=[illness.talent_id])).content.decode()
    assert client.post(url, {"on": "2026-11-10"}).status_code == 302
    illness.refresh_from_db()
    assert illness.discharged_on == datetime.date(2026, 11, 10)


def test_discharge_before_the_illness_is_refused(client, liaison_a, illness):
    client.force_login(liaison_a)
    response = client.post(reverse("talents:major_event_discharge", args=[illness.pk]), {"on": "2026-10-01"})
    assert response.status_code == 200
    assert "出院日期不能早于" in response.content.decode()


def test_sibling_staff_get_404(client, staff_b, illness):
    client.force_login(staff_b)
    assert (
        client.post(reverse("talents:major_event_discharge", args=[illness.pk]), {"on": "2026-11-10"}).status_code
        == 404
    )


def test_leader_gets_403(client, leader_a, pairing_a, illness):
    client.force_login(leader_a)
    assert client.get(reverse("talents:major_event_discharge", args=[illness.pk])).status_code == 403


def test_anonymous_and_wrong_method(client, staff_a, illness):
    url = reverse("talents:major_event_discharge", args=[illness.pk])
    assert client.get(url).status_code == 302
    client.force_login(staff_a)
    assert client.delete(url).status_code == 405
