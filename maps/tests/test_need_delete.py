import pytest
from django.urls import reverse

from maps.models import TalentNeed

pytestmark = pytest.mark.django_db


def _url(need):
    return reverse("maps:need_delete", args=[need.pk])


def test_staff_delete_a_need(client, staff_a, need_a):
    client.force_login(staff_a)
    response = client.post(_url(need_a))
    assert response.status_code == 302
    assert response.url == f"{reverse('maps:demand_map')}?organization={need_a.organization_id}"
    assert not TalentNeed.objects.filter(pk=need_a.pk).exists()


def test_anonymous_goes_to_login(client, need_a):
    assert client.post(_url(need_a)).url.startswith(reverse("accounts:login"))
    assert TalentNeed.objects.filter(pk=need_a.pk).exists()


def test_outsider_gets_404(client, staff_b, need_a):
    client.force_login(staff_b)
    assert client.post(_url(need_a)).status_code == 404
    need_a.refresh_from_db()


def test_liaison_gets_403(client, liaison_a, need_a):
    client.force_login(liaison_a)
    assert client.post(_url(need_a)).status_code == 403
    assert TalentNeed.objects.filter(pk=need_a.pk).exists()


def test_get_is_405(client, staff_a, need_a):
    client.force_login(staff_a)
    assert client.get(_url(need_a)).status_code == 405
    assert TalentNeed.objects.filter(pk=need_a.pk).exists()
