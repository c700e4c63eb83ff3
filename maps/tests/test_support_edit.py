import pytest
from django.urls import reverse

from maps.tests.factories import support_kind

pytestmark = pytest.mark.django_db


def _url(record):
    return reverse("maps:support_edit", args=[record.pk])


def _data(**changes):
    return {"kind": support_kind("housing").pk, "date": "2026-05-01", "description": "人才公寓一套", **changes}


def test_staff_correct_a_record(client, staff_a, support_a):
    client.force_login(staff_a)
    response = client.post(_url(support_a), _data())
    assert response.status_code == 302
    support_a.refresh_from_db()
    assert support_a.description == "人才公寓一套"


def test_get_shows_the_form(client, liaison_a, support_a):
    client.force_login(liaison_a)
    assert client.get(_url(support_a)).context["form"].instance == support_a


def test_invalid_form_is_shown_again(client, staff_a, support_a):
    client.force_login(staff_a)
    response = client.post(_url(support_a), _data(date=""))
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    support_a.refresh_from_db()
    assert support_a.description == "发放人才住房补贴"


def test_anonymous_goes_to_login(client, support_a):
    assert client.get(_url(support_a)).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, support_a):
    client.force_login(staff_b)
    assert client.post(_url(support_a), _data()).status_code == 404
    support_a.refresh_from_db()
    assert support_a.description == "发放人才住房补贴"


def test_paired_leader_gets_403(client, leader_a, pairing_a, support_a):
    client.force_login(leader_a)
    assert client.post(_url(support_a), _data()).status_code == 403


def test_delete_is_405(client, staff_a, support_a):
    client.force_login(staff_a)
    assert client.delete(_url(support_a)).status_code == 405
