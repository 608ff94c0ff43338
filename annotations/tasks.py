"""Background tasks of the annotations app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from annotations.services import suggest_for_article
from articles.models import Article, ArticleStatus


@task()
def suggest_article(article_id: int) -> dict:
    return {"article": article_id, "suggested": suggest_for_article(article_id=article_id)}


@task()
def refresh_suggestions() -> dict:
    """After the knowledge base changes: suggest again in every article not yet approved."""
    total = 0
    ids = Article.objects.filter(status__lt=ArticleStatus.APPROVED).values_list("pk", flat=True)
    for article_id in ids.iterator():
        total += suggest_for_article(article_id=article_id)
    return {"suggested": total}
