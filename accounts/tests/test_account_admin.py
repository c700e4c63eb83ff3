"""The account administrator (三员分立): manages organizations and accounts, never reads talent data."""

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account_admin(township_a):
    user = UserFactory(username="zhanghu", name="账号管理员")
    MembershipFactory(user=user, organization=township_a, role="account_admin")
    return user


def test_adds_a_user_in_their_township(client, account_admin, village_a):
    client.force_login(account_admin)
    data = {"username": "wangfang", "name": "王芳", "role": "leader", "phone": "", "email": "",
            "password": "Qingshan-2026"}  # fmt: skip
    response = client.post(reverse("accounts:member_add", args=[village_a.pk]), data)
    assert response.status_code == 302
    assert User.objects.get(username="wangfang").memberships.get().organization == village_a


def test_sees_the_township_tree_but_not_the_sibling(client, account_admin, township_a, township_b):
    client.force_login(account_admin)
    assert client.get(reverse("accounts:org_detail", args=[township_a.pk])).status_code == 200
    assert client.get(reverse("accounts:org_detail", args=[township_b.pk])).status_code == 404


def test_reads_no_talent_of_their_own_township(client, account_admin, talent_a):
    client.force_login(account_admin)
    assert client.get(reverse("talents:talent_detail", args=[talent_a.pk])).status_code == 404
    listing = client.get(reverse("talents:talent_list"))
    assert talent_a.name not in listing.content.decode()
    assert client.get(reverse("liaison:compliance")).status_code == 403
