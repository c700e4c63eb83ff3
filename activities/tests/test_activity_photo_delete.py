import pytest
from django.urls import reverse

from activities import services
from activities.models import ActivityPhoto
from activities.tests.test_activity_photos import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(together_a):
    return services.activity_photos_add(activity=together_a, photos=[jpeg()])[0]


def _url(photo):
    return reverse("activities:activity_photo_delete", args=[photo.pk])


def test_staff_deletes_a_photo(client, staff_a, photo):
    client.force_login(staff_a)
    response = client.post(_url(photo))
    assert response.status_code == 302
    assert not ActivityPhoto.objects.filter(pk=photo.pk).exists()


def test_anonymous_goes_to_login(client, photo):
    response = client.post(_url(photo))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, photo):
    client.force_login(staff_b)
    assert client.post(_url(photo)).status_code == 404
    assert ActivityPhoto.objects.filter(pk=photo.pk).exists()


def test_leader_gets_403(client, leader_a, photo):
    client.force_login(leader_a)
    assert client.post(_url(photo)).status_code == 403


def test_get_is_405(client, staff_a, photo):
    client.force_login(staff_a)
    assert client.get(_url(photo)).status_code == 405
