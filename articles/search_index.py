"""Keeping an article's stored search text (see articles/search.py) in step with its texts."""

from __future__ import annotations

from django.db import transaction

from articles.figures import FIELDS, SEGMENT_FIELDS, figures_of
from articles.models import Article, Segment
from articles.search import build_search_text, remember_words


def refresh_search_text(article_id: int) -> None:
    """Rebuild one article's search text and its figures (articles/figures.py); call after its
    title or any segment's text, status, checks or confidence changes.

    The article's row is locked before the texts are read, as articles/refresh.py does: of two
    rebuilds the later one reads and writes last, so none writes texts older than the other's.
    """
    with transaction.atomic():
        article = (
            Article.objects.select_for_update()
            .filter(pk=article_id)
            .only("title", "search_text", *FIELDS)
            .first()
        )
        if article is None:
            return
        texts = [article.title]
        figures = []
        for source, target, *values in Segment.objects.filter(article_id=article_id).values_list(
            "source_text", "target_text", *SEGMENT_FIELDS
        ):
            texts += (source, target)
            figures.append(values)
        changes = {
            field: figure
            for field, figure in zip(FIELDS, figures_of(figures), strict=True)
            if getattr(article, field) != figure
        }
        store_search_text(article, texts, **changes)


def store_search_text(article: Article, texts: list[str], **changes) -> None:
    """Write the search text of these texts (with any other `changes`) if anything changed,
    adding the words it did not hold before to the vocabulary."""
    search_text = build_search_text(texts)
    if search_text != article.search_text:
        before = set(article.search_text.split())
        remember_words([word for word in search_text.split() if word not in before])
        changes["search_text"] = search_text
    if changes:
        # update(), not save(): no updated_at bump and no race with other fields being saved.
        Article.objects.filter(pk=article.pk).update(**changes)
