"""The hand-built answers of the busiest requests say exactly what the serializers say."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.api import _title_translation
from articles.comments.models import Comment, open_threads
from articles.models import Article, CheckDismissal, Segment, SegmentKind, SegmentStatus, Tag
from articles.serializers import ArticleDetailSerializer, SegmentSerializer
from tests.factories import ArticleFactory, SegmentFactory, UserFactory, client_for


def _plain(data) -> object:
    """What a client receives: the serializer's output through JSON."""
    return json.loads(json.dumps(data, default=str))


def _busy_article() -> Article:
    reviewer = UserFactory(username="rana", groups=["editor", "reviewer"])
    editor = UserFactory(username="omid", groups=["editor"])
    article = ArticleFactory(
        url="https://example.test/a",
        external_id="x-1",
        assignee=editor,
        reviewer=reviewer,
        due_at=timezone.now() + timedelta(days=1),
        published_at=timezone.now() - timedelta(days=2),
        mt_error="",
    )
    article.tags.add(Tag.objects.create(name="sport"), Tag.objects.create(name="politics"))
    SegmentFactory(
        article=article,
        position=0,
        kind=SegmentKind.TITLE,
        target_text="A title",
        status=SegmentStatus.EDITED,
        updated_by=editor,
    )
    SegmentFactory(
        article=article,
        position=1,
        mt_text="Tehran 12",
        target_text="Tehran 12",
        mt_confidence=0.42,
        mt_low_confidence=[[0, 6]],
        status=SegmentStatus.MACHINE,
        checks=[{"check": "numbers", "message": "12 is missing", "start": None, "end": None}],
        failing_checks=1,
    )
    commented = SegmentFactory(
        article=article, position=2, target_text="Done.", status=SegmentStatus.APPROVED
    )
    SegmentFactory(article=article, position=3, target_text="", status=SegmentStatus.EMPTY)
    Comment.objects.create(segment=commented, author=reviewer, text="Check the source.")
    return article


@pytest.mark.django_db
def test_one_article_reads_as_the_detail_serializer_shows_it():
    article = _busy_article()
    expected = ArticleDetailSerializer(
        Article.objects.with_counts()
        .annotate(title_translation=_title_translation(), open_threads=open_threads())
        .select_related("assignee", "reviewer")
        .prefetch_related("tags", "segments")
        .get(pk=article.pk)
    ).data

    response = client_for(UserFactory()).get(f"/api/v1/articles/{article.pk}/")

    assert response.status_code == 200
    assert response.json() == _plain(expected)
    assert response.json()["open_threads"] == 1
    assert response.json()["tags"] == ["politics", "sport"]
    assert response.json()["title_translation"] == "A title"


@pytest.mark.django_db
def test_a_segment_reads_and_saves_as_the_serializer_shows_it():
    article = _busy_article()
    segment = article.segments.get(position=1)
    CheckDismissal.objects.create(segment=segment, check_name="length", target_text="x")
    client = client_for(UserFactory(username="mina", groups=["editor"]))

    read = client.get(f"/api/v1/segments/{segment.pk}/")
    assert read.json() == _plain(SegmentSerializer(segment).data)
    assert read.json()["mt_low_confidence"] == [{"start": 0, "end": 6}]

    saved = client.patch(
        f"/api/v1/segments/{segment.pk}/",
        {"target_text": "Tehran, 12 May"},
        format="json",
        HTTP_IF_MATCH=read["ETag"],
    )
    assert saved.status_code == 200
    assert saved.json() == _plain(SegmentSerializer(Segment.objects.get(pk=segment.pk)).data)
    assert saved.json()["updated_by"] == "mina"


@pytest.mark.django_db
def test_missing_articles_and_segments_are_404():
    client = client_for(UserFactory())
    assert client.get("/api/v1/articles/987654/").status_code == 404
    assert client.get("/api/v1/segments/987654/").status_code == 404


@pytest.mark.django_db
def test_one_article_is_read_in_two_statements_however_many_segments_and_tags():
    article = _busy_article()
    for position in range(4, 40):
        SegmentFactory(article=article, position=position, target_text=f"Line {position}.")
    client = client_for(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/articles/{article.pk}/")
    assert response.status_code == 200
    assert len(response.json()["segments"]) == 40
    assert len(queries) == 2
    assert response.json()["tags"] == ["politics", "sport"]
