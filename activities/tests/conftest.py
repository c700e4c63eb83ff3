"""Fixtures of the activities tests, on top of the root personas.

- activity_a: a symposium organized by township A on 2026-03-10, nobody ticked yet.
- together_a: the same, with leader_a and talent_a (paired in pairing_a) both ticked and synced.
"""

import datetime

import pytest

from activities import services
from activities.tests.factories import GroupActivityFactory

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def activity_a(township_a, staff_a):
    return GroupActivityFactory(organization=township_a, created_by=staff_a)


@pytest.fixture
def together_a(activity_a, pairing_a, leader_a_record, talent_a):
    return services.activity_set_participants(activity=activity_a, talents=[talent_a], leaders=[leader_a_record])
