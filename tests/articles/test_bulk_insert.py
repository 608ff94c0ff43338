"""Rows inserted from plain values (an import's segments, revisions, tags) read back as the
ORM would have created them: given fields as given, every other field at its default."""

import pytest
from django.forms.models import model_to_dict

from articles.bulk_insert import insert_values
from articles.models import Article, Revision, RevisionOrigin, Segment, SegmentStatus

pytestmark = pytest.mark.django_db

NAMES = ("article_id", "position", "kind", "source_text", "target_text", "status", "checks")


def _article(identity: str) -> Article:
    return Article.objects.create(identity=identity, title="خبر", raw_text="خبر")


def test_values_read_back_like_orm_rows_with_defaults():
    by_orm, by_values = _article("a"), _article("b")
    given = {
        "position": 0,
        "kind": "body",
        "source_text": "ایران و روسیه",
        "target_text": "Iran and Russia",
        "status": SegmentStatus.EDITED,
        "checks": [{"check": "numbers", "message": "۱۲ ≠ 13"}],
    }
    Segment.objects.create(article=by_orm, **given)
    ids = insert_values(Segment, NAMES, [(by_values.pk, *given.values())], ids=True)

    stored = Segment.objects.get(pk=ids[0])
    expected = model_to_dict(Segment.objects.get(article=by_orm), exclude=["id", "article"])
    assert model_to_dict(stored, exclude=["id", "article"]) == expected
    assert stored.article_id == by_values.pk
    assert stored.updated_at is not None


def test_ids_come_back_in_the_rows_order_and_point_rows_that_follow():
    article = _article("c")
    rows = [(article.pk, n, "body", f"جمله {n}", f"Sentence {n}", 20, []) for n in range(5)]
    ids = insert_values(Segment, NAMES, rows, ids=True)

    assert [Segment.objects.get(pk=pk).position for pk in ids] == [0, 1, 2, 3, 4]
    insert_values(
        Revision,
        ("segment_id", "text", "origin", "version"),
        [(pk, f"Sentence {n}", RevisionOrigin.IMPORT.value, 1) for n, pk in enumerate(ids)],
    )
    texts = Revision.objects.order_by("segment__position").values_list("text", flat=True)
    assert list(texts) == [f"Sentence {n}" for n in range(5)]
    assert all(revision.created_at for revision in Revision.objects.all())


def test_no_rows_insert_nothing():
    assert insert_values(Segment, NAMES, [], ids=True) == []
    assert not Segment.objects.exists()


def test_rows_updated_field_by_field_keep_the_rest():
    from datetime import UTC, datetime

    from articles.bulk_insert import update_rows

    first, second = _article("d"), _article("e")
    first.title, first.raw_text = "خبر تازه", "متن " * 2000
    second.title, second.published_at = "خبر دیگر", datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    update_rows([first, second], ["title", "raw_text", "published_at"])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.title, first.raw_text, first.published_at) == ("خبر تازه", "متن " * 2000, None)
    assert (second.title, second.raw_text) == ("خبر دیگر", "خبر")
    assert second.published_at == datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    assert first.identity == "d"
