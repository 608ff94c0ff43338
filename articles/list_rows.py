"""What each row of the article list shows, as plain strings in a dict.

The list renders fifty rows of a dozen values each. Handed model instances, the template engine
tries a dict lookup before each attribute (a caught TypeError), localizes every number and date,
and reverses a URL per row: about half the page's time at a million articles. Handed dicts of
strings, it only looks up and escapes them (the review page's rows do the same: views._row).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from articles.models import Article, ArticleStatus
from articles.templatetags.newsroom import jalali, words

# The article's own columns a row shows: not its imported text, nor its search text, which at a
# few kilobytes each would be read and sent for nothing.
LIST_FIELDS = (
    "title",
    "status",
    "assignee",
    "reviewer",
    "due_at",
    "published_at",
    "scraped_at",
    "created_at",
)


def list_rows(
    articles: list[Article], tags: dict[int, list[str]], now: datetime, detail_url: str
) -> list[dict]:
    """The rows of these articles (with_counts() and open_threads set) as the list shows them,
    with their tag names (Tag.names_by_article); `detail_url` has {} for the article's id."""
    return [_row(article, tags.get(article.pk, []), detail_url, now) for article in articles]


def _row(article: Article, tags: list[str], detail_url: str, now: datetime) -> dict:
    pk = str(article.pk)
    status = ArticleStatus(article.status)
    segments = article.segment_count
    when = article.published_at or article.scraped_at
    due = article.due_at
    return {
        "pk": pk,
        "url": detail_url.format(pk),
        "title": article.title,
        "tags": tags,
        "status": status.label,
        "status_words": words(status.label),
        "translating": (
            f"translating: {article.translated_count} / {segments}"
            if status == ArticleStatus.TRANSLATING
            else ""
        ),
        "segments": str(segments),
        "edited": str(article.edited_count),
        "approved": str(article.approved_count),
        "worked": str(article.edited_count + article.approved_count),
        "failing_checks": _count(article.failing_checks, "failing check"),
        "open_threads": _count(article.open_threads, "open thread"),
        "assignee": str(article.assignee) if article.assignee_id else "",
        "reviewer": str(article.reviewer) if article.reviewer_id else "",
        "due": _when(due) if due else None,
        "overdue": article.is_overdue(now),
        "when": {**_when(when), "jalali": jalali(when)} if when else None,
        "imported": _when(article.created_at)["text"],
    }


def _count(number: int, noun: str) -> str:
    """The number with its noun, "1 failing check" or "2 failing checks"; nothing for none."""
    if not number:
        return ""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _when(value: datetime) -> dict:
    """A moment in the current time zone: ISO 8601 for <time datetime>, and as the list shows it."""
    local = timezone.localtime(value)
    return {"iso": local.isoformat(), "text": local.strftime("%Y-%m-%d %H:%M")}
