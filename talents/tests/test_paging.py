import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from talents.models import Talent
from talents.paging import read_slice
from talents.tests.factories import TalentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def talents(work_unit_a):
    """Ten talents, ordered totally by name then pk."""
    for i in range(10):
        TalentFactory(name=f"人才{i:02d}", work_unit=work_unit_a)
    return Talent.objects.order_by("name_pinyin", "pk")


WAYS = [{"by_keys": False}, {"by_keys": True}, {"by_keys": True, "keys_inline": True}]


@pytest.mark.parametrize("way", WAYS, ids=["rows", "keys first", "keys inline"])
@pytest.mark.parametrize(("low", "high"), [(0, 3), (3, 6), (5, 8), (6, 10), (9, 10)])
def test_read_slice_returns_the_rows_forward_slicing_does(talents, low, high, way):
    expected = list(talents.values_list("pk", flat=True))[low:high]
    assert [t.pk for t in read_slice(talents, low, high, 10, **way)] == expected


@pytest.mark.parametrize("way", WAYS, ids=["rows", "keys first", "keys inline"])
def test_read_slice_past_the_middle_reads_the_reversed_ordering_from_its_start(talents, way):
    with CaptureQueriesContext(connection) as queries:
        read_slice(talents, 7, 10, 10, **way)
    first = queries.captured_queries[0]["sql"]
    assert "DESC" in first and "OFFSET" not in first
    assert len(queries) == (2 if way == {"by_keys": True} else 1)
