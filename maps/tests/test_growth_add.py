import datetime

import pytest
from django.urls import reverse

from maps.models import GrowthRecord

pytestmark = pytest.mark.django_db
DATA = {
    "kind": GrowthRecord.Kind.COMPETITION,
    "date": "2026-05-20",
    "title": "全省制茶技能大赛",
    "description": "二等奖",
}


def _url(talent):
    return reverse("maps:growth_add", args=[talent.pk])


def test_liaison_officer_adds_a_record(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    response = client.post(_url(talent_a), DATA)
    assert response.status_code == 302
    assert response.url == reverse("maps:talent_growth", args=[talent_a.pk])
    record = GrowthRecord.objects.get(talent=talent_a)
    assert (record.kind, record.date, record.created_by) == ("competition", datetime.date(2026, 5, 20), liaison_a)


def test_staff_add_a_record(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.post(_url(talent_a), DATA).status_code == 302
    assert GrowthRecord.objects.filter(talent=talent_a, created_by=staff_a).exists()


def test_invalid_form_is_shown_again(client, staff_a, talent_a):
    client.force_login(staff_a)
    response = client.post(_url(talent_a), {**DATA, "title": "", "date": "2999-01-01"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title"}
    response = client.post(_url(talent_a), {**DATA, "date": "2999-01-01"})
    assert "date" in response.context["form"].errors  # not in the future
    assert not GrowthRecord.objects.exists()


def test_anonymous_goes_to_login(client, talent_a):
    assert client.post(_url(talent_a), DATA).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.post(_url(talent_a), DATA).status_code == 404
    assert not GrowthRecord.objects.exists()


def test_paired_leader_gets_403(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    assert client.post(_url(talent_a), DATA).status_code == 403
    assert not GrowthRecord.objects.exists()


def test_put_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.put(_url(talent_a)).status_code == 405
