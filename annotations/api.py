"""REST endpoints for the knowledge base and mentions, and the article-level tagging actions."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations.entities import delete_entity
from annotations.exports import EXTENSIONS, FORMATS, WRITERS, export_queryset, iterate
from annotations.mentions import (
    MentionError,
    accept_suggestions,
    create_mention,
    delete_mention,
    tag_all,
    update_mention,
)
from annotations.models import Entity, Mention, MentionOrigin
from annotations.serializers import (
    AcceptResultSerializer,
    AcceptSerializer,
    EntitySerializer,
    MentionSerializer,
    MentionUpdateSerializer,
    SuggestResultSerializer,
    TagAllResultSerializer,
    TagAllSerializer,
)
from annotations.suggestions import suggest_for_article
from articles.filters import ArticleFilter
from articles.models import Article
from articles.permissions import CanCurate, IsEditorOrReadOnly


class EntityFilter(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="Search names and aliases on both sides")
    type = filters.ChoiceFilter(choices=Entity._meta.get_field("type").choices)

    class Meta:
        model = Entity
        fields = ("q", "type", "wikidata_id")

    def filter_q(self, queryset, name, value):
        return queryset.search(value)


class EntityViewSet(viewsets.ModelViewSet):
    serializer_class = EntitySerializer
    filterset_class = EntityFilter
    permission_classes = (permissions.IsAuthenticated, CanCurate)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Entity.objects.annotate(mention_count=Count("mentions")).order_by("name_en", "id")

    def perform_destroy(self, instance):
        delete_entity(instance)


class MentionFilter(filters.FilterSet):
    article = filters.NumberFilter(field_name="segment__article")

    class Meta:
        model = Mention
        fields = ("article", "segment", "entity", "side", "origin", "needs_review")


class MentionViewSet(viewsets.ModelViewSet):
    serializer_class = MentionSerializer
    filterset_class = MentionFilter
    permission_classes = (permissions.IsAuthenticated, IsEditorOrReadOnly)
    queryset = Mention.objects.select_related("entity")
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        origin = data.get("origin", MentionOrigin.MANUAL)
        if origin == MentionOrigin.SUGGESTED:
            raise ValidationError({"origin": "Suggestions come from the knowledge base."})
        try:
            mention = create_mention(
                segment=data["segment"],
                side=data["side"],
                start=data["start"],
                end=data["end"],
                text=data["text"],
                entity=data.get("entity"),
                type=data.get("type"),
                origin=origin,
                user=request.user,
            )
        except MentionError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(self.get_serializer(mention).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MentionUpdateSerializer, responses=MentionSerializer)
    def partial_update(self, request, *args, **kwargs):
        mention = self.get_object()
        body = MentionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            mention = update_mention(mention, user=request.user, **body.validated_data)
        except MentionError as error:
            raise ValidationError({"detail": str(error)}) from None
        return Response(self.get_serializer(mention).data)

    def perform_destroy(self, instance):
        delete_mention(instance)


class SuggestView(APIView):
    permission_classes = (permissions.IsAuthenticated, IsEditorOrReadOnly)

    @extend_schema(
        request=None,
        responses={200: SuggestResultSerializer, 404: OpenApiResponse(description="No article.")},
    )
    def post(self, request, pk: int):
        """Run knowledge-base suggestions on the article now."""
        article = get_object_or_404(Article, pk=pk)
        return Response({"suggested": suggest_for_article(article_id=article.pk)})


class AcceptView(APIView):
    permission_classes = (permissions.IsAuthenticated, IsEditorOrReadOnly)

    @extend_schema(request=AcceptSerializer, responses={200: AcceptResultSerializer})
    def post(self, request, pk: int):
        """Accept the article's suggestions: all, or those of one entity."""
        article = get_object_or_404(Article, pk=pk)
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entity = body.validated_data.get("entity")
        accepted = accept_suggestions(
            article_id=article.pk, entity_id=entity.pk if entity else None, user=request.user
        )
        return Response({"accepted": accepted})


class TagAllView(APIView):
    permission_classes = (permissions.IsAuthenticated, IsEditorOrReadOnly)

    @extend_schema(request=TagAllSerializer, responses={200: TagAllResultSerializer})
    def post(self, request, pk: int):
        """Tag every whole-word occurrence of a text on one side of the article."""
        article = get_object_or_404(Article, pk=pk)
        body = TagAllSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        tagged = tag_all(
            article_id=article.pk,
            side=data["side"],
            text=data["text"],
            entity=data["entity"],
            user=request.user,
        )
        return Response({"tagged": tagged})


