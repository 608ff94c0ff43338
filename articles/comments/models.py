"""A segment's thread of comments and the notifications its `@username` mentions send.

A thread is every comment on one segment; it is resolved when all of them are, and a new
comment opens it again.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

# How long the author may still change the text of a comment.
EDIT_WINDOW = timedelta(minutes=15)
MAX_COMMENT_LENGTH = 5000


class CommentQuerySet(models.QuerySet):
    def open(self) -> CommentQuerySet:
        return self.filter(resolved_at__isnull=True)

    def open_threads_by_article(self, article_ids: list[int]) -> dict[int, int]:
        """Per article, how many of its segments have a thread still open."""
        rows = (
            self.open()
            .filter(segment__article__in=article_ids)
            .values("segment__article")
            .annotate(threads=Count("segment", distinct=True))
        )
        return {row["segment__article"]: row["threads"] for row in rows}

    def threads_by_segment(self, segment_ids: list[int]) -> dict[int, dict]:
        """Per segment, its comments in all and those not resolved."""
        rows = (
            self.filter(segment__in=segment_ids)
            .values("segment")
            .annotate(total=Count("id"), open=Count("id", filter=Q(resolved_at__isnull=True)))
        )
        return {row["segment"]: {"total": row["total"], "open": row["open"]} for row in rows}


def open_threads() -> Subquery:
    """An article annotation: how many of its segments have a thread still open."""
    return Coalesce(
        Subquery(
            Comment.objects.open()
            .filter(segment__article=OuterRef("pk"))
            .order_by()
            .values("segment__article")
            .annotate(threads=Count("segment", distinct=True))
            .values("threads")[:1]
        ),
        0,
    )


class Comment(models.Model):
    segment = models.ForeignKey(
        "articles.Segment", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(help_text="Plain text; links and @username mentions are recognised.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["segment_id", "created_at", "id"]
        indexes = [models.Index(fields=["segment", "resolved_at"], name="comment_segment_open")]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="comment_text_not_empty")]

    def __str__(self) -> str:
        return f"{self.author} on {self.segment_id}: {self.text[:40]}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def editable_until(self) -> datetime:
        return self.created_at + EDIT_WINDOW


class Notification(models.Model):
    """A user was mentioned in a comment; unread until they mark it read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "comment"], name="notification_once_per_comment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} mentioned in comment {self.comment_id}"
