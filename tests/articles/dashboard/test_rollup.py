"""Past days' saves are read from a rollup: the numbers stay those of the saves themselves."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.dashboard import rollup
from articles.dashboard.models import SaveDay
from articles.dashboard.period import Period
from articles.dashboard.queries import stats_rows
from articles.editing import save_segment
from articles.models import Article, Revision
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _periods() -> list[Period]:
    today = timezone.localdate()
    month = today - timedelta(days=29)
    return [
        Period(),
        Period(month, today),
        Period(month, today, "IRNA"),
        Period(today - timedelta(days=3), today - timedelta(days=2)),
        Period(None, today - timedelta(days=1), "ISNA"),
        Period(today, today),
    ]


def _live(monkeypatch, period: Period, by: str) -> list[dict]:
    with monkeypatch.context() as patched:
        patched.setattr(rollup, "ensure", lambda: None)
        return stats_rows(period, by)


def _assert_as_live(monkeypatch) -> None:
    for period in _periods():
        for by in ("day", "editor", "outlet"):
            assert stats_rows(period, by) == _live(monkeypatch, period, by), (period, by)


@pytest.fixture
def past_work(desk_day):
    """The known day's saves spread over past days, and an ISNA editor's saves besides."""
    now = timezone.now()
    saves = list(Revision.objects.filter(origin="human").order_by("pk"))
    for save, days_ago in zip(saves, (2, 3, 40), strict=True):
        Revision.objects.filter(pk=save.pk).update(created_at=now - timedelta(days=days_ago))
    other = UserFactory(username="ed2", groups=["editor"])
    article = Article.objects.get(outlet="ISNA")
    for text in ("the talks went on", "talks went on until monday"):
        segment = SegmentFactory(article=article, mt_text="talks go on", target_text="talks go on")
        save_segment(
            segment_id=segment.pk, expected_version=1, user=other, target_text=text, edit_seconds=7
        )
    first = Revision.objects.filter(author=other).order_by("pk").first()
    Revision.objects.filter(pk=first.pk).update(created_at=now - timedelta(days=2))
    return {**desk_day, "other": other, "isna": article}


def test_the_rollup_gives_the_numbers_of_the_live_query(past_work, monkeypatch):
    _assert_as_live(monkeypatch)

    assert SaveDay.objects.filter(day__lt=timezone.localdate() - timedelta(days=1)).exists()
    editors = {row["label"]: row for row in stats_rows(Period(), "editor")}
    assert (editors["ed1"]["segments_edited"], editors["ed1"]["words_changed"]) == (3, 6)
    assert editors["ed2"]["segments_edited"] == 2 and editors["ed2"]["seconds"] == 14


def test_a_save_dated_on_a_rolled_day_after_the_roll_counts(past_work, monkeypatch):
    stats_rows(Period(), "day")  # rolled up
    segment = SegmentFactory(article=past_work["isna"])
    save_segment(
        segment_id=segment.pk, expected_version=1, user=past_work["other"], target_text="late"
    )
    late = Revision.objects.filter(segment=segment, origin="human")
    late.update(created_at=timezone.now() - timedelta(days=3))  # another server's clock

    _assert_as_live(monkeypatch)
    rows = {row["label"]: row for row in stats_rows(Period(), "editor")}
    assert rows["ed2"]["segments_edited"] == 3


def test_deleting_an_article_and_its_saves_is_seen(past_work, monkeypatch):
    stats_rows(Period(), "outlet")  # rolled up
    past_work["article"].delete()

    _assert_as_live(monkeypatch)
    rows = {row["key"]: row for row in stats_rows(Period(), "outlet")}
    assert "IRNA" not in rows and rows["ISNA"]["segments_edited"] == 2


def test_a_deleted_editor_keeps_their_rolled_up_numbers(past_work, monkeypatch):
    stats_rows(Period(), "editor")  # rolled up
    past_work["editor"].delete()

    _assert_as_live(monkeypatch)
    rows = {row["label"]: row for row in stats_rows(Period(), "editor")}
    assert rows["(deleted user)"]["segments_edited"] == 3


def test_a_change_of_time_zone_rolls_up_again(past_work, monkeypatch, settings):
    stats_rows(Period(), "day")  # rolled up in the site's zone
    settings.TIME_ZONE = "America/Los_Angeles"
    _assert_as_live(monkeypatch)


def test_saving_does_not_touch_the_rollup(past_work):
    stats_rows(Period(), "day")
    segment = SegmentFactory(article=past_work["isna"])
    with CaptureQueriesContext(connection) as queries:
        save_segment(
            segment_id=segment.pk, expected_version=1, user=past_work["other"], target_text="new"
        )
    assert queries.captured_queries
    assert not [q for q in queries.captured_queries if "dashboard_" in q["sql"]]


def test_a_new_article_without_saves_changes_nothing(past_work, monkeypatch):
    ArticleFactory(outlet="Mehr")
    _assert_as_live(monkeypatch)


def test_deleting_one_segment_rolls_up_the_days_of_its_saves_again(past_work, monkeypatch):
    stats_rows(Period(), "day")  # rolled up
    saved = Revision.objects.filter(origin="human", author=past_work["editor"]).order_by("pk")
    saved.first().segment.delete()

    _assert_as_live(monkeypatch)
    rows = {row["label"]: row for row in stats_rows(Period(), "editor")}
    assert (rows["ed1"]["segments_edited"], rows["ed1"]["words_changed"]) == (2, 5)


def test_deleting_an_articles_segments_at_once_rolls_up_their_days_again(past_work, monkeypatch):
    from articles.models import Segment

    stats_rows(Period(), "day")  # rolled up
    article = Article.objects.get(outlet="ISNA")
    with CaptureQueriesContext(connection) as queries:
        rollup.delete_segments(Segment.objects.filter(article=article))

    assert not Segment.objects.filter(article=article).exists()
    # The days of their saves in one query, not one per segment.
    reads = [q for q in queries.captured_queries if "articles_revision" in q["sql"]]
    assert len([q for q in reads if q["sql"].startswith("SELECT")]) == 1
    _assert_as_live(monkeypatch)
