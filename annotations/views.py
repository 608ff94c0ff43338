"""The knowledge-base page, and the review page's entity sidebar."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from annotations.failures import refresh_failure
from annotations.models import Entity, EntityType, Mention
from articles.models import Article


def entity_list(request: HttpRequest) -> HttpResponse:
    """Every entity, searchable, with how often it is tagged."""
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("type", "")
    entities = Entity.objects.search(query).annotate(mention_count=Count("mentions"))
    if kind in EntityType.values:
        entities = entities.filter(type=kind)
    page = Paginator(entities.order_by("name_en", "id"), 100).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "kind": kind,
        "types": EntityType.choices,
        "refresh_failure": refresh_failure(),
    }
    return render(request, "annotations/entities.html", context)


def article_entity_sidebar(request: HttpRequest, pk: int) -> HttpResponse:
    """The sidebar of an article's entities, refreshed after tagging."""
    article = get_object_or_404(Article, pk=pk)
    context = {
        "article": article,
        "entities": Mention.objects.article_entities(article_id=article.pk),
    }
    return render(request, "articles/review.html#entity-sidebar", context)
