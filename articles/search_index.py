"""Keeping an article's stored search text (see articles/search.py) in step with its texts."""

from __future__ import annotations

from articles.models import Article, Segment
from articles.search import build_search_text, remember_words


def refresh_search_text(article_id: int) -> None:
    """Rebuild one article's search text; call after its title or any segment text changes."""
    title = Article.objects.filter(pk=article_id).values_list("title", flat=True).first()
    if title is None:
        return
    texts = [title]
    for source, target in Segment.objects.filter(article_id=article_id).values_list(
        "source_text", "target_text"
    ):
        texts += (source, target)
    search_text = build_search_text(texts)
    remember_words(search_text.split())
    # update(), not save(): no updated_at bump and no race with other fields being saved.
    Article.objects.filter(pk=article_id).update(search_text=search_text)
