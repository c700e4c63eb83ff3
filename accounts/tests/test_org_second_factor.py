"""The organization policy "require a second factor of its staff": accounts.views.org_second_factor,
its inheritance down the tree, and the enrolment it forces (accounts.middleware.RequiredStepMiddleware).

A checkbox form has no invalid input: an unticked box means "not required".
"""

import pyotp
import pytest
from django.urls import reverse

from accounts.tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-horse-42"


def _url(organization):
    return reverse("accounts:org_second_factor", args=[organization.pk])


def test_staff_turn_the_policy_on_and_off(client, staff_a, township_a):
    TOTPDeviceFactory(user=staff_a)  # so staff_a is not sent to enrolment at once
    client.force_login(staff_a)
    response = client.post(_url(township_a), {"require_second_factor": "on"})
    township_a.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("accounts:org_detail", args=[township_a.pk])
    assert township_a.require_second_factor
    client.post(_url(township_a), {})
    township_a.refresh_from_db()
    assert not township_a.require_second_factor


def test_organization_page_shows_the_policy_and_where_it_comes_from(client, staff_a, county, village_a):
    county.require_second_factor = True
    county.save()
    TOTPDeviceFactory(user=staff_a)
    client.force_login(staff_a)
    body = client.get(reverse("accounts:org_detail", args=[village_a.pk])).content.decode()
    assert _url(village_a) in body
    assert "要求工作人员启用两步验证" in body
    assert "示范县" in body


def test_sibling_staff_get_404(client, staff_b, township_a):
    client.force_login(staff_b)
    response = client.post(_url(township_a), {"require_second_factor": "on"})
    township_a.refresh_from_db()
    assert response.status_code == 404
    assert not township_a.require_second_factor


def test_leader_gets_403(client, leader_a, township_a):
    client.force_login(leader_a)
    assert client.post(_url(township_a), {"require_second_factor": "on"}).status_code == 403


def test_anonymous_goes_to_login(client, township_a):
    response = client.post(_url(township_a), {"require_second_factor": "on"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_get_is_405(client, staff_a, township_a):
    client.force_login(staff_a)
    assert client.get(_url(township_a)).status_code == 405


# --- inheritance and enforcement ------------------------------------------------------------------


@pytest.fixture
def village_staff(village_a):
    user = UserFactory(username="village_staff", password=PASSWORD)
    MembershipFactory(user=user, organization=village_a, role="staff")
    return user


def test_policy_covers_the_staff_of_the_whole_subtree_only(township_a, village_staff, staff_a, staff_b, leader_a):
    township_a.require_second_factor = True
    township_a.save()
    assert village_staff.second_factor_required()
    assert staff_a.second_factor_required()
    assert not staff_b.second_factor_required()  # sibling township
    assert not leader_a.second_factor_required()  # not staff


def test_policy_of_a_village_does_not_cover_the_township(village_a, staff_a, village_staff):
    village_a.require_second_factor = True
    village_a.save()
    assert village_staff.second_factor_required()
    assert not staff_a.second_factor_required()


def test_covered_staff_without_an_app_reach_only_enrolment_and_logout(client, township_a, village_staff):
    township_a.require_second_factor = True
    township_a.save()
    response = client.post(reverse("accounts:login"), {"username": "village_staff", "password": PASSWORD})
    assert client.get(response.url).url == reverse("accounts:totp_enrol")
    for page in (reverse("accounts:org_list"), reverse("talents:talent_list"), reverse("accounts:totp_disable")):
        assert client.get(page).url == reverse("accounts:totp_enrol")
    body = client.get(reverse("accounts:totp_enrol")).content.decode()
    assert "您所在组织要求" in body
    # Once enrolled, the site opens.
    from accounts.models import TOTPDevice

    secret = TOTPDevice.objects.get(user=village_staff).secret
    client.post(reverse("accounts:totp_enrol"), {"code": pyotp.TOTP(secret).now()})
    assert client.get(reverse("accounts:org_list")).status_code == 200


def test_logout_works_while_enrolment_is_due(client, township_a, village_staff):
    township_a.require_second_factor = True
    township_a.save()
    client.force_login(village_staff)
    response = client.post(reverse("accounts:logout"))
    assert response.url == reverse("accounts:login")


def test_password_change_comes_before_enrolment(client, township_a, village_staff):
    township_a.require_second_factor = True
    township_a.save()
    village_staff.must_change_password = True
    village_staff.save()
    client.force_login(village_staff)
    assert client.get(reverse("accounts:totp_enrol")).url == reverse("accounts:password_change")
    assert client.get(reverse("accounts:password_change")).status_code == 200
