"""Writing comments: who may post, change, resolve and reopen, and who is notified."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from articles.comments.models import MAX_COMMENT_LENGTH, Comment, Notification
from articles.comments.text import mentioned_usernames
from articles.models import Segment
from articles.permissions import Role


class CommentRefused(Exception):
    """The user may not do this to the comment (a 403)."""


class InvalidComment(Exception):
    """The text is unusable (a 400)."""


def _clean(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidComment("Write something: the comment is empty.")
    if len(text) > MAX_COMMENT_LENGTH:
        raise InvalidComment(
            f"The comment is longer than {MAX_COMMENT_LENGTH:,} characters: shorten it."
        )
    return text


def _notify(comment: Comment) -> list[str]:
    """Notify the users the text mentions (not the author); the names notified."""
    names = mentioned_usernames(comment.text)
    users = [
        user
        for user in get_user_model().objects.filter(username__in=names, is_active=True)
        if user.pk != comment.author_id
    ]
    Notification.objects.bulk_create(
        [Notification(user=user, comment=comment) for user in users], ignore_conflicts=True
    )
    return sorted(user.get_username() for user in users)


def _mark_thread_read(*, user, segment_id: int) -> None:
    """Answering or resolving a thread deals with one's mentions in it."""
    Notification.objects.filter(
        user=user, comment__segment_id=segment_id, read_at__isnull=True
    ).update(read_at=timezone.now())


@transaction.atomic
def post_comment(*, segment: Segment, user, text: str) -> Comment:
    """Any signed-in user who can read the segment may comment on it; a new comment opens a
    resolved thread again."""
    comment = Comment.objects.create(segment=segment, author=user, text=_clean(text))
    _notify(comment)
    _mark_thread_read(user=user, segment_id=segment.pk)
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, user, text: str) -> Comment:
    """Authors correct their own words, for a short while after posting."""
    if comment.author_id != user.pk:
        raise CommentRefused("Only its author can change the text of a comment.")
    if timezone.now() > comment.editable_until():
        raise CommentRefused(
            "A comment's text can be changed only within 15 minutes of posting it: "
            "post a new comment instead."
        )
    comment.text = _clean(text)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["text", "edited_at"])
    _notify(comment)
    return comment


@transaction.atomic
def resolve_thread(*, comment: Comment, user, resolved: bool) -> Comment:
    """Resolve (or reopen) the whole thread the comment belongs to: editors and reviewers."""
    if not Role.of(user).can_edit:
        raise CommentRefused(
            "Only editors, reviewers and staff resolve or reopen a thread: ask for the editor role."
        )
    thread = Comment.objects.filter(segment_id=comment.segment_id)
    if resolved:
        now = timezone.now()
        thread.filter(resolved_at__isnull=True).update(resolved_at=now, resolved_by=user)
        _mark_thread_read(user=user, segment_id=comment.segment_id)
    else:
        thread.update(resolved_at=None, resolved_by=None)
    comment.refresh_from_db()
    return comment


def mark_read(*, user, ids: list[int] | None = None, read: bool = True) -> int:
    """Mark some (or all) of the user's notifications read or unread; how many changed."""
    mine = Notification.objects.filter(user=user)
    if ids is not None:
        mine = mine.filter(pk__in=ids)
    if read:
        return mine.filter(read_at__isnull=True).update(read_at=timezone.now())
    return mine.filter(read_at__isnull=False).update(read_at=None)
