import pytest
from django.urls import reverse

from activities import services
from activities.tests.test_activity_photos import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(together_a):
    return services.activity_photos_add(activity=together_a, photos=[jpeg()])[0]


def _url(photo):
    return reverse("activities:activity_photo", args=[photo.pk])


def test_staff_and_participants_see_the_photo(client, staff_a, leader_a, photo):
    for user in (staff_a, leader_a):
        client.force_login(user)
        response = client.get(_url(photo))
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


def test_a_missing_file_is_404_not_500(client, staff_a, photo):
    photo.image.storage.delete(photo.image.name)
    client.force_login(staff_a)
    assert client.get(_url(photo)).status_code == 404


def test_anonymous_goes_to_login(client, photo):
    response = client.get(_url(photo))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, photo):
    client.force_login(staff_b)
    assert client.get(_url(photo)).status_code == 404


def test_post_is_405(client, staff_a, photo):
    client.force_login(staff_a)
    assert client.post(_url(photo)).status_code == 405
