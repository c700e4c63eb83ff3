"""Chinese working days: Monday to Friday, minus public holidays, plus the weekends worked instead (调休).

The exceptions come from the CalendarDay table, seeded from chinesecalendar and kept by staff for
the years the library does not know yet (from the State Council notice each autumn).
"""

import datetime

from liaison.models import CalendarDay

# The longest run of days off in the table (the Spring Festival week with its weekends) is 9 days,
# so n working days always fit in this many calendar days; the loop below copes if one day they do not.
SLACK_DAYS = 31


def load_exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, str]:
    """Return the calendar's exceptions between ``start`` and ``end`` (inclusive), date to kind."""
    return dict(CalendarDay.objects.between(start, end).values_list("date", "kind"))


def is_workday(day: datetime.date, exceptions: dict[datetime.date, str]) -> bool:
    """Whether ``day`` is a working day: a listed exception wins over the day of the week."""
    kind = exceptions.get(day)
    if kind is not None:
        return kind == CalendarDay.Kind.WORKDAY
    return day.weekday() < 5


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """Return the ``n``-th working day after ``start``; ``start`` itself never counts.

    A deadline of 5 working days for an appeal received on Friday 2026-02-13 is 2026-02-27: the
    Saturday 02-14 is worked (调休), 02-15..02-23 are the Spring Festival holiday.
    """
    if n <= 0:
        return start
    day, remaining = start, n
    while True:
        window_end = day + datetime.timedelta(days=remaining * 2 + SLACK_DAYS)
        exceptions = load_exceptions(day + datetime.timedelta(days=1), window_end)
        while day < window_end:
            day += datetime.timedelta(days=1)
            if is_workday(day, exceptions):
                remaining -= 1
                if remaining == 0:
                    return day
