"""REST endpoints for articles, segments (versioned writes), imports and machine translation."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from articles.assignments_api import ArticleAssignmentMixin
from articles.batches import start_import
from articles.comments.models import open_threads
from articles.detail import article_detail, segment_detail
from articles.editing import (
    EditRefused,
    InvalidEdit,
    StaleVersion,
    approve_segments,
    save_segment,
)
from articles.etags import IF_MATCH, expected_version
from articles.filters import ArticleFilter, SegmentFilter
from articles.matches_api import SegmentMatchesMixin
from articles.models import Article, ImportBatch, Segment, SegmentKind, Tag, TranslationRun
from articles.mt.packages import PackageError
from articles.mt.status import mt_status, translation_state
from articles.permissions import CanImport, IsEditorOrReadOnly
from articles.representation import article_data, segment_data
from articles.search import capped_count
from articles.serializers import (
    ApproveResultSerializer,
    ApproveSerializer,
    ArticleDetailSerializer,
    ArticleSerializer,
    BulkTranslateSerializer,
    ConflictSerializer,
    ImportBatchSerializer,
    MTStatusSerializer,
    RevisionSerializer,
    SegmentSerializer,
    SegmentWriteSerializer,
    TranslationProgressSerializer,
    TranslationRunSerializer,
    segment_write,
)
from articles.tasks import request_translation
from articles.translation_runs import run_progress, start_run
from articles.views import render_row


def _title_translation():
    return Subquery(
        Segment.objects.filter(article=OuterRef("pk"), kind=SegmentKind.TITLE)
        .order_by("position")
        .values("target_text")[:1]
    )


class ArticleCursorPagination(BasePagination):
    """Newest first, a page at a time, from where the last page ended: (-created_at, -id).

    `next` and `previous` carry a `cursor` naming the edge row of this page, so a page costs
    the same at any depth and rows imported meanwhile neither repeat nor skip one. `count` is
    exact up to `ARTICLE_COUNT_CAP` (10,000); beyond it the count stops there and the response
    says so in the header `X-Count-Capped: true`.
    """

    page_size = 50
    query_param = "cursor"

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        self.request = request
        self.count, self.capped = capped_count(queryset)
        forward, edge = self._decode(request.query_params.get(self.query_param))
        if edge is not None:
            created, pk = edge
            after = Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk)
            before = Q(created_at__gt=created) | Q(created_at=created, pk__gt=pk)
            queryset = queryset.filter(after if forward else before)
        order = ("-created_at", "-pk") if forward else ("created_at", "pk")
        rows = list(queryset.order_by(*order).values_list("created_at", "pk")[: self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if not forward:
            rows.reverse()
        # Going forward there is a previous page when we came from a cursor; going back, a next.
        self.next_edge = rows[-1] if rows and (more if forward else True) else None
        self.previous_edge = rows[0] if rows and (edge is not None if forward else more) else None
        return [pk for _, pk in rows]

    def _decode(self, cursor: str | None) -> tuple[bool, tuple[datetime, int] | None]:
        if not cursor:
            return True, None
        try:
            direction, created, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
            if direction not in {"n", "p"}:
                raise ValueError(direction)
            return direction == "n", (datetime.fromisoformat(created), int(pk))
        except (ValueError, UnicodeError, binascii.Error) as error:
            raise NotFound("Invalid cursor.") from error

    def _link(self, direction: str, edge: tuple[datetime, int] | None) -> str | None:
        if edge is None:
            return None
        cursor = f"{direction}|{edge[0].isoformat()}|{edge[1]}"
        token = base64.urlsafe_b64encode(cursor.encode()).decode()
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.query_param, token)

    def get_paginated_response(self, data) -> Response:
        response = Response(
            {
                "count": self.count,
                "next": self._link("n", self.next_edge),
                "previous": self._link("p", self.previous_edge),
                "results": data,
            }
        )
        if self.capped:
            response["X-Count-Capped"] = "true"
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": "Exact up to 10,000; X-Count-Capped: true when there are more.",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.query_param,
                "required": False,
                "in": "query",
                "description": "Where the page starts: taken from a `next` or `previous` link.",
                "schema": {"type": "string"},
            }
        ]


class ArticleViewSet(ArticleAssignmentMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = ArticleFilter
    pagination_class = ArticleCursorPagination

    def get_queryset(self):
        queryset = (
            Article.objects.with_counts()
            .annotate(title_translation=_title_translation(), open_threads=open_threads())
            .select_related("assignee", "reviewer")
        )
        return queryset

    def get_serializer_class(self):
        return ArticleDetailSerializer if self.action == "retrieve" else ArticleSerializer

    def retrieve(self, request, *args, **kwargs):
        """One article with its segments, in two statements sent together (articles/detail.py)."""
        try:
            article, segments = article_detail(int(kwargs["pk"]))
        except (Article.DoesNotExist, ValueError):
            raise NotFound("No such article.") from None
        self.check_object_permissions(request, article)
        return Response(article_data(article, segments))

    def list(self, request, *args, **kwargs):
        """Filter and page over plain article rows, then count segments for this page only.

        Counting segments for every matching article before paging cost over a second on
        100,000 articles (bench/search.py); the page needs fifty. The page is found by its
        cursor (ArticleCursorPagination), not by an offset.
        """
        plain = self.filter_queryset(Article.objects.order_by(*Article._meta.ordering))
        page = self.paginate_queryset(plain)
        ids = list(page) if page is not None else list(plain.values_list("pk", flat=True))
        rows = self.get_queryset().filter(pk__in=ids).in_bulk()
        tags = Tag.names_by_article(ids)
        for pk, article in rows.items():
            article.tag_names = tags.get(pk, [])
        serializer = self.get_serializer([rows[pk] for pk in ids if pk in rows], many=True)
        if page is None:
            return Response(serializer.data)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "again",
                bool,
                description="POST: also translate anew the rows no person has touched since MT.",
            )
        ],
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
        permission_classes=[permissions.IsAuthenticated, IsEditorOrReadOnly],
    )
    def translate(self, request, pk=None):
        """GET: machine-translation progress. POST: queue machine translation (202)."""
        article = get_object_or_404(Article, pk=pk)
        if request.method == "GET":
            return Response(TranslationProgressSerializer(translation_state(article)).data)
        again = request.query_params.get("again", "").lower() in {"1", "true", "yes"}
        try:
            request_translation([article.pk], again=again)
        except PackageError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        article.refresh_from_db()
        state = translation_state(article)
        return Response(TranslationProgressSerializer(state).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        operation_id="articles_translate_many",
        request=BulkTranslateSerializer,
        responses={
            202: TranslationRunSerializer,
            400: OpenApiResponse(description="Neither ids nor filters, or a bad filter value."),
            403: OpenApiResponse(description="Viewers may not request translation."),
            409: OpenApiResponse(description="No fa→en model is installed: nothing was queued."),
        },
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="translate",
        url_name="translate-many",
        permission_classes=[permissions.IsAuthenticated, IsEditorOrReadOnly],
    )
    def translate_many(self, request):
        """Queue machine translation of many articles: the ids given, or all matching the
        filters. Articles already translated are skipped. Follow the run's progress with GET
        /api/v1/articles/translate/{id}/."""
        body = BulkTranslateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if "ids" in body.validated_data:
            articles = Article.objects.filter(pk__in=body.validated_data["ids"])
        else:
            filters = body.validated_data["filters"]
            selected = ArticleFilter(filters, queryset=Article.objects.all(), request=request)
            if not selected.is_valid():
                raise ValidationError({"filters": selected.errors})
            articles = selected.qs
        try:
            run = start_run(articles=articles, user=request.user)
        except PackageError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        data = TranslationRunSerializer(run_progress(run)).data
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        operation_id="articles_translate_run",
        request=None,
        responses={
            200: TranslationRunSerializer,
            404: OpenApiResponse(description="No such run."),
        },
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="translate/<id:run>",
        url_name="translate-run",
        filterset_class=None,
        pagination_class=None,
    )
    def translate_run(self, request, run=None):
        """How far a bulk translation has come."""
        found = get_object_or_404(TranslationRun, pk=int(run))
        return Response(TranslationRunSerializer(run_progress(found)).data)


class SegmentViewSet(
    SegmentMatchesMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Segment.objects.select_related("updated_by")
    serializer_class = SegmentSerializer
    filterset_class = SegmentFilter
    permission_classes = (permissions.IsAuthenticated, IsEditorOrReadOnly)

    def retrieve(self, request, *args, **kwargs):
        try:
            segment = segment_detail(int(kwargs["pk"]))
        except (Segment.DoesNotExist, ValueError):
            raise NotFound("No such segment.") from None
        self.check_object_permissions(request, segment)
        response = Response(segment_data(segment, updated_by=segment.updated_by_name))
        response["ETag"] = segment.etag
        return response

    @extend_schema(
        request=SegmentWriteSerializer,
        parameters=[IF_MATCH],
        responses={
            200: SegmentSerializer,
            400: OpenApiResponse(description="Malformed body or If-Match header."),
            403: OpenApiResponse(description="Viewers may not write; only reviewers approve."),
            404: OpenApiResponse(description="No such segment."),
            412: ConflictSerializer,
            428: OpenApiResponse(description="If-Match is missing."),
        },
    )
    def partial_update(self, request, pk=None):
        """Save a correction or a status, if the segment is still at the If-Match version.

        For htmx requests the answer is the segment's row on the review page, as HTML.
        """
        version = expected_version(request)
        write = segment_write(request.data)
        try:
            segment = save_segment(
                segment_id=int(pk),
                expected_version=version,
                user=request.user,
                **write,
            )
        except Segment.DoesNotExist:
            raise NotFound("No such segment.") from None
        except EditRefused as error:
            raise PermissionDenied(str(error)) from None
        except InvalidEdit as error:
            raise ValidationError({"detail": str(error)}) from None
        except StaleVersion as conflict:
            return self._conflict(request, conflict.current, write)
        if request.htmx:
            response = render_row(request, segment)
        else:
            # The saver is the segment's last writer now.
            response = Response(segment_data(segment, updated_by=request.user.get_username()))
        response["ETag"] = segment.etag
        return response

    def _conflict(self, request, current: Segment, attempted: dict):
        if request.htmx:
            response = render_row(request, current, conflict=attempted)
            response.status_code = status.HTTP_412_PRECONDITION_FAILED
        else:
            response = Response(
                {
                    "detail": (
                        f"The segment changed since you read it: it is now at version "
                        f"{current.version}. Your change was not saved; merge it with the "
                        "current text and send it again with the new ETag."
                    ),
                    "current": self.get_serializer(current).data,
                },
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
        response["ETag"] = current.etag
        # A conflict is an ordinary outcome of two people editing, not a warning for the logs.
        response._has_been_logged = True
        return response

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, pagination_class=None)
    def revisions(self, request, pk=None):
        segment = self.get_object()
        revisions = segment.revisions.select_related("author").order_by("version", "id")
        return Response(RevisionSerializer(revisions, many=True).data)

    @extend_schema(
        request=ApproveSerializer,
        responses={
            200: ApproveResultSerializer,
            403: OpenApiResponse(description="Only reviewers approve."),
        },
    )
    @action(detail=False, methods=["post"])
    def approve(self, request):
        """Approve many segments, each at the version the reviewer saw."""
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        versions = {item["id"]: item["version"] for item in body.validated_data["segments"]}
        try:
            approved, stale = approve_segments(versions=versions, user=request.user)
        except EditRefused as error:
            raise PermissionDenied(str(error)) from None
        return Response(
            {"approved": approved, "conflicts": self.get_serializer(stale, many=True).data}
        )


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
        batch = start_import(batch=ImportBatch(**serializer.validated_data), user=request.user)
        # With an immediate task backend the import has already run: show its outcome.
        batch.refresh_from_db()
        return Response(self.get_serializer(batch).data, status=status.HTTP_202_ACCEPTED)


class MTStatusView(APIView):
    """The installed fa→en model and the task workers: is anything going to translate?"""

    @extend_schema(responses=MTStatusSerializer)
    def get(self, request):
        return Response(MTStatusSerializer(mt_status()).data)
