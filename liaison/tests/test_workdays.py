import datetime

import pytest

from liaison.models import CalendarDay
from liaison.workdays import add_working_days, is_workday, load_exceptions

pytestmark = pytest.mark.django_db
D = datetime.date


def test_weekdays_work_and_weekends_rest_without_exceptions():
    assert is_workday(D(2026, 3, 6), {})  # Friday
    assert not is_workday(D(2026, 3, 7), {})  # Saturday


def test_an_exception_wins_over_the_day_of_the_week():
    exceptions = load_exceptions(D(2026, 2, 1), D(2026, 3, 1))
    assert not is_workday(D(2026, 2, 16), exceptions)  # Monday in the Spring Festival holiday
    assert is_workday(D(2026, 2, 14), exceptions)  # Saturday worked instead (调休)
    assert is_workday(D(2026, 2, 28), exceptions)  # the second make-up Saturday


def test_the_seeded_table_knows_spring_festival_2026():
    days = dict(CalendarDay.objects.between(D(2026, 2, 14), D(2026, 2, 28)).values_list("date", "kind"))
    holidays = sorted(d for d, kind in days.items() if kind == CalendarDay.Kind.HOLIDAY)
    assert (holidays[0], holidays[-1], len(holidays)) == (D(2026, 2, 15), D(2026, 2, 23), 9)
    assert sorted(d for d, kind in days.items() if kind == CalendarDay.Kind.WORKDAY) == [D(2026, 2, 14), D(2026, 2, 28)]


@pytest.mark.parametrize(
    "n, expected",
    [
        (1, D(2026, 2, 14)),  # the make-up Saturday counts
        (2, D(2026, 2, 24)),  # 02-15..02-23 are off
        (5, D(2026, 2, 27)),
        (6, D(2026, 2, 28)),  # the second make-up Saturday
        (7, D(2026, 3, 2)),  # Sunday 03-01 is off
        (15, D(2026, 3, 12)),
    ],
)
def test_working_days_across_spring_festival(n, expected):
    assert add_working_days(D(2026, 2, 13), n) == expected


def test_start_day_never_counts():
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)
    assert add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)  # from a Saturday: the Monday


def test_zero_days_is_the_start():
    assert add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)


def test_national_day_2026_with_its_make_up_days():
    # 国庆 10-01..10-07; Sunday 09-20 and Saturday 10-10 are worked.
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_one_query_for_a_deadline(django_assert_num_queries):
    with django_assert_num_queries(1):
        add_working_days(D(2026, 2, 13), 20)


def test_a_day_entered_by_staff_for_a_year_the_library_does_not_know():
    # chinesecalendar stops at 2026: 2027-01-01 (a Friday) is a plain working day until entered.
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    CalendarDay.objects.create(date=D(2027, 1, 1), kind=CalendarDay.Kind.HOLIDAY, name="元旦")
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_a_long_limit_matches_the_library():
    # 200 working days, counted by chinesecalendar itself: 2026-10-26.
    assert add_working_days(D(2026, 1, 1), 200) == D(2026, 10, 26)


def test_days_off_longer_than_the_window_are_still_counted():
    # An absurd 46-day closure, longer than the calendar days first loaded for one working day.
    closure = [D(2027, 3, 1) + datetime.timedelta(days=i) for i in range(46)]
    CalendarDay.objects.bulk_create(CalendarDay(date=d, kind=CalendarDay.Kind.HOLIDAY) for d in closure)
    assert add_working_days(D(2027, 2, 26), 1) == D(2027, 4, 16)
