"""REST endpoints for articles, segments and imports (read-only articles for now)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from articles.filters import ArticleFilter, SegmentFilter
from articles.models import Article, ImportBatch, Segment, SegmentKind
from articles.mt.packages import PackageError
from articles.mt.status import mt_status, translation_state
from articles.mt.translate import request_translation
from articles.serializers import (
    ArticleDetailSerializer,
    ArticleSerializer,
    ImportBatchSerializer,
    MTStatusSerializer,
    RevisionSerializer,
    SegmentSerializer,
    TranslationProgressSerializer,
)
from articles.tasks import run_import_batch


def _title_translation():
    return Subquery(
        Segment.objects.filter(article=OuterRef("pk"), kind=SegmentKind.TITLE)
        .order_by("position")
        .values("target_text")[:1]
    )


class CanTranslate(permissions.BasePermission):
    message = "Requesting machine translation needs the editor role or staff status."

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return bool(user.is_staff or user.has_perm("articles.change_segment"))


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

    @extend_schema(
        request=None,
        responses={
            200: TranslationProgressSerializer,
            202: TranslationProgressSerializer,
            403: OpenApiResponse(description="Viewers may not request translation."),
            404: OpenApiResponse(description="No such article."),
            409: OpenApiResponse(description="No fa→en model is installed: nothing was queued."),
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.IsAuthenticated, CanTranslate],
    )
    def translate(self, request, pk=None):
        """GET: machine-translation progress. POST: queue machine translation (202)."""
        article = get_object_or_404(Article, pk=pk)
        if request.method == "GET":
            return Response(TranslationProgressSerializer(translation_state(article)).data)
        try:
            request_translation([article.pk])
        except PackageError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        article.refresh_from_db()
        state = translation_state(article)
        return Response(TranslationProgressSerializer(state).data, status=status.HTTP_202_ACCEPTED)


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


class MTStatusView(APIView):
    """The installed fa→en model and the task workers: is anything going to translate?"""

    @extend_schema(responses=MTStatusSerializer)
    def get(self, request):
        return Response(MTStatusSerializer(mt_status()).data)
