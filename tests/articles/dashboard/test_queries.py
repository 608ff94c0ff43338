"""The numbers come from the saves and segments kept: a known day's work, counted back."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from articles.dashboard.period import Period
from articles.dashboard.queries import (
    effort_distribution,
    queue_by_assignee,
    queue_by_status,
    slowest_in_review,
    stats_rows,
)
from articles.editing import save_segment
from articles.models import Article, ArticleStatus, Revision, Segment
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _today() -> Period:
    today = timezone.localdate()
    return Period(today, today)


def test_three_saves_by_one_editor_show_as_three_with_their_words_changed(desk_day):
    rows = {row["label"]: row for row in stats_rows(Period(), "editor")}

    editor = rows["ed1"]
    assert editor["key"] == desk_day["editor"].pk
    assert editor["segments_edited"] == 3
    assert editor["words_changed"] == 1 + 2 + 3
    assert editor["seconds"] == 40.5
    assert editor["words_per_segment"] == 2
    assert editor["segments_approved"] == 0
    assert rows["rev1"]["segments_approved"] == 1
    assert rows["rev1"]["segments_edited"] == 0


def test_each_save_counts_the_words_it_changed_from_the_text_before_it(desk_day):
    segment = desk_day["segments"][3]
    editor = desk_day["editor"]
    save_segment(segment_id=segment.pk, expected_version=1, user=editor, target_text="talks go on")
    save_segment(
        segment_id=segment.pk, expected_version=2, user=editor, target_text="talks went on"
    )

    saves = list(segment.revisions.order_by("version").values_list("words_changed", flat=True))
    assert saves == [7, 1]  # seven of the ten MT words dropped, then one replaced
    editor_row = next(row for row in stats_rows(Period(), "editor") if row["label"] == "ed1")
    assert editor_row["segments_edited"] == 5
    assert editor_row["words_changed"] == 6 + 7 + 1


def test_by_day_counts_the_saves_approvals_and_imports_of_each_day(desk_day):
    today = timezone.localdate()
    period = Period(today - timedelta(days=2), today)

    rows = stats_rows(period, "day")

    assert [row["key"] for row in rows] == [
        (today - timedelta(days=n)).isoformat() for n in (2, 1, 0)
    ]
    assert rows[0]["segments_edited"] == rows[1]["segments_edited"] == 0
    day = rows[2]
    assert day["label"] == today.isoformat()
    assert (day["segments_edited"], day["segments_approved"], day["words_changed"]) == (3, 1, 6)
    assert day["articles_imported"] == 2
    # The edited article is in review now, the other still translated.
    assert (day["articles_in_review"], day["articles_translated"]) == (1, 1)


def test_work_outside_the_period_is_left_out(desk_day):
    Revision.objects.update(created_at=timezone.now() - timedelta(days=40))
    rows = stats_rows(_today(), "editor")
    assert all(row["segments_edited"] == 0 for row in rows)
    assert [row["label"] for row in rows] == ["rev1"]  # the approval is today's


def test_by_outlet_and_the_outlet_filter(desk_day):
    rows = {row["key"]: row for row in stats_rows(Period(), "outlet")}
    assert rows["IRNA"]["segments_edited"] == 3 and rows["IRNA"]["articles_imported"] == 1
    assert rows["ISNA"]["segments_edited"] == 0 and rows["ISNA"]["articles_imported"] == 1

    isna = stats_rows(Period(outlet="ISNA"), "editor")
    assert all(row["segments_edited"] == 0 and row["segments_approved"] == 0 for row in isna)


def test_a_long_period_has_a_row_for_each_day_without_work_too():
    rows = stats_rows(Period(date(2026, 1, 30), date(2026, 3, 1)), "day")
    assert len(rows) == 31 and rows[0]["key"] == "2026-01-30" and rows[-1]["key"] == "2026-03-01"
    assert all(row["segments_edited"] == 0 for row in rows)


def test_the_effort_distribution_buckets_words_from_mt_and_seconds(desk_day):
    found = effort_distribution(Period())
    words = {bucket["label"]: bucket["segments"] for bucket in found["words"]}
    seconds = {bucket["label"]: bucket["segments"] for bucket in found["seconds"]}
    assert words == {"0": 0, "1–2": 2, "3–5": 1, "6–10": 0, "11–20": 0, "21 or more": 0}
    assert seconds["10–30 s"] == 3 and sum(seconds.values()) == 3


def test_the_queue_counts_every_article_by_status(desk_day):
    queue = {row["key"]: row["articles"] for row in queue_by_status(Period())}
    assert queue == {"new": 0, "translating": 0, "translated": 1, "in_review": 1, "approved": 0}
    assert {row["key"]: row["articles"] for row in queue_by_status(Period(outlet="IRNA"))} == {
        "new": 0,
        "translating": 0,
        "translated": 0,
        "in_review": 1,
        "approved": 0,
    }


def test_the_slowest_in_review_are_the_oldest_with_their_progress(desk_day):
    older = ArticleFactory(outlet="ISNA", status=ArticleStatus.IN_REVIEW)
    SegmentFactory(article=older)
    Article.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=5))

    rows = slowest_in_review(Period())

    assert [row["key"] for row in rows] == [older.pk, desk_day["article"].pk]
    assert rows[0]["days_open"] >= 5 and rows[0]["first_edit"] is None
    assert (rows[1]["segments"], rows[1]["segments_approved"], rows[1]["seconds"]) == (4, 1, 40.5)
    assert rows[1]["first_edit"] == timezone.localdate().isoformat()


def test_the_queue_by_assignee_counts_open_articles_per_person(desk_day):
    editor = desk_day["editor"]
    Article.objects.filter(pk=desk_day["article"].pk).update(assignee=editor)
    rows = {row["label"]: row for row in queue_by_assignee(Period())}
    assert rows["ed1"]["in_review"] == 1
    assert rows["unassigned"]["translated"] == 1


def test_a_deleted_editor_keeps_their_numbers_under_a_plain_label(desk_day):
    UserFactory(username="other")
    desk_day["editor"].delete()
    rows = {row["label"]: row for row in stats_rows(Period(), "editor")}
    assert rows["(deleted user)"]["segments_edited"] == 3


def test_saves_count_for_their_outlet_when_a_segment_clock_ran_behind(desk_day):
    """Another server's clock stamped the segments an hour before the day began."""
    today = timezone.localdate()
    period = Period(today, today)
    start, _ = period.bounds()
    Revision.objects.filter(origin="human").update(created_at=start + timedelta(hours=12))
    Segment.objects.filter(article=desk_day["article"]).update(
        updated_at=start - timedelta(hours=1)
    )

    rows = {row["key"]: row for row in stats_rows(period, "outlet")}
    assert rows["IRNA"]["segments_edited"] == 3
    irna_days = stats_rows(Period(today, today, "IRNA"), "day")
    assert irna_days[0]["segments_edited"] == 3 and irna_days[0]["words_changed"] == 6
