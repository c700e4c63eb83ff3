import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db


def _url(activity):
    return reverse("activities:activity_photos", args=[activity.pk])


def jpeg(name="合影.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_staff_adds_photos(client, staff_a, activity_a):
    client.force_login(staff_a)
    response = client.post(_url(activity_a), {"photos": [jpeg(), jpeg("会场.jpg")]})
    assert response.status_code == 302
    assert activity_a.photos.count() == 2


def test_a_fake_image_is_refused_with_the_contact_photo_rules(client, staff_a, activity_a):
    client.force_login(staff_a)
    fake = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client.post(_url(activity_a), {"photos": [fake]})
    assert response.status_code == 200 and response.context["form"].errors["photos"]
    assert activity_a.photos.count() == 0


def test_more_than_six_photos_are_refused(client, staff_a, activity_a):
    client.force_login(staff_a)
    response = client.post(_url(activity_a), {"photos": [jpeg(f"{n}.jpg") for n in range(7)]})
    assert response.status_code == 200 and activity_a.photos.count() == 0


def test_anonymous_goes_to_login(client, activity_a):
    response = client.get(_url(activity_a))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_outsider_gets_404(client, staff_b, activity_a):
    client.force_login(staff_b)
    assert client.post(_url(activity_a), {"photos": [jpeg()]}).status_code == 404


def test_leader_gets_403(client, leader_a, together_a):
    client.force_login(leader_a)
    assert client.get(_url(together_a)).status_code == 403


def test_delete_is_405(client, staff_a, activity_a):
    client.force_login(staff_a)
    assert client.delete(_url(activity_a)).status_code == 405