class ArticleEntitiesView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="Entities with counts per side.")})
    def get(self, request, pk: int):
        """The article's entities, with mention counts on each side."""
        get_object_or_404(Article, pk=pk)
        return Response(Mention.objects.article_entities(article_id=pk))


def _export_response(
    articles, *, fmt: str, side: str, suggestions: bool, filename: str, single: bool
):
    writer = WRITERS[fmt]
    options = {"side": side} if fmt == "conll" else {}
    if fmt == "json":
        options["single"] = single
    if fmt in ("jsonl", "conll"):
        options["suggestions"] = suggestions
    if fmt == "conll" and side == "target":
        filename += "-target"
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in writer(articles, **options)),
        content_type=f"{FORMATS[fmt]}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{EXTENSIONS[fmt]}"'
    return response


def _export_options(request) -> tuple[str, str, bool]:
    fmt = request.query_params.get("format", "json")
    side = request.query_params.get("side", "source")
    suggestions = request.query_params.get("suggestions", "include")
    errors = {}
    if fmt not in FORMATS:
        errors["format"] = f"one of {', '.join(FORMATS)}, not {fmt!r}"
    if side not in ("source", "target"):
        errors["side"] = "source or target"
    if suggestions not in ("include", "exclude"):
        errors["suggestions"] = "include or exclude"
    if errors:
        raise ValidationError(errors)
    return fmt, side, suggestions == "include"


EXPORT_PARAMETERS = [
    OpenApiParameter("format", str, enum=list(FORMATS), description="Export format."),
    OpenApiParameter(
        "side", str, enum=["source", "target"], description="CoNLL: which text to label."
    ),
    OpenApiParameter(
        "suggestions",
        str,
        enum=["include", "exclude"],
        description="JSONL and CoNLL labels: exclude leaves out suggestions nobody reviewed.",
    ),
]


class ArticleExportView(APIView):
    @extend_schema(
        parameters=EXPORT_PARAMETERS,
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="Unknown format or side."),
            404: OpenApiResponse(description="No such article."),
        },
    )
    def get(self, request, pk: int):
        """One article in json, jsonl (doccano), tmx, xliff or conll."""
        fmt, side, suggestions = _export_options(request)
        articles = export_queryset(Article.objects.filter(pk=pk))
        if not articles.exists():
            raise NotFound("No such article.")
        return _export_response(
            list(articles),
            fmt=fmt,
            side=side,
            suggestions=suggestions,
            filename=f"article-{pk}",
            single=True,
        )


def _utc(value: datetime) -> datetime | None:
    """The instant in UTC: PostgreSQL refuses offsets beyond ±16 hours that ISO 8601 allows."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


class ExportFilter(ArticleFilter):
    published_after = filters.IsoDateTimeFilter(method="filter_after")
    published_before = filters.IsoDateTimeFilter(method="filter_before")

    def filter_after(self, queryset, name, value):
        instant = _utc(value)
        return queryset.none() if instant is None else queryset.filter(published_at__gte=instant)

    def filter_before(self, queryset, name, value):
        instant = _utc(value)
        return queryset if instant is None else queryset.filter(published_at__lt=instant)

    class Meta(ArticleFilter.Meta):
        fields = (*ArticleFilter.Meta.fields, "published_after", "published_before")


class BulkExportView(APIView):
    @extend_schema(
        parameters=[
            *EXPORT_PARAMETERS,
            OpenApiParameter("status", str, description="e.g. approved"),
            OpenApiParameter("entity", int, description="Articles tagged with this entity."),
            OpenApiParameter("tag", str),
            OpenApiParameter("q", str, description="Search source and target text."),
            OpenApiParameter("published_after", OpenApiTypes.DATETIME),
            OpenApiParameter("published_before", OpenApiTypes.DATETIME),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="Unknown format, side or filter value."),
        },
    )
    def get(self, request):
        """Every article matching the filters, streamed, in one of the export formats."""
        fmt, side, suggestions = _export_options(request)
        params = request.query_params.copy()
        for name in ("format", "side", "suggestions"):
            params.pop(name, None)
        selected = ExportFilter(params, queryset=Article.objects.all())
        if not selected.is_valid():
            raise ValidationError(selected.errors)
        articles = iterate(export_queryset(selected.qs))
        return _export_response(
            articles,
            fmt=fmt,
            side=side,
            suggestions=suggestions,
            filename=bulk_filename(params.get("status", "")),
            single=False,
        )


def bulk_filename(article_status: str) -> str:
    """What a bulk export holds and when it was made: newsroom-approved-2026-11-30."""
    label = article_status.replace("_", "-") if article_status.isidentifier() else "all"
    return f"newsroom-{label}-{timezone.localdate().isoformat()}"
