import pytest
from django.db.models import Q

from accounts import scoping
from accounts.models import Organization, User
from accounts.tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_staff_see_their_subtree_and_not_a_sibling(staff_a, village_a, township_b):
    visible = set(Organization.objects.visible_to(staff_a))
    assert village_a in visible
    assert Organization.objects.get_parent(village_a) in visible
    assert township_b not in visible
    assert (
        Organization.objects.get_parent(Organization.objects.get_parent(village_a)) not in visible
    )  # the county above


def test_county_staff_see_both_townships(county_staff, township_a, township_b, village_a):
    visible = set(Organization.objects.visible_to(county_staff))
    assert {township_a, township_b, village_a} <= visible


def test_prefix_of_a_sibling_path_is_not_a_leak(county):
    # Paths are fixed-width steps, so township 1's path is never a prefix of township 10's.
    townships = [OrganizationFactory(parent=county, name=f"乡{i:02}") for i in range(12)]
    user = User.objects.create(username="t1")
    MembershipFactory(user=user, organization=townships[0], role="staff")
    assert list(Organization.objects.visible_to(user)) == [townships[0]]


def test_leader_and_liaison_see_no_organizations(leader_a, liaison_a, county):
    assert not Organization.objects.visible_to(leader_a).exists()
    assert not Organization.objects.visible_to(liaison_a).exists()


def test_users_visible_to_staff(staff_a, staff_b, leader_a, liaison_a, county_staff):
    assert set(User.objects.visible_to(staff_a)) == {staff_a, leader_a, liaison_a}
    assert set(User.objects.visible_to(county_staff)) == {county_staff, staff_a, staff_b, leader_a, liaison_a}


def test_nested_staff_memberships_are_not_doubled(staff_a, village_a):
    MembershipFactory(user=staff_a, organization=village_a, role="staff")
    staff_a._memberships_cache = None
    assert scoping.staff_paths(staff_a) == [Organization.objects.get_parent(village_a).path]


def test_superuser_sees_everything(county, township_b):
    root = User.objects.create(username="root", is_superuser=True)
    assert Organization.objects.visible_to(root).count() == 2


def test_staff_of_every_top_level_organization_need_no_filter(county_staff, county, township_a):
    assert scoping.organization_q(county_staff, "path") is scoping.EVERYTHING
    assert set(Organization.objects.visible_to(county_staff)) == {county, township_a}


def test_a_second_top_level_organization_brings_the_filter_back(county_staff, county, township_a):
    elsewhere = OrganizationFactory(name="另一县")
    county_staff._memberships_cache = None
    assert scoping.organization_q(county_staff, "path") is not scoping.EVERYTHING
    assert set(Organization.objects.visible_to(county_staff)) == {county, township_a}
    both = User.objects.create(username="both")
    MembershipFactory(user=both, organization=county, role="staff")
    MembershipFactory(user=both, organization=elsewhere, role="staff")
    assert scoping.organization_q(both, "path") is scoping.EVERYTHING


def test_who_sees_every_talent(county_staff, staff_a, leader_a, township_a):
    root = User.objects.create(username="root", is_superuser=True)
    assert scoping.sees_every_talent(root) and scoping.sees_every_talent(county_staff)
    assert not scoping.sees_every_talent(staff_a) and not scoping.sees_every_talent(leader_a)
    OrganizationFactory(name="另一县")
    county_staff._memberships_cache = None
    assert not scoping.sees_every_talent(county_staff)


def test_talent_paths(county_staff, staff_a, leader_a, liaison_a, township_a):
    assert scoping.talent_paths(county_staff) == [""]
    assert scoping.talent_paths(staff_a) == [township_a.path]
    assert scoping.talent_paths(leader_a) is None and scoping.talent_paths(liaison_a) is None
    MembershipFactory(user=staff_a, organization=township_a, role="leader")
    staff_a._memberships_cache = None
    assert scoping.talent_paths(staff_a) is None


def test_everything_stays_everything_when_or_ed(county_staff, leader_a, township_a):
    # An empty Q() OR-ed with a condition becomes that condition; EVERYTHING must not.
    q = scoping.organization_q(county_staff, "path") | Q(pk__in=[])
    assert set(Organization.objects.filter(q)) == set(Organization.objects.all())


def test_an_organization_s_line_is_its_own_path_and_those_above_it(county, township_a, village_a):
    assert village_a.line_paths() == [county.path, township_a.path, village_a.path]
    assert county.line_paths() == [county.path]
