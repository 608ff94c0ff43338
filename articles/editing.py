"""Editors' and reviewers' writes to segments: versioned, never lost, always a revision.

Every write names the version the writer started from and is one conditional UPDATE … WHERE
version = n: of two editors who loaded version 3, exactly one saves version 4 and the other is
told, with the current text, instead of silently overwriting it.
"""

from __future__ import annotations

from functools import cache

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from articles.figures import store_figures
from articles.models import (
    Article,
    CheckDismissal,
    Revision,
    RevisionOrigin,
    Segment,
    SegmentStatus,
)
from articles.permissions import Role
from articles.quality.store import evaluate_saved
from articles.refresh import refresh_after_answer, status_for
from articles.rows import columns, read, update_versioned
from articles.signals import save_reads, target_changed
from articles.text.controls import describe, first_forbidden

MAX_TARGET_LENGTH = 20_000


class EditRefused(Exception):
    """The user may not make this change; the message says why."""


class InvalidEdit(ValueError):
    """The change itself is malformed (empty approval, text too long, ...)."""


class StaleVersion(Exception):
    """The segment changed since the writer read it."""

    def __init__(self, current: Segment) -> None:
        super().__init__(f"segment {current.pk} is at version {current.version}")
        self.current = current


def word_edit_distance(before: str, after: str) -> int:
    """Levenshtein distance over words: the post-editing effort, as in TER without shifts."""
    a, b = before.split(), after.split()
    previous = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (word != other))
            )
        previous = current
    return previous[-1]


def _check(role: Role, *, target_text: str | None, status: int | None) -> None:
    if not role.can_edit:
        raise EditRefused("Viewers cannot change segments: ask for the editor role.")
    if status == SegmentStatus.APPROVED and not role.can_approve:
        raise EditRefused("Only reviewers can approve segments.")
    if target_text is not None and len(target_text) > MAX_TARGET_LENGTH:
        raise InvalidEdit(f"The translation is longer than {MAX_TARGET_LENGTH:,} characters.")
    found = first_forbidden(target_text) if target_text else None
    if found:
        # Refused rather than removed: the editor sees exactly what was stored.
        position, char = found
        raise InvalidEdit(
            f"target_text contains {describe(char)} at position {position}; remove it."
        )


def _locked(segment_id: int) -> Segment | None:
    """The segment's row, locked until the commit where the database locks rows, with
    `dismissed_any` (whether any check on it was ever dismissed) and what other apps read with
    it (articles.signals.save_reads). Written out, not built by the ORM: compiling the query
    cost more than the rest of a save's reads together."""
    return next(iter(read(Segment, _lock_statement(), [segment_id])), None)


@cache
def _lock_statement() -> str:
    """Built at the first save, once every app has added its reads."""
    reads = {
        "dismissed_any": f"EXISTS (SELECT 1 FROM {CheckDismissal._meta.db_table} d "
        "WHERE d.segment_id = s.id)",
        **save_reads,
    }
    selected = columns(Segment, "s") + "".join(f", {sql} AS {name}" for name, sql in reads.items())
    statement = f"SELECT {selected} FROM {Segment._meta.db_table} s WHERE s.id = %s"
    if connection.features.has_select_for_update:
        statement += " FOR UPDATE"
    return statement


