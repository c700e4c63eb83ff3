import pytest
from django.urls import reverse

from talents.models import PersonalDataAccess

pytestmark = pytest.mark.django_db


def _url(talent):
    return reverse("talents:talent_reveal", args=[talent.pk])


def test_staff_reveal_is_recorded(client, staff_a, talent_a):
    client.force_login(staff_a)
    response = client.post(_url(talent_a), HTTP_HX_REQUEST="true", REMOTE_ADDR="10.1.2.3")
    body = response.content.decode()
    assert "13812345678" in body and talent_a.id_number in body
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.talent, access.purpose, access.remote_addr) == (staff_a, talent_a, "reveal", "10.1.2.3")


def test_without_htmx_the_whole_page_is_shown(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    response = client.post(_url(talent_a))
    assert "<html" in response.content.decode()
    assert talent_a.id_number in response.content.decode()
    assert PersonalDataAccess.objects.filter(user=liaison_a).count() == 1


def test_leader_may_not_reveal(client, leader_a, pairing_a, talent_a):
    client.force_login(leader_a)
    assert client.post(_url(talent_a)).status_code == 403
    assert not PersonalDataAccess.objects.exists()


def test_sibling_staff_get_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.post(_url(talent_a)).status_code == 404
    assert not PersonalDataAccess.objects.exists()


def test_get_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.get(_url(talent_a)).status_code == 405


def test_anonymous_goes_to_login(client, talent_a):
    assert client.post(_url(talent_a)).status_code == 302
