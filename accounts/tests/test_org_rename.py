import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_rename(client, staff_a, village_a):
    client.force_login(staff_a)
    response = client.post(
        reverse("accounts:org_rename", args=[village_a.pk]), {"name": "青山社区", "kind": "community"}
    )
    village_a.refresh_from_db()
    assert response.status_code == 302
    assert (village_a.name, village_a.kind) == ("青山社区", "community")


def test_form_shows_current_values(client, staff_a, village_a):
    client.force_login(staff_a)
    assert 'value="青山村"' in client.get(reverse("accounts:org_rename", args=[village_a.pk])).content.decode()


def test_keeping_the_same_name_is_allowed(client, staff_a, village_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:org_rename", args=[village_a.pk]), {"name": "青山村", "kind": "community"})
    assert response.status_code == 302


def test_name_of_a_sibling_is_refused(client, staff_a, township_a, village_a):
    from accounts.tests.factories import OrganizationFactory

    OrganizationFactory(parent=township_a, name="桃园村", kind="village")
    client.force_login(staff_a)
    response = client.post(reverse("accounts:org_rename", args=[village_a.pk]), {"name": "桃园村", "kind": "village"})
    village_a.refresh_from_db()
    assert response.status_code == 200
    assert village_a.name == "青山村"


def test_blank_name_is_rerendered(client, staff_a, village_a):
    client.force_login(staff_a)
    response = client.post(reverse("accounts:org_rename", args=[village_a.pk]), {"name": "  ", "kind": "village"})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()


def test_sibling_staff_get_404(client, staff_b, village_a):
    client.force_login(staff_b)
    response = client.post(reverse("accounts:org_rename", args=[village_a.pk]), {"name": "改名", "kind": "village"})
    village_a.refresh_from_db()
    assert response.status_code == 404
    assert village_a.name == "青山村"


def test_liaison_gets_403(client, liaison_a, village_a):
    client.force_login(liaison_a)
    assert client.get(reverse("accounts:org_rename", args=[village_a.pk])).status_code == 403


def test_anonymous_goes_to_login(client, village_a):
    assert client.get(reverse("accounts:org_rename", args=[village_a.pk])).status_code == 302


def test_delete_is_405(client, staff_a, village_a):
    client.force_login(staff_a)
    assert client.delete(reverse("accounts:org_rename", args=[village_a.pk])).status_code == 405
