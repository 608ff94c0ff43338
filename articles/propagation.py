"""Propagation: offer an editor's correction to the other segments with the same folded source
that are still machine output, and write it to those the editor accepts.

Only rows in status `machine` are offered (never an editor's text), each with the version it
had when offered; applying one is the same conditional UPDATE … WHERE version = n as a save, so
a row that changed in between (an editor saved it, MT ran again) is skipped, not overwritten.
Each write is a `tm` revision by the editor who propagated.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.editing import EditRefused, StaleVersion
from articles.models import Revision, RevisionOrigin, Segment, SegmentStatus
from articles.mt.translate import TM_LABEL
from articles.permissions import Role
from articles.quality.store import recheck
from articles.search_index import refresh_search_text
from articles.signals import target_changed

SOURCES = (SegmentStatus.EDITED, SegmentStatus.APPROVED)
# Enough for any real repetition (a dateline, a boilerplate sentence) in one request.
MAX_TARGETS = 500


@dataclass(frozen=True)
class Target:
    id: int
    version: int
    article: int


@dataclass
class Propagated:
    ids: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def propagation_targets(segment: Segment) -> list[Target]:
    """The rows this segment's correction can be copied to, with the versions they are at."""
    if segment.status not in SOURCES or not segment.target_text.strip() or not segment.source_key:
        return []
    rows = (
        Segment.objects.filter(source_key=segment.source_key, status=SegmentStatus.MACHINE)
        .exclude(pk=segment.pk)
        .exclude(target_text=segment.target_text)
        .order_by("pk")
        .values_list("pk", "version", "article_id")[:MAX_TARGETS]
    )
    return [Target(id=pk, version=version, article=article) for pk, version, article in rows]


def propagate(
    *, segment_id: int, expected_version: int, targets: dict[int, int], user
) -> Propagated:
    """Copy segment `segment_id`'s translation (at `expected_version`, else StaleVersion) to
    the `targets` (id → version offered) still at that version and still machine output."""
    if not Role.of(user).can_edit:
        raise EditRefused("Viewers cannot change segments: ask for the editor role.")
    segment = Segment.objects.select_related("updated_by").filter(pk=segment_id).first()
    if segment is None:
        raise Segment.DoesNotExist(segment_id)
    if segment.version != expected_version:
        raise StaleVersion(segment)
    if segment.status not in SOURCES or not segment.target_text.strip():
        raise EditRefused("Only an edited or approved translation can be applied to other rows.")
    text, result, articles = segment.target_text, Propagated(), set()
    now = timezone.now()
    with transaction.atomic():
        # In id order, as every writer that locks several segments takes them: no deadlock.
        for target_id, version in sorted(targets.items()):
            if target_id == segment_id:
                result.skipped.append(target_id)
                continue
            old = (
                Segment.objects.filter(pk=target_id, version=version)
                .values_list("target_text", "article_id")
                .first()
            )
            written = old is not None and Segment.objects.filter(
                pk=target_id,
                version=version,
                status=SegmentStatus.MACHINE,
                source_key=segment.source_key,
            ).update(
                target_text=text,
                mt_text=text,
                mt_model=TM_LABEL,
                mt_confidence=None,
                mt_low_confidence=[],
                version=F("version") + 1,
                updated_by=user,
                updated_at=now,
            )
            if not written:
                result.skipped.append(target_id)
                continue
            Revision.objects.create(
                segment_id=target_id,
                text=text,
                origin=RevisionOrigin.TM,
                author=user,
                version=version + 1,
            )
            target_changed.send(sender=Segment, segment_id=target_id, old=old[0], new=text)
            articles.add(old[1])
            result.ids.append(target_id)
        recheck(result.ids)
        for article_id in sorted(articles):
            refresh_search_text(article_id)
    return result
