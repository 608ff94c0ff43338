"""The period and outlet a dashboard or a stats request asks about, read from its query string.

Dates are whole days in the site's time zone, both ends included; a missing end is open.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

GROUPINGS = ("day", "editor", "outlet")
# Far enough for any desk's history; keeps day arithmetic and time zones clear of their limits.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)
MAX_FILLED_DAYS = 3660


@dataclass(frozen=True)
class Period:
    start: date | None = None
    end: date | None = None
    outlet: str | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The period as aware datetimes: from the first day's midnight to the midnight after
        the last day (exclusive)."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.start, time(), zone) if self.start else None
        end = datetime.combine(self.end + timedelta(days=1), time(), zone) if self.end else None
        return start, end

    def filter(self, field: str) -> dict[str, datetime]:
        """Lookups keeping `field` (a datetime) within the period."""
        start, end = self.bounds()
        lookups = {}
        if start:
            lookups[f"{field}__gte"] = start
        if end:
            lookups[f"{field}__lt"] = end
        return lookups

    def days(self, first: date | None = None, last: date | None = None) -> Iterator[date]:
        """Every day of the period; an open end, or a period of more than ten years, stops at
        `first`/`last` (the first and last day that have data)."""
        start, end = self.start or first, self.end or last
        if start and end and (end - start).days > MAX_FILLED_DAYS:
            start, end = max(start, first or end), min(end, last or start)
        if start is None or end is None:
            return
        day = start
        while day <= end:
            yield day
            day += timedelta(days=1)

    def query(self) -> dict[str, str]:
        """The period as query parameters, for links that keep it (CSV downloads)."""
        values = {"from": self.start, "to": self.end, "outlet": self.outlet}
        return {name: str(value) for name, value in values.items() if value not in (None, "")}


def _date(params: Mapping[str, str], name: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: f"{raw!r} is not a date: write it as YYYY-MM-DD."}) from None
    if not EARLIEST <= value <= LATEST:
        raise ValidationError({name: f"{raw} is out of range: give a date from 1900 to 2999."})
    return value


def parse_period(params: Mapping[str, str]) -> Period:
    """The period in `params` (`from`, `to`, `outlet`); ValidationError naming the bad field."""
    start, end = _date(params, "from"), _date(params, "to")
    if start and end and start > end:
        raise ValidationError({"from": f"from ({start}) is after to ({end})."})
    outlet = params.get("outlet")
    return Period(start, end, outlet.strip() if outlet and outlet.strip() else None)


def parse_grouping(params: Mapping[str, str]) -> str:
    by = params.get("by") or "day"
    if by not in GROUPINGS:
        raise ValidationError({"by": f"{by!r} is not a grouping: use day, editor or outlet."})
    return by
