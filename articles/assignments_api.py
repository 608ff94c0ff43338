"""The article endpoints that assign: `PATCH /api/v1/articles/{id}/` and the list's bulk
`POST /api/v1/articles/assign/` (articles/assignments.py holds the rule)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from articles.assignments import UNSET, AssignmentRefused, InvalidAssignment, assign
from articles.models import Article

MAX_ID = 2**63 - 1


class AssignmentSerializer(serializers.Serializer):
    assignee = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID,
        help_text="The editor who corrects the article (a user id), or null for nobody.",
    )  # fmt: skip
    reviewer = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID,
        help_text="The reviewer who approves it (a user id), or null.",
    )  # fmt: skip
    due_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="ISO 8601; a new due time must lie ahead."
    )

    def validate(self, data: dict) -> dict:
        if not data:
            raise serializers.ValidationError("Send assignee, reviewer, due_at or several.")
        return data


class BulkAssignSerializer(AssignmentSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=1000,
        help_text="The articles to assign.",
    )

    def validate(self, data: dict) -> dict:
        if len(data) == 1:
            raise serializers.ValidationError("Send assignee, reviewer, due_at or several.")
        return data


class BulkAssignResultSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="Articles assigned.")


def _assign(request, articles: list[Article], values: dict) -> int:
    fields = {name: values.get(name, UNSET) for name in ("assignee", "reviewer", "due_at")}
    try:
        return assign(user=request.user, articles=articles, **fields)
    except AssignmentRefused as error:
        raise PermissionDenied(str(error)) from None
    except InvalidAssignment as error:
        raise ValidationError({name: [message] for name, message in error.errors.items()}) from None


class ArticleAssignmentMixin:
    """Adds assignment to the article viewset (which is otherwise read-only)."""

    @extend_schema(
        request=AssignmentSerializer,
        responses={
            400: OpenApiResponse(
                description="Unknown user, a viewer as assignee, a non-reviewer as reviewer, "
                "or a due time already past: the body names the field."
            ),
            403: OpenApiResponse(description="Only reviewers and staff assign; editors take."),
        },
    )
    def partial_update(self, request, pk=None):
        """Assign the article: reviewers and staff; an editor may take an unassigned one."""
        article = get_object_or_404(Article, pk=pk)
        body = AssignmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _assign(request, [article], body.validated_data)
        fresh = self.get_queryset().get(pk=article.pk)
        return Response(self.get_serializer_class()(fresh, context={"request": request}).data)

    @extend_schema(
        operation_id="articles_assign_many",
        request=BulkAssignSerializer,
        responses={200: BulkAssignResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="assign",
        url_name="assign-many",
        permission_classes=[permissions.IsAuthenticated],
        filterset_class=None,
        pagination_class=None,
    )
    def assign_many(self, request):
        """Assign several articles at once (the list page's bulk action)."""
        body = BulkAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        articles = list(Article.objects.filter(pk__in=body.validated_data["ids"]))
        return Response({"updated": _assign(request, articles, body.validated_data)})