def save_segment(
    *,
    segment_id: int,
    expected_version: int,
    user,
    target_text: str | None = None,
    status: int | None = None,
    edit_seconds: float | None = None,
) -> Segment:
    """Write a segment if it is still at `expected_version`; raise StaleVersion if not.

    A text change by itself marks the segment edited (un-approving it); the article's status
    follows its segments: in review once a human has worked on it, approved when all are. The
    article's search text is brought up to date after the answer (articles/refresh.py), as is
    its status once more (two saves committing together each saw the other's segment as before).
    """
    role = Role.of(user)
    _check(role, target_text=target_text, status=status)
    with transaction.atomic():
        # Locked until the commit: what the checks and the re-anchoring read of the segment's
        # tags (mention writers take the same lock) stays as read.
        segment = _locked(segment_id)
        if segment is None:
            raise Segment.DoesNotExist(segment_id)
        if segment.version != expected_version:
            raise StaleVersion(segment)
        old_text, old_status = segment.target_text, segment.status
        text_changes = target_text is not None and target_text != old_text
        if status is None:
            status = SegmentStatus.EDITED if text_changes else old_status
        new_text = target_text if target_text is not None else old_text
        if status == SegmentStatus.APPROVED and not new_text.strip():
            raise InvalidEdit("An empty translation cannot be approved.")
        if status == SegmentStatus.EMPTY and new_text.strip():
            status = SegmentStatus.EDITED
        cache: dict = {"segment": segment}
        changes = {
            "target_text": new_text,
            "status": status,
            "updated_by": user,
            "updated_at": timezone.now(),
        }
        if text_changes:
            changes["edit_distance"] = word_edit_distance(segment.mt_text, new_text)
            changes.update(
                evaluate_saved(
                    segment_id,
                    segment.source_text,
                    new_text,
                    dismissals=segment.dismissed_any,
                    cache=cache,
                )
            )
        seconds = max(0.0, min(float(edit_seconds or 0), 3600.0))
        if seconds:
            changes["edit_seconds"] = segment.edit_seconds + seconds
        refresh = text_changes or status != old_status
        if refresh:
            changes["needs_refresh"] = True
        revision = None
        if text_changes:
            revision = Revision(
                segment_id=segment_id,
                text=new_text,
                origin=RevisionOrigin.HUMAN,
                author=user,
                version=expected_version + 1,
                words_changed=word_edit_distance(old_text, new_text),
                edit_seconds=seconds,
            )
        # The version check above is only a shortcut for the common conflict; this conditional
        # UPDATE (with the revision it writes) is what guarantees that two writers from one
        # version cannot both succeed.
        if not update_versioned(Segment, segment_id, expected_version, changes, also=revision):
            raise StaleVersion(Segment.objects.select_related("updated_by").get(pk=segment_id))
        if text_changes:
            target_changed.send(
                sender=Segment, segment_id=segment_id, old=old_text, new=new_text, cache=cache
            )
        if status != old_status:
            # The desk's header shows it right after the answer; the refresh confirms it.
            update_article_status(segment.article_id)
        if refresh:
            refresh_after_answer(segment.article_id)
    # The row as this write left it (a re-read could already show a later writer's save).
    for field, value in changes.items():
        setattr(segment, field, value)
    segment.version = expected_version + 1
    return segment


def approve_segments(*, versions: dict[int, int], user) -> tuple[list[int], list[Segment]]:
    """Approve many segments at the versions the reviewer saw; return approved ids and the
    segments that changed meanwhile (left as they are)."""
    role = Role.of(user)
    _check(role, target_text=None, status=SegmentStatus.APPROVED)
    approved: list[int] = []
    stale: list[int] = []
    now = timezone.now()
    articles: set[int] = set()
    with transaction.atomic():
        # In id order, as every writer that locks several segments takes them: no deadlock.
        for segment_id, version in sorted(versions.items()):
            written = (
                Segment.objects.filter(pk=segment_id, version=version)
                .exclude(target_text="")
                .update(
                    status=SegmentStatus.APPROVED,
                    version=F("version") + 1,
                    updated_by=user,
                    updated_at=now,
                )
            )
            (approved if written else stale).append(segment_id)
        articles.update(
            Segment.objects.filter(pk__in=approved).values_list("article_id", flat=True)
        )
        for article_id in sorted(articles):  # in id order, as article refreshes lock them
            update_article_status(article_id)
        store_figures(articles)
    current = list(Segment.objects.filter(pk__in=stale).select_related("updated_by"))
    return approved, current


def update_article_status(article_id: int) -> None:
    """Set the article's status as its segments' statuses say (refresh.status_for)."""
    new = status_for(Segment.objects.filter(article_id=article_id).values_list("status", flat=True))
    if new is None:
        return
    Article.objects.filter(pk=article_id).exclude(status=new).update(
        status=new, updated_at=timezone.now()
    )
