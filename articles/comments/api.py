"""REST endpoints for segment threads, comments and the mentions that notify users.

htmx requests (the review page) get the thread back as HTML, other clients JSON.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.comments.models import Comment, Notification
from articles.comments.serializers import (
    CommentSerializer,
    CommentUpdateSerializer,
    CommentWriteSerializer,
    NotificationSerializer,
    NotificationUpdateSerializer,
    ReadAllResultSerializer,
    known_usernames,
)
from articles.comments.services import (
    CommentRefused,
    InvalidComment,
    edit_comment,
    mark_read,
    post_comment,
    resolve_thread,
)
from articles.comments.views import render_thread
from articles.models import Segment

COMMENTS = Comment.objects.select_related("author", "resolved_by", "segment")


class SegmentCommentsView(APIView):
    """A segment's thread, oldest first; any signed-in user who can read it may comment."""

    permission_classes = (permissions.IsAuthenticated,)

    @extend_schema(responses=CommentSerializer(many=True))
    def get(self, request, segment_id: int):
        segment = get_object_or_404(Segment, pk=segment_id)
        comments = list(COMMENTS.filter(segment=segment))
        context = {"request": request, "known_users": known_usernames(comments)}
        return Response(CommentSerializer(comments, many=True, context=context).data)

    @extend_schema(
        request=CommentWriteSerializer,
        responses={
            201: CommentSerializer,
            400: OpenApiResponse(description="Empty or too long."),
            404: OpenApiResponse(description="No such segment."),
        },
    )
    def post(self, request, segment_id: int):
        segment = get_object_or_404(Segment, pk=segment_id)
        body = CommentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            comment = post_comment(
                segment=segment, user=request.user, text=body.validated_data["text"]
            )
        except InvalidComment as error:
            raise ValidationError({"text": [str(error)]}) from None
        if request.htmx:
            return render_thread(request, segment, status=status.HTTP_201_CREATED)
        data = CommentSerializer(comment, context={"request": request}).data
        return Response(data, status=status.HTTP_201_CREATED)


class CommentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = COMMENTS
    serializer_class = CommentSerializer
    permission_classes = (permissions.IsAuthenticated,)

    @extend_schema(
        request=CommentUpdateSerializer,
        responses={
            200: CommentSerializer,
            400: OpenApiResponse(description="Nothing to change, or the text is empty."),
            403: OpenApiResponse(
                description="Not your comment, past the 15 minutes for changing its text, or "
                "resolving without the editor role."
            ),
        },
    )
    def partial_update(self, request, pk=None):
        """Change your own text (within 15 minutes), or resolve or reopen the thread."""
        comment = self.get_object()
        body = CommentUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            if "text" in body.validated_data:
                comment = edit_comment(
                    comment=comment, user=request.user, text=body.validated_data["text"]
                )
            if "resolved" in body.validated_data:
                comment = resolve_thread(
                    comment=comment, user=request.user, resolved=body.validated_data["resolved"]
                )
        except CommentRefused as error:
            raise PermissionDenied(str(error)) from None
        except InvalidComment as error:
            raise ValidationError({"text": [str(error)]}) from None
        if request.htmx:
            return render_thread(request, comment.segment)
        return Response(self.get_serializer(comment).data)


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's mentions, newest first."""

    serializer_class = NotificationSerializer
    permission_classes = (permissions.IsAuthenticated,)

    def get_queryset(self):
        mine = Notification.objects.filter(user=self.request.user).select_related(
            "comment__author", "comment__resolved_by", "comment__segment"
        )
        unread = self.request.query_params.get("unread", "").lower()
        if unread in {"1", "true", "yes"}:
            mine = mine.filter(read_at__isnull=True)
        elif unread in {"0", "false", "no"}:
            mine = mine.filter(read_at__isnull=False)
        return mine.order_by("-created_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="true: only unread; false: only read."
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {
            **self.get_serializer_context(),
            "known_users": known_usernames([n.comment for n in page]),
        }
        return self.get_paginated_response(
            NotificationSerializer(page, many=True, context=context).data
        )

    @extend_schema(request=NotificationUpdateSerializer, responses=NotificationSerializer)
    def partial_update(self, request, pk=None):
        """Mark one notification read (or unread again)."""
        notification = self.get_object()
        body = NotificationUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        mark_read(user=request.user, ids=[notification.pk], read=body.validated_data["read"])
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=ReadAllResultSerializer)
    @action(detail=False, methods=["post"], url_path="read-all", url_name="read-all")
    def read_all(self, request):
        """Mark every notification of yours read."""
        return Response({"marked": mark_read(user=request.user)})
