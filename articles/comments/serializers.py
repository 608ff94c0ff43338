from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework import serializers

from articles.comments.models import MAX_COMMENT_LENGTH, Comment, Notification
from articles.comments.text import comment_html, mentioned_usernames


def thread_url(segment) -> str:
    """The review page with the segment's thread open."""
    page = reverse("article-detail-page", args=[segment.article_id])
    return f"{page}?thread={segment.pk}#seg-{segment.pk}"


def known_usernames(comments: list[Comment]) -> set[str]:
    """Of the names the comments mention, those of real users (one query)."""
    names = {name for comment in comments for name in mentioned_usernames(comment.text)}
    if not names:
        return set()
    return set(
        get_user_model().objects.filter(username__in=names).values_list("username", flat=True)
    )


class CommentSerializer(serializers.ModelSerializer):
    article = serializers.IntegerField(source="segment.article_id", read_only=True)
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    resolved_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    resolved = serializers.BooleanField(read_only=True, help_text="The thread is resolved.")
    text_html = serializers.SerializerMethodField(
        help_text="The text escaped, with links (rel=noopener noreferrer nofollow) and mentions."
    )
    mentions = serializers.SerializerMethodField(help_text="Users the text mentions.")
    editable_until = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Comment
        fields = (
            "id",
            "segment",
            "article",
            "author",
            "text",
            "text_html",
            "mentions",
            "created_at",
            "edited_at",
            "editable_until",
            "resolved",
            "resolved_at",
            "resolved_by",
        )
        read_only_fields = fields

    def _known(self, comment: Comment) -> set[str]:
        """The views put the names of a whole list in the context; else one comment's."""
        known = self.context.get("known_users")
        return known_usernames([comment]) if known is None else known

    def get_text_html(self, comment: Comment) -> str:
        return comment_html(comment.text, known_users=self._known(comment))

    def get_mentions(self, comment: Comment) -> list[str]:
        known = self._known(comment)
        return [name for name in mentioned_usernames(comment.text) if name in known]


class CommentWriteSerializer(serializers.Serializer):
    text = serializers.CharField(
        max_length=MAX_COMMENT_LENGTH,
        error_messages={
            "blank": "Write something: the comment is empty.",
            "max_length": f"The comment is longer than {MAX_COMMENT_LENGTH:,} characters: "
            "shorten it.",
        },
    )


class CommentUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        help_text="Your own comment, within 15 minutes of posting it.",
    )
    resolved = serializers.BooleanField(
        required=False, help_text="Resolve (true) or reopen (false) the comment's whole thread."
    )

    def validate(self, data: dict) -> dict:
        if not data:
            raise serializers.ValidationError("Send text, resolved or both.")
        return data


class NotificationSerializer(serializers.ModelSerializer):
    comment = CommentSerializer(read_only=True)
    read = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The review page, at the thread.")

    class Meta:
        model = Notification
        fields = ("id", "comment", "read", "read_at", "created_at", "url")
        read_only_fields = fields

    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None

    def get_url(self, notification: Notification) -> str:
        return thread_url(notification.comment.segment)


class NotificationUpdateSerializer(serializers.Serializer):
    read = serializers.BooleanField()


class ReadAllResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="Notifications marked read.")
