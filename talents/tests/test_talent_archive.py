import pytest
from django.urls import reverse

from talents.models import Talent

pytestmark = pytest.mark.django_db


def test_staff_archive_keeps_the_record(client, staff_a, talent_a):
    client.force_login(staff_a)
    response = client.post(reverse("talents:talent_archive", args=[talent_a.pk]))
    talent_a.refresh_from_db()
    assert response.status_code == 302
    assert talent_a.status == Talent.Status.ARCHIVED
    assert Talent.objects.filter(pk=talent_a.pk).exists()


def test_restore_brings_it_back(client, staff_a, talent_a):
    talent_a.status = Talent.Status.ARCHIVED
    talent_a.save()
    client.force_login(staff_a)
    client.post(reverse("talents:talent_restore", args=[talent_a.pk]))
    talent_a.refresh_from_db()
    assert talent_a.status == Talent.Status.ACTIVE


def test_liaison_may_not_archive(client, liaison_a, talent_a):
    client.force_login(liaison_a)
    assert client.post(reverse("talents:talent_archive", args=[talent_a.pk])).status_code == 403
    talent_a.refresh_from_db()
    assert talent_a.status == Talent.Status.ACTIVE


def test_sibling_staff_get_404(client, staff_b, talent_a):
    client.force_login(staff_b)
    assert client.post(reverse("talents:talent_archive", args=[talent_a.pk])).status_code == 404


def test_get_is_405(client, staff_a, talent_a):
    client.force_login(staff_a)
    assert client.get(reverse("talents:talent_archive", args=[talent_a.pk])).status_code == 405


def test_anonymous_goes_to_login(client, talent_a):
    assert client.post(reverse("talents:talent_restore", args=[talent_a.pk])).status_code == 302
