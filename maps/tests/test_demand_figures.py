"""The demand map's figures against a hand-made township: need, have and gap (maps.services.demand_figures)."""

import datetime

import pytest

from accounts.models import Organization
from accounts.tests.factories import OrganizationFactory
from maps.models import TalentNeed
from maps.services import demand_figures
from maps.tests.factories import TalentNeedFactory
from talents.models import Talent, TalentCategory
from talents.tests.factories import TalentFactory, WorkUnitFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


def _talent(organization, field, *categories, status=Talent.Status.ACTIVE):
    talent = TalentFactory(work_unit=WorkUnitFactory(organization=organization), field=field, status=status)
    talent.categories.set(TalentCategory.objects.filter(code__in=categories))
    return talent


@pytest.fixture
def demand(county, township_a, village_a, township_b):
    """青山镇 grows tea: it needs processors (rural talents) and e-commerce talents; 绿水乡 needs processors too."""
    taoyuan = OrganizationFactory(parent=township_a, name="桃园村", kind="village")
    rural = TalentCategory.objects.get(code="rural")
    _talent(village_a, "茶叶加工", "rural")
    _talent(taoyuan, "茶叶加工与销售", "rural")  # the field contains 茶叶加工
    _talent(village_a, "茶叶加工", "rural", status=Talent.Status.ARCHIVED)  # archived: not had
    _talent(village_a, "茶叶加工", "professional")  # not a rural talent
    _talent(township_b, "茶叶加工", "rural")  # the sibling township's
    _talent(village_a, "农村电商")
    _talent(township_a, "电商运营", "returning_graduate")
    TalentNeedFactory(organization=township_a, field="茶叶加工", category=rural, count=3)
    TalentNeedFactory(
        organization=township_a, field=" 茶叶加工 ", category=rural, count=2
    )  # same need, from a symposium
    TalentNeedFactory(organization=township_a, field="茶叶加工", category=None, count=1)
    TalentNeedFactory(organization=village_a, field="电商", category=None, count=2)
    TalentNeedFactory(organization=township_a, field="电商", category=None, count=1)
    tourism = TalentNeedFactory(
        organization=township_a, field="旅游管理", count=2, needed_by=datetime.date(2025, 6, 30)
    )
    TalentNeed.objects.filter(pk=tourism.pk).update(created_at=datetime.datetime(2025, 3, 1, tzinfo=datetime.UTC))
    TalentNeedFactory(organization=township_b, field="茶叶加工", category=None, count=4)
    # Recorded at the start of YEAR, whatever the clock says.
    TalentNeed.objects.exclude(pk=tourism.pk).update(created_at=datetime.datetime(YEAR, 1, 5, tzinfo=datetime.UTC))


def _table(rows):
    return [(r["field"], r["category"], r["needed"], r["have"], r["gap"]) for r in rows]


def test_township_rows_add_up_needs_and_keep_gaps_per_organization(demand, township_a, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = demand_figures(township_a, YEAR)
    assert _table(rows) == [
        # village: needs 2, has 1 (农村电商), gap 1; township: needs 1, has 2, gap 0: the surplus fills no gap
        ("电商", "", 3, 3, 1),
        ("茶叶加工", "", 1, 3, 0),  # any category: the rural two and the professional one
        ("茶叶加工", "农村实用人才", 5, 2, 3),  # 3 + 2 needed, two active rural processors
        ("合计", "", 9, 8, 4),
    ]


def test_village_sees_its_own_needs_only(demand, village_a):
    assert _table(demand_figures(village_a, YEAR)) == [("电商", "", 2, 1, 1), ("合计", "", 2, 1, 1)]


def test_county_adds_the_sibling_townships_needs(demand, county):
    rows = {(r["field"], r["category"]): (r["needed"], r["have"], r["gap"]) for r in demand_figures(county, YEAR)}
    assert rows[("茶叶加工", "")] == (1 + 4, 3 + 1, 0 + 3)


def test_a_need_due_before_the_year_is_left_out(demand, township_a):
    assert "旅游管理" in {r["field"] for r in demand_figures(township_a, 2025)}
    assert "旅游管理" not in {r["field"] for r in demand_figures(township_a, YEAR)}


def test_a_need_recorded_after_the_year_is_left_out(demand, township_a):
    assert _table(demand_figures(township_a, 2024)) == [("合计", "", 0, 0, 0)]


def test_fields_match_as_icontains_does(township_a, village_a):
    _talent(village_a, "AI育种")
    _talent(village_a, "3DX打印")  # "_" is no wildcard
    _talent(village_a, "3D_打印机")
    _talent(village_a, "100%有机茶")
    for field in ("ai", "3D_打印", "0%有"):
        TalentNeedFactory(organization=township_a, field=field, count=1)
    rows = {r["field"]: r["have"] for r in demand_figures(township_a, datetime.date.today().year)}
    assert (rows["ai"], rows["3D_打印"], rows["0%有"]) == (1, 1, 1)


def test_a_talent_of_two_categories_is_had_once_per_need(township_a):
    _talent(township_a, "电商", "rural", "returning_graduate")
    rural = TalentCategory.objects.get(code="rural")
    graduate = TalentCategory.objects.get(code="returning_graduate")
    for category in (None, rural, graduate):
        TalentNeedFactory(organization=township_a, field="电商", category=category, count=2)
    rows = demand_figures(township_a, datetime.date.today().year)
    assert [(r["category"], r["have"], r["gap"]) for r in rows] == [
        ("", 1, 1), (rural.name, 1, 1), (graduate.name, 1, 1), ("", 3, 3)]  # fmt: skip
    assert rows[-1]["needs"] == 3


def test_queries_do_not_grow_with_the_needs(demand, township_a, county, grow, django_assert_num_queries):
    grow(30)
    with django_assert_num_queries(1):
        demand_figures(county, YEAR)


def test_the_whole_tree_without_its_filters_gives_the_same_rows(demand, county):
    """The city staff's map leaves out the filters on organizations (``whole_tree``): same figures."""
    assert list(Organization.objects.filter(depth=1)) == [county]
    assert demand_figures(county, YEAR, whole_tree=True) == demand_figures(county, YEAR)
    # Needed 5 + 1 + 1 (青山镇) + 2 (its village) + 4 (绿水乡); had 2 + 3 + 2, 1, 1; gaps 3 + 0 + 0, 1, 3.
    assert _table(demand_figures(county, YEAR, whole_tree=True))[-1] == ("合计", "", 13, 9, 7)
