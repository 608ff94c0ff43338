"""Checks as the desk keeps them: run whenever a target is written (import, MT, save) and stored
on the segment, so that pages, the API, exports and the list's counts read them without running
anything.

A reviewer may dismiss a check on one segment; the dismissal holds for the translation it was
made on (kept with who and when), and a check that fails again on new text shows again.
"""

from __future__ import annotations

from collections.abc import Iterable

from articles.quality.base import Context, run_checks


def evaluate(
    source: str, target: str, *, dismissed: Iterable[str] = (), segment_id: int | None = None
) -> dict:
    """The fields a segment stores for this target: `checks`, the findings of the checks that
    fail (dismissed ones left out), and `failing_checks`, how many checks fail."""
    skip = set(dismissed)
    findings = [
        finding.as_dict()
        for finding in run_checks(source, target, Context(segment_id=segment_id))
        if finding.check not in skip
    ]
    return {"checks": findings, "failing_checks": len({f["check"] for f in findings})}


def evaluate_saved(
    segment_id: int, source: str, target: str, *, dismissals: bool = True, cache: dict | None = None
) -> dict:
    """evaluate() for a stored segment, honouring its dismissals for this target: read only when
    a check fails and the segment has any (`dismissals`). Checks keep what they read in `cache`
    (Context.extra) for the rest of the write to reuse."""
    context = Context(segment_id=segment_id, extra={} if cache is None else cache)
    findings = run_checks(source, target, context)
    skip = set(dismissed_for(segment_id, target)) if findings and dismissals else set()
    kept = [finding.as_dict() for finding in findings if finding.check not in skip]
    return {"checks": kept, "failing_checks": len({f["check"] for f in kept})}


def unchecked() -> dict:
    """A segment with no translation yet: nothing to check."""
    return {"checks": [], "failing_checks": 0}


def for_new(source: str, target: str, status: int) -> dict:
    """The checks of a segment about to be created with this source, target and status."""
    from articles.models import SegmentStatus

    if status == SegmentStatus.EMPTY and not target:
        return unchecked()
    return evaluate(source, target)


def dismissed_for(segment_id: int, target: str) -> list[str]:
    """The checks a reviewer dismissed on this segment for exactly this translation."""
    from articles.models import CheckDismissal

    return list(
        CheckDismissal.objects.filter(segment_id=segment_id, target_text=target).values_list(
            "check_name", flat=True
        )
    )


def dismissals_of(segments) -> dict[tuple[int, str], set[str]]:
    """The checks dismissed on these segments, by segment and the text they were dismissed on."""
    from articles.models import CheckDismissal

    found: dict[tuple[int, str], set[str]] = {}
    rows = CheckDismissal.objects.filter(segment__in=segments).values_list(
        "segment_id", "target_text", "check_name"
    )
    for segment_id, text, check in rows:
        found.setdefault((segment_id, text), set()).add(check)
    return found


def recheck(segment_ids) -> None:
    """Run the checks again on stored segments (their text, or what a check reads beside it,
    changed), honouring their dismissals."""
    from articles.figures import store_figures
    from articles.models import Segment, SegmentStatus

    segments = list(
        Segment.objects.filter(pk__in=list(segment_ids)).only(
            "pk", "article", "source_text", "target_text", "status"
        )
    )
    if not segments:
        return
    dismissed = dismissals_of(segments)
    for segment in segments:
        if segment.status == SegmentStatus.EMPTY and not segment.target_text:
            fields = unchecked()
        else:
            fields = evaluate(
                segment.source_text,
                segment.target_text,
                dismissed=dismissed.get((segment.pk, segment.target_text), ()),
                segment_id=segment.pk,
            )
        segment.checks, segment.failing_checks = fields["checks"], fields["failing_checks"]
    Segment.objects.bulk_update(segments, ["checks", "failing_checks"])
    store_figures({segment.article_id for segment in segments})
