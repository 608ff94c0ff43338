"""A tag written while a correction of the same segment is committing lands on the right words.

Two real connections on PostgreSQL: one saves a correction (its mentions re-anchored) and holds
its transaction open; the other writes a tag computed from the text it read before. Whatever the
order, no stored mention may differ from the segment's text at its offsets.
"""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, transaction
from rest_framework.test import APIClient

from annotations.models import Entity, Mention
from articles.editing import save_segment
from articles.models import Segment, SegmentStatus
from tests.factories import SegmentFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks between two connections: PostgreSQL only",
    ),
]

OLD = "Rouhani met Putin in Tehran."
NEW = "Yesterday, President Rouhani met Putin in Tehran."


def _in_thread(target, *args) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        finally:
            connection.close()  # each thread has its own connection

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _until_blocked_or_done(thread: threading.Thread, timeout: float = 5.0) -> None:
    """Wait until `thread` has finished or another connection waits for a row lock."""
    deadline = time.monotonic() + timeout
    while thread.is_alive() and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)


def _race(segment: Segment, editor, write) -> list:
    """Hold a saved correction of `segment` uncommitted while `write` runs, then commit."""
    saved, release, answers = threading.Event(), threading.Event(), []

    def correct() -> None:
        with transaction.atomic():
            save_segment(
                segment_id=segment.pk,
                expected_version=segment.version,
                user=editor,
                target_text=NEW,
            )
            saved.set()
            release.wait(10)

    correction = _in_thread(correct)
    assert saved.wait(10)
    client = APIClient()
    client.force_authenticate(editor)
    writer = _in_thread(lambda: answers.append(write(client)))
    _until_blocked_or_done(writer)
    release.set()
    correction.join(10)
    writer.join(10)
    assert not correction.is_alive() and not writer.is_alive()
    return answers


def _every_mention_fits_its_text(segment: Segment) -> None:
    segment.refresh_from_db()
    assert segment.target_text == NEW
    for mention in Mention.objects.filter(segment=segment, side="target"):
        assert NEW[mention.start : mention.end] == mention.text, (mention.start, mention.end)


@pytest.fixture
def editor():
    return UserFactory(is_staff=True)


@pytest.fixture
def segment():
    return SegmentFactory(target_text=OLD, mt_text=OLD, status=SegmentStatus.MACHINE)


def test_a_tag_for_the_old_text_is_refused_once_the_correction_commits(segment, editor):
    start = OLD.index("Putin")
    body = {
        "segment": segment.pk,
        "side": "target",
        "start": start,
        "end": start + 5,
        "text": "Putin",
        "type": "PERSON",
    }

    [response] = _race(segment, editor, lambda c: c.post("/api/v1/mentions/", body, format="json"))

    _every_mention_fits_its_text(segment)
    assert response.status_code == 400, response.content
    assert "is not what the target text holds" in response.json()["detail"]


def test_changing_a_tag_keeps_the_offsets_the_correction_moved_it_to(segment, editor):
    start = OLD.index("Tehran")
    tehran = Mention.objects.create(
        segment=segment, side="target", start=start, end=start + 6, text="Tehran", type="LOC"
    )

    [response] = _race(
        segment,
        editor,
        lambda c: c.patch(f"/api/v1/mentions/{tehran.pk}/", {"type": "GPE"}, format="json"),
    )

    _every_mention_fits_its_text(segment)
    assert response.status_code == 200, response.content
    tehran.refresh_from_db()
    assert (tehran.start, tehran.type) == (NEW.index("Tehran"), "GPE")


def test_tag_all_tags_the_words_where_they_are_after_the_correction(segment, editor):
    putin = Entity.objects.create(name_en="V. V. Putin", type="PERSON")
    body = {"side": "target", "text": "Putin", "entity": putin.pk}

    [response] = _race(
        segment,
        editor,
        lambda c: c.post(f"/api/v1/articles/{segment.article_id}/tag-all/", body, format="json"),
    )

    _every_mention_fits_its_text(segment)
    assert response.status_code == 200 and response.json() == {"tagged": 1}
    assert Mention.objects.get(entity=putin).start == NEW.index("Putin")


def test_suggestions_land_where_the_names_are_after_the_correction(segment, editor):
    putin = Entity.objects.create(name_en="V. V. Putin", type="PERSON", aliases_en=["Putin"])

    [response] = _race(
        segment, editor, lambda c: c.post(f"/api/v1/articles/{segment.article_id}/suggest/")
    )

    _every_mention_fits_its_text(segment)
    assert response.status_code == 200 and response.json()["suggested"] >= 1
    assert Mention.objects.get(entity=putin).start == NEW.index("Putin")


def test_a_rejected_suggestion_is_remembered_where_the_correction_moved_it(segment, editor):
    from annotations.suggestions import suggest_for_article

    putin = Entity.objects.create(name_en="V. V. Putin", type="PERSON", aliases_en=["Putin"])
    start = OLD.index("Putin")
    suggested = Mention.objects.create(
        segment=segment,
        side="target",
        start=start,
        end=start + 5,
        text="Putin",
        entity=putin,
        type="PERSON",
        origin="suggested",
    )

    [response] = _race(segment, editor, lambda c: c.delete(f"/api/v1/mentions/{suggested.pk}/"))

    assert response.status_code == 204
    suggest_for_article(article_id=segment.article_id)
    _every_mention_fits_its_text(segment)
    assert not Mention.objects.filter(entity=putin).exists()  # not suggested again
