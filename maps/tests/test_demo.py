import datetime

import pytest
from django.core.management import call_command

from accounts.models import Organization
from maps.models import GrowthRecord, Mentorship, SupportRecord, TalentNeed
from maps.services import demand_figures

pytestmark = pytest.mark.django_db


def _counts():
    return tuple(m.objects.count() for m in (TalentNeed, Mentorship, GrowthRecord, SupportRecord))


def test_seed_fills_the_maps_of_qingshan_once(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda: datetime.date(2026, 11, 21))
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first == (4, 2, 3, 3)
    rows = {(r["field"], r["category"]): r for r in demand_figures(Organization.objects.get(name="青山镇"), 2026)}
    assert (rows[("茶叶加工", "农村实用人才")]["have"], rows[("茶叶加工", "农村实用人才")]["gap"]) == (1, 2)
