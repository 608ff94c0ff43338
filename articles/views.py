"""Server-rendered pages for browsing articles; they read through the same querysets as the API."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from articles.filters import ArticleFilter
from articles.models import Article
from articles.mt.packages import is_test_model_label


def article_list(request: HttpRequest) -> HttpResponse:
    filterset = ArticleFilter(request.GET, queryset=Article.objects.with_counts())
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(request, "articles/list.html", {"filter": filterset, "page": page})


def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.prefetch_related("tags"), pk=pk)
    segments = list(article.segments.order_by("position"))
    models = sorted({segment.mt_model for segment in segments if segment.mt_model})
    context = {
        "article": article,
        "segments": segments,
        "mt_models": models,
        "test_models": [label for label in models if is_test_model_label(label)],
    }
    return render(request, "articles/detail.html", context)
