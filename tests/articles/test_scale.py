"""Lists that stay cheap at a million articles: counts capped, the API paged by cursor."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from articles.api import ArticleCursorPagination
from articles.models import Article, ArticleStatus, SegmentKind, SegmentStatus
from articles.search import build_search_text, remember_words, search_words
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _articles(count: int, *, tie: int = 3) -> list[int]:
    """`count` articles whose created_at come `tie` at a time; their ids newest first."""
    start = timezone.now()
    for n in range(count):
        article = ArticleFactory(title=f"خبر {n}", search_text=build_search_text([f"خبر {n}"]))
        remember_words(search_words(article.title))
        Article.objects.filter(pk=article.pk).update(created_at=start - timedelta(minutes=n // tie))
    return list(Article.objects.order_by("-created_at", "-id").values_list("pk", flat=True))


def _walk(api, url: str, link: str) -> list[list[int]]:
    pages = []
    while url:
        body = api.get(url).json()
        pages.append([item["id"] for item in body["results"]])
        url = body[link]
    return pages


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(ArticleCursorPagination, "page_size", 4)


def test_the_cursor_walks_every_article_once_through_ties_in_created_at(api, small_pages):
    expected = _articles(14, tie=3)

    pages = _walk(api, "/api/v1/articles/", "next")

    assert [pk for page in pages for pk in page] == expected
    assert [len(page) for page in pages] == [4, 4, 4, 2]


def test_previous_links_walk_back_over_the_same_pages(api, small_pages):
    _articles(10, tie=4)
    forward = _walk(api, "/api/v1/articles/", "next")
    last = api.get("/api/v1/articles/").json()
    while last["next"]:
        last_url, last = last["next"], api.get(last["next"]).json()

    backward = _walk(api, last_url, "previous")

    assert backward == forward[::-1]
    assert api.get("/api/v1/articles/").json()["previous"] is None


def test_an_article_imported_during_the_walk_neither_repeats_nor_skips_one(api, small_pages):
    expected = _articles(9, tie=2)
    first = api.get("/api/v1/articles/").json()
    ArticleFactory(title="تازه")  # newest of all: before the cursor, so not on later pages

    rest = _walk(api, first["next"], "next")

    assert [item["id"] for item in first["results"]] + [pk for p in rest for pk in p] == expected


def test_the_next_page_of_a_persian_search_keeps_the_search(api, small_pages):
    _articles(6)
    for n in range(5):
        title = f"سفر وزیر به ایران {n}"
        ArticleFactory(title=title, search_text=build_search_text([title]))
        remember_words(search_words(title))

    first = api.get("/api/v1/articles/", {"q": "ایران"}).json()
    second = api.get(first["next"]).json()

    assert first["count"] == second["count"] == 5
    titles = [item["title"] for item in first["results"] + second["results"]]
    assert len(titles) == 5 and all("ایران" in title for title in titles)


def test_a_cursor_that_is_not_ours_is_refused(api):
    assert api.get("/api/v1/articles/", {"cursor": "bm90IGEgY3Vyc29y"}).status_code == 404
    assert api.get("/api/v1/articles/", {"cursor": "%%%"}).status_code == 404


def test_the_api_counts_up_to_the_cap_and_says_when_it_stopped(api, settings):
    settings.ARTICLE_COUNT_CAP = 3
    _articles(5)

    capped = api.get("/api/v1/articles/")
    exact = api.get("/api/v1/articles/", {"q": "خبر 4"})

    assert capped.json()["count"] == 3 and capped["X-Count-Capped"] == "true"
    assert len(capped.json()["results"]) == 5
    assert exact.json()["count"] == 1 and not exact.has_header("X-Count-Capped")


def test_the_list_page_shows_a_capped_count_with_a_plus(settings):
    settings.ARTICLE_COUNT_CAP = 3
    _articles(5)
    client = Client()
    client.force_login(UserFactory(groups=["editor"]))

    page = client.get("/articles/").content.decode()
    searched = client.get("/articles/", {"q": "خبر 2"}).content.decode()

    assert "3+ articles" in page and "Translate all 3+ matching" in page
    assert page.count("data-article-id=") == 5
    assert "(1 articles)" in searched and "Translate all 1 matching" in searched


def test_the_list_page_counts_segments_for_its_rows(settings):
    settings.ARTICLE_COUNT_CAP = 1
    article = ArticleFactory()
    for position, status in enumerate([SegmentStatus.APPROVED, SegmentStatus.EDITED]):
        SegmentFactory(article=article, position=position, status=status, kind=SegmentKind.BODY)
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))

    page = client.get("/articles/").content.decode()

    assert "1 edited, 1 approved of 2" in page


@pytest.mark.parametrize("sort", ["progress", "checks", "confidence"])
def test_sorts_by_segment_aggregates_order_every_match(sort, settings):
    settings.ARTICLE_COUNT_CAP = 2
    best, middle, worst = ArticleFactory(), ArticleFactory(), ArticleFactory()
    ArticleFactory(status=ArticleStatus.NEW)  # no segments: last in every order
    # progress: most approved first; checks: most failing first; confidence: least sure first.
    for rank, article in enumerate([best, middle, worst]):
        for position in range(3 - rank):
            SegmentFactory(
                article=article,
                position=position,
                status=SegmentStatus.APPROVED,
                failing_checks=1,
                mt_confidence=0.1 * (rank + 1) + 0.01 * position,
            )
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))

    page = client.get("/articles/", {"sort": sort}).content.decode()

    positions = [page.index(f'data-article-id="{a.pk}"') for a in (best, middle, worst)]
    assert positions == sorted(positions)
    assert "2+ articles" in page
