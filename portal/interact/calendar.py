"""Working days: Monday to Friday, minus the holidays staff enter, plus the 调休 weekend days worked."""
import datetime

ONE_DAY = datetime.timedelta(days=1)


def _calendar(start, end):
    from portal.interact.models import Holiday

    rows = Holiday.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    return dict(rows)


def is_working_day(day, calendar):
    if day in calendar:
        return calendar[day]
    return day.weekday() < 5


def working_days_after(start, days):
    """The date `days` working days after `start` (the day of receipt itself is not counted)."""
    # Even a Spring Festival week leaves at least one working day in three calendar days.
    calendar = _calendar(start, start + datetime.timedelta(days=days * 3 + 30))
    day, left = start, days
    while left > 0:
        day += ONE_DAY
        if is_working_day(day, calendar):
            left -= 1
    return day


def working_days_between(start, end, calendar=None):
    """Working days after `start` up to and including `end` (0 when answered the same day)."""
    if end <= start:
        return 0
    if calendar is None:
        calendar = _calendar(start, end)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_working_day(day, calendar):
            count += 1
    return count


def calendar_for(start, end):
    """The holiday calendar of a period, read once for many `working_days_between` calls."""
    return _calendar(start, end)
