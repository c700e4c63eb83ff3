"""Fixtures of the talents tests: a second staff member of township A and unmasked-export requests."""

import datetime

import pytest
from django.utils import timezone

from accounts.tests.factories import MembershipFactory, UserFactory
from talents.models import ExportApproval


@pytest.fixture
def staff_a2(township_a):
    """A second office staff member of township A: approves staff_a's requests, and asks too."""
    user = UserFactory(username="staff_a2", name="周敏")
    MembershipFactory(user=user, organization=township_a, role="staff")
    return user


@pytest.fixture
def request_by_a2(staff_a2, township_a):
    """A pending request of staff_a2 for township A's talents, filtered on 张三's initials."""
    return ExportApproval.objects.create(
        requested_by=staff_a2, organization=township_a, reason="核对身份证号", query="q=zs"
    )


@pytest.fixture
def approved_for_a(staff_a, staff_a2, township_a):
    """staff_a's request, approved by staff_a2 an hour ago."""
    now = timezone.now()
    return ExportApproval.objects.create(
        requested_by=staff_a, organization=township_a, reason="报送省人才办", query="q=zs",
        status=ExportApproval.Status.APPROVED, decided_by=staff_a2, decided_at=now - datetime.timedelta(hours=1),
        expires_at=now + datetime.timedelta(hours=23),
    )  # fmt: skip
