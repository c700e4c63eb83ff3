import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _url(need):
    return reverse("maps:need_edit", args=[need.pk])


def _data(need, **changes):
    return {"organization": need.organization_id, "field": need.field, "count": 5, "source": need.source, **changes}


def test_staff_change_a_need(client, staff_a, need_a):
    client.force_login(staff_a)
    response = client.post(_url(need_a), _data(need_a, reason="新建茶厂两座"))
    assert response.status_code == 302
    need_a.refresh_from_db()
    assert (need_a.count, need_a.reason) == (5, "新建茶厂两座")


def test_get_shows_the_form(client, staff_a, need_a):
    client.force_login(staff_a)
    response = client.get(_url(need_a))
    assert response.status_code == 200
    assert response.context["form"].instance == need_a


def test_invalid_form_is_shown_again(client, staff_a, need_a):
    client.force_login(staff_a)
    response = client.post(_url(need_a), _data(need_a, count=""))
    assert response.status_code == 200
    assert "count" in response.context["form"].errors
    need_a.refresh_from_db()
    assert need_a.count == 3


def test_anonymous_goes_to_login(client, need_a):
    assert client.get(_url(need_a)).url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, need_a):
    client.force_login(staff_b)
    assert client.post(_url(need_a), _data(need_a)).status_code == 404
    need_a.refresh_from_db()
    assert need_a.count == 3


def test_leader_gets_403(client, leader_a, need_a):
    client.force_login(leader_a)
    assert client.get(_url(need_a)).status_code == 403


def test_delete_is_405(client, staff_a, need_a):
    client.force_login(staff_a)
    assert client.delete(_url(need_a)).status_code == 405
