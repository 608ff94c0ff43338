"""Human saves rolled up per closed day, author and outlet, so that long periods read a few
thousand rows instead of every save.

Saves are append-only and keep their time, so a day's totals stop changing once the day is
over: the rollup holds every day that ended more than ROLL_DELAY ago (time for the saves begun
before midnight to commit) and is brought up to date when the dashboard reads it, never when
an editor saves. It is repaired when it may be stale: a save dated on a rolled day but written
after the roll (another server's clock) rolls that day again, so do the days of the saves of a
deleted segment; a change of TIME_ZONE rolls everything again. Days after the rollup are read
live.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from articles.dashboard.models import SaveDay, SaveRollup, StaleDay
from articles.dashboard.period import Period
from articles.models import Revision, RevisionOrigin

ROLL_DELAY = timedelta(minutes=15)
STATE = 1  # the one SaveRollup row


# Set while `delete_segments` deletes segments whose days it has marked already.
_marked_already: ContextVar[bool] = ContextVar("rollup_marked_already", default=False)


def mark_stale(instance, **kwargs) -> None:
    """Mark the days of a segment's saves for a new roll: the segment is being deleted."""
    if not _marked_already.get():
        _mark_days(_saves().filter(segment_id=instance.pk))


def _mark_days(saves) -> None:
    days = {timezone.localdate(when) for when in saves.values_list("created_at", flat=True)}
    StaleDay.objects.bulk_create([StaleDay(day=day) for day in days], ignore_conflicts=True)


def delete_segments(segments) -> None:
    """Delete these segments (a queryset), marking the days of their saves with one query
    instead of one a segment (an import replacing the texts of hundreds of articles)."""
    _mark_days(_saves().filter(segment__in=segments))
    token = _marked_already.set(True)
    try:
        segments.delete()
    finally:
        _marked_already.reset(token)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), timezone.get_current_timezone())


def _saves():
    return Revision.objects.filter(origin=RevisionOrigin.HUMAN).order_by()


def _roll(first: date | None, last: date) -> None:
    """Roll up the saves of the days from `first` (the beginning when None) to `last`."""
    saves = _saves().filter(created_at__lt=_midnight(last + timedelta(days=1)))
    if first is not None:
        saves = saves.filter(created_at__gte=_midnight(first))
    rows = (
        saves.values(
            d=TruncDate("created_at", tzinfo=timezone.get_current_timezone()),
            a=F("author_id"),
            o=F("segment__article__outlet"),
        )
        .annotate(
            n=Count("*"),
            w=Coalesce(Sum("words_changed"), 0),
            s=Coalesce(Sum("edit_seconds"), 0.0),
        )
        .values_list("d", "a", "o", "n", "w", "s")
    )
    SaveDay.objects.bulk_create(
        SaveDay(day=d, author_id=a, outlet=o, saves=n, words_changed=w, seconds=s)
        for d, a, o, n, w, s in rows
    )


def _late_days(state: SaveRollup) -> set[date]:
    """Rolled days to roll again: saves written after the roll are dated on them, or saves of
    them were deleted."""
    late = _saves().filter(
        pk__gt=state.last_revision, created_at__lt=_midnight(state.through + timedelta(days=1))
    )
    days = {timezone.localdate(when) for when in late.values_list("created_at", flat=True)}
    return days | set(StaleDay.objects.values_list("day", flat=True))


def ensure() -> date | None:
    """Bring the rollup up to date; the last day it holds (None: read everything live)."""
    zone = timezone.get_current_timezone_name()
    target = timezone.localtime(timezone.now() - ROLL_DELAY).date() - timedelta(days=1)
    state = SaveRollup.objects.filter(pk=STATE).first()
    if state and state.zone == zone and state.through >= target and not _late_days(state):
        return state.through
    try:
        with transaction.atomic():
            return _update(zone, target)
    except IntegrityError:  # another request is building it: read live meanwhile
        return None


def _update(zone: str, target: date) -> date:
    state = SaveRollup.objects.select_for_update().filter(pk=STATE).first()
    last = Revision.objects.aggregate(last=Max("pk"))["last"] or 0
    if state is None or state.zone != zone:
        SaveRollup.objects.filter(pk=STATE).delete()
        state = SaveRollup.objects.create(pk=STATE, through=target, zone=zone, last_revision=last)
        SaveDay.objects.all().delete()
        StaleDay.objects.all().delete()
        _roll(None, target)
        return target
    late = _late_days(state)
    for day in sorted(day for day in late if day <= state.through):
        SaveDay.objects.filter(day=day).delete()
        _roll(day, day)
    StaleDay.objects.filter(day__in=late).delete()
    if target > state.through:
        _roll(state.through + timedelta(days=1), target)
    state.through, state.last_revision = max(state.through, target), last
    state.save()
    return state.through


def totals(period: Period, by: str, through: date) -> dict:
    """The rolled-up saves of the period's days up to `through`, per day, author or outlet."""
    days = SaveDay.objects.filter(day__lte=min(period.end or through, through)).order_by()
    if period.start is not None:
        days = days.filter(day__gte=period.start)
    if period.outlet is not None:
        days = days.filter(outlet=period.outlet)
    group = {"day": "day", "editor": "author_id", "outlet": "outlet"}[by]
    rows = (
        days.values(key=F(group))
        .annotate(n=Sum("saves"), w=Sum("words_changed"), s=Sum("seconds"))
        .values_list("key", "n", "w", "s")
    )
    found: dict = {}
    if by == "editor":
        users = set(get_user_model().objects.values_list("pk", flat=True))
        rows = [(key if key in users else None, *sums) for key, *sums in rows]
    for key, saves, words, seconds in rows:
        add(found, key, {"segments_edited": saves, "words_changed": words, "seconds": seconds})
    return found


def add(found: dict, key, counts: dict) -> None:
    """Add `counts` to the counts `found` holds under `key`."""
    if key not in found:
        found[key] = dict(counts)
        return
    for name, value in counts.items():
        found[key][name] += value
