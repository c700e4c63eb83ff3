import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _url(record):
    return reverse("maps:growth_edit", args=[record.pk])


def _data(**changes):
    return {"kind": "training", "date": "2026-04-10", "title": "茶叶精制加工培训班", "description": "", **changes}


def test_liaison_officer_corrects_a_record(client, liaison_a, growth_a):
    client.force_login(liaison_a)
    response = client.post(_url(growth_a), _data())
    assert response.status_code == 302
    growth_a.refresh_from_db()
    assert growth_a.title == "茶叶精制加工培训班"


def test_get_shows_the_form(client, staff_a, growth_a):
    client.force_login(staff_a)
    assert client.get(_url(growth_a)).context["form"].instance == growth_a


def test_invalid_form_is_shown_again(client, staff_a, growth_a):
    client.force_login(staff_a)
    response = client.post(_url(growth_a), _data(kind="nonsense"))
    assert response.status_code == 200
    assert "kind" in response.context["form"].errors
    growth_a.refresh_from_db()
    assert growth_a.title == "茶叶加工技术培训班"


def test_anonymous_goes_to_login(client, growth_a):
    assert client.get(_url(growth_a)).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, growth_a):
    client.force_login(staff_b)
    assert client.post(_url(growth_a), _data()).status_code == 404
    growth_a.refresh_from_db()
    assert growth_a.title == "茶叶加工技术培训班"


def test_paired_leader_gets_403(client, leader_a, pairing_a, growth_a):
    client.force_login(leader_a)
    assert client.post(_url(growth_a), _data()).status_code == 403


def test_delete_is_405(client, staff_a, growth_a):
    client.force_login(staff_a)
    assert client.delete(_url(growth_a)).status_code == 405
