"""Deadlines on the working-day calendar with Chinese public holidays and 调休 (chinese_calendar).

`add(start, (amount, unit))`: "hours" adds clock time; "days" and "workdays" land at the end of the
target day (23:59:59 Asia/Shanghai), which is how a limit "within 3 working days" is read by staff.
"""

import datetime

import chinese_calendar
from django.utils import timezone

END_OF_DAY = datetime.time(23, 59, 59)


def is_workday(day: datetime.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library does not know yet: weekdays only
        return day.weekday() < 5


def add_workdays(day: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `day` (n ≥ 1); n = 0 gives `day` itself if it is a working day."""
    if n <= 0:
        while not is_workday(day):
            day += datetime.timedelta(days=1)
        return day
    count = 0
    while count < n:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            count += 1
    return day


def workdays_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, END_OF_DAY), timezone.get_default_timezone())


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone()
    )


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def add(start: datetime.datetime, span: tuple[int, str]) -> datetime.datetime:
    amount, unit = span
    if unit == "hours":
        return start + datetime.timedelta(hours=amount)
    day = local_date(start)
    if unit == "days":
        return _end_of(day + datetime.timedelta(days=amount))
    if unit == "workdays":
        return _end_of(add_workdays(day, amount))
    raise ValueError(f"未知的时限单位：{unit}")


def start_of_next_day(moment: datetime.datetime, days: int = 1) -> datetime.datetime:
    return _start_of(local_date(moment) + datetime.timedelta(days=days))


def start_after(moment: datetime.datetime, span: tuple[int, str]) -> datetime.datetime:
    """When a span after `moment` is reached, for reminders: "hours" is clock time; "days" and "workdays"
    begin at 00:00 of the n-th (working) day after moment's day — "the day after a deadline" is that day's
    start."""
    amount, unit = span
    if unit == "hours":
        return moment + datetime.timedelta(hours=amount)
    if unit == "days":
        return start_of_next_day(moment, amount)
    if unit == "workdays":
        return _start_of(add_workdays(local_date(moment), amount))
    raise ValueError(f"未知的时限单位：{unit}")


def describe(span: tuple[int, str]) -> str:
    amount, unit = span
    return f"{amount} {dict(hours='小时', days='天', workdays='个工作日')[unit]}"
