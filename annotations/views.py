"""The knowledge-base page: every entity, searchable, with how often it is tagged."""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from annotations.failures import refresh_failure
from annotations.models import Entity, EntityType


def entity_list(request: HttpRequest) -> HttpResponse:
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
