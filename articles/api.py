"""REST endpoints for articles, segments and imports (read-only articles for now)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from articles.filters import ArticleFilter, SegmentFilter
from articles.models import Article, ImportBatch, Segment, SegmentKind
from articles.serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    ImportBatchSerializer,
    RevisionSerializer,
    SegmentSerializer,
)
from articles.tasks import run_import_batch


def _title_translation():
    return Subquery(
        Segment.objects.filter(article=OuterRef("pk"), kind=SegmentKind.TITLE)
        .order_by("position")
        .values("target_text")[:1]
    )


class ArticleViewSet(viewsets.ReadOnlyModelViewSet):
    filterset_class = ArticleFilter

    def get_queryset(self):
        queryset = (
            Article.objects.with_counts()
            .annotate(title_translation=_title_translation())
            .prefetch_related("tags")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(
                Prefetch("segments", queryset=Segment.objects.select_related("updated_by"))
            )
        return queryset

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer


class SegmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Segment.objects.select_related("updated_by")
    serializer_class = SegmentSerializer
    filterset_class = SegmentFilter

    def retrieve(self, request, *args, **kwargs):
        segment = self.get_object()
        response = Response(self.get_serializer(segment).data)
        response["ETag"] = segment.etag
        return response

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def revisions(self, request, pk=None):
        segment = self.get_object()
        revisions = segment.revisions.select_related("author").order_by("version", "id")
        return Response(RevisionSerializer(revisions, many=True).data)


class CanImport(permissions.BasePermission):
    message = "Importing needs staff status or the 'add import batch' permission."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user.is_staff or user.has_perm("articles.add_importbatch"))


class ImportBatchViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ImportBatch.objects.select_related("created_by")
    serializer_class = ImportBatchSerializer
    parser_classes = (MultiPartParser, FormParser)
    permission_classes = (permissions.IsAuthenticated, CanImport)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        batch = serializer.save(
            created_by=request.user, filename=upload.name[:255], bytes_total=upload.size
        )
        transaction.on_commit(lambda: run_import_batch.enqueue(batch.pk))
        # With an immediate task backend the import has already run: show its outcome.
        batch.refresh_from_db()
        return Response(self.get_serializer(batch).data, status=status.HTTP_202_ACCEPTED)
