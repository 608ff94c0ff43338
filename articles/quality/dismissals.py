"""Dismissing a failing check on one segment, and taking the dismissal back."""

from __future__ import annotations

from django.db import transaction

from articles.models import CheckDismissal, Segment
from articles.quality.base import check_names
from articles.quality.store import recheck


class DismissalError(ValueError):
    """The check cannot be dismissed here; the message says why."""


def dismiss(*, segment_id: int, check: str, user) -> CheckDismissal:
    """Record that `check` is fine on the segment's current translation and drop it from the
    segment's failing checks. Only a check that fails now can be dismissed."""
    if check not in check_names():
        raise DismissalError(f"Unknown check {check!r}: one of {', '.join(check_names())}.")
    with transaction.atomic():
        segment = Segment.objects.select_for_update().get(pk=segment_id)
        if not any(finding["check"] == check for finding in segment.checks):
            raise DismissalError(f"The {check} check does not fail on this segment.")
        dismissal, _ = CheckDismissal.objects.update_or_create(
            segment=segment,
            check_name=check,
            defaults={"target_text": segment.target_text, "dismissed_by": user},
        )
        recheck([segment.pk])
    return dismissal


def restore(*, segment_id: int, check: str) -> bool:
    """Take back a dismissal: the check shows again if it still fails. False if there was none."""
    with transaction.atomic():
        segment = Segment.objects.select_for_update().get(pk=segment_id)
        deleted, _ = CheckDismissal.objects.filter(segment=segment, check_name=check).delete()
        if deleted:
            recheck([segment.pk])
    return bool(deleted)
