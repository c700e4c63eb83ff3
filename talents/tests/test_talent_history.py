import pytest
from django.urls import reverse

from talents.services import talent_save

pytestmark = pytest.mark.django_db


def test_staff_see_changes_and_data_accesses(client, staff_a, talent_a):
    talent_a.post = "理事长"
    talent_save(talent=talent_a)
    client.force_login(staff_a)
    client.post(reverse("talents:talent_reveal", args=[talent_a.pk]))
    body = client.get(reverse("talents:talent_history", args=[talent_a.pk])).content.decode()
    assert "理事长" in body
    assert "李娜" in body  # the reveal is listed with who did it


def test_liaison_gets_403(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    assert client.get(reverse("talents:talent_history", args=[talent_a.pk])).status_code == 403


def test_sibling_staff_get_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.get(reverse("talents:talent_history", args=[talent_a.pk])).status_code == 404


def test_anonymous_goes_to_login(client, talent_a):
    assert client.get(reverse("talents:talent_history", args=[talent_a.pk])).status_code == 302


def test_post_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.post(reverse("talents:talent_history", args=[talent_a.pk])).status_code == 405
