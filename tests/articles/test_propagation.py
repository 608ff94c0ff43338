"""Propagation (articles/propagation.py) and GET/POST /api/v1/segments/{id}/propagate/."""

import pytest
from rest_framework.test import APIClient

from articles.editing import save_segment
from articles.models import RevisionOrigin, Segment, SegmentStatus
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db

DATELINE = "به گزارش خبرگزاری جمهوری اسلامی از تهران، جلسه امروز برگزار شد."
DATELINE_SPACED = "به گزارش خبرگزاری جمهوری اسلامي از تهران، جلسه امروز برگزار شد."
OTHER = "به گزارش خبرگزاری جمهوری اسلامی از مشهد، جلسه امروز برگزار شد."
CORRECTED = "IRNA reports from Tehran that today's meeting was held."


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _machine(source: str = DATELINE, **fields) -> Segment:
    return SegmentFactory(
        source_text=source,
        mt_text="According to the report of news agency...",
        target_text="According to the report of news agency...",
        **{"status": SegmentStatus.MACHINE, "version": 2, **fields},
    )


@pytest.fixture
def editor():
    return UserFactory(groups=["editor"])


@pytest.fixture
def corrected(editor):
    """A row an editor has just corrected; its twins elsewhere are still machine output."""
    segment = _machine()
    return save_segment(
        segment_id=segment.pk, expected_version=2, user=editor, target_text=CORRECTED
    )


def _offer(client, segment):
    return client.get(f"/api/v1/segments/{segment.pk}/propagate/")


def _apply(client, segment, offered, etag=None):
    return client.post(
        f"/api/v1/segments/{segment.pk}/propagate/",
        {"segments": [{"id": s["id"], "version": s["version"]} for s in offered]},
        format="json",
        HTTP_IF_MATCH=etag or segment.etag,
    )


def test_machine_rows_with_the_same_folded_source_are_offered_and_get_tm_revisions(
    editor, corrected
):
    same_article = _machine(article=corrected.article)
    spelled_apart = _machine(DATELINE_SPACED)  # Arabic ي: the same folded source
    edited = _machine()
    save_segment(segment_id=edited.pk, expected_version=2, user=editor, target_text="Mine.")
    approved = _machine(status=SegmentStatus.APPROVED)
    empty = SegmentFactory(source_text=DATELINE, status=SegmentStatus.EMPTY)
    other_source = _machine(OTHER)
    client = _client(editor)

    offer = _offer(client, corrected).json()

    assert offer["count"] == 2 and offer["target_text"] == CORRECTED
    assert [s["id"] for s in offer["segments"]] == [same_article.pk, spelled_apart.pk]
    assert offer["segments"][0] == {
        "id": same_article.pk,
        "version": 2,
        "article": corrected.article_id,
    }

    response = _apply(client, corrected, offer["segments"])

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "ids": [same_article.pk, spelled_apart.pk],
        "skipped": [],
    }
    for pk in (same_article.pk, spelled_apart.pk):
        row = Segment.objects.get(pk=pk)
        assert (row.target_text, row.status, row.version) == (
            CORRECTED,
            SegmentStatus.MACHINE,
            3,
        )
        revision = row.revisions.get(version=3)
        assert (revision.origin, revision.text, revision.author) == (
            RevisionOrigin.TM,
            CORRECTED,
            editor,
        )
    assert Segment.objects.get(pk=edited.pk).target_text == "Mine."
    assert Segment.objects.get(pk=approved.pk).version == 2
    assert Segment.objects.get(pk=empty.pk).target_text == ""
    assert Segment.objects.get(pk=other_source.pk).version == 2
    assert _offer(client, corrected).json()["count"] == 0


def test_a_row_changed_since_the_offer_is_skipped_not_overwritten(editor, corrected):
    taken, moved_on, untouched = _machine(), _machine(), _machine()
    client = _client(editor)
    offered = _offer(client, corrected).json()["segments"]
    # Meanwhile another editor saves one row, and MT rewrites another (still machine output).
    save_segment(
        segment_id=taken.pk, expected_version=2, user=UserFactory(is_staff=True), target_text="X"
    )
    Segment.objects.filter(pk=moved_on.pk).update(target_text="Retranslated.", version=3)

    response = _apply(client, corrected, offered)

    assert response.json() == {
        "count": 1,
        "ids": [untouched.pk],
        "skipped": [taken.pk, moved_on.pk],
    }
    assert Segment.objects.get(pk=taken.pk).target_text == "X"
    assert Segment.objects.get(pk=moved_on.pk).target_text == "Retranslated."
    assert not Segment.objects.get(pk=taken.pk).revisions.filter(origin=RevisionOrigin.TM)


def test_a_row_of_another_source_cannot_be_written_by_naming_it(editor, corrected):
    other = _machine(OTHER)

    response = _apply(_client(editor), corrected, [{"id": other.pk, "version": 2}])

    assert response.json()["skipped"] == [other.pk]
    assert Segment.objects.get(pk=other.pk).version == 2


def test_the_source_row_must_still_be_at_the_version_read(editor, corrected):
    twin = _machine()
    client = _client(editor)
    offered = _offer(client, corrected).json()["segments"]

    stale = _apply(client, corrected, offered, etag='"2"')
    missing = client.post(
        f"/api/v1/segments/{corrected.pk}/propagate/", {"segments": offered}, format="json"
    )

    assert stale.status_code == 412 and stale.json()["current"]["version"] == corrected.version
    assert missing.status_code == 428
    assert Segment.objects.get(pk=twin.pk).version == 2


def test_viewers_may_see_the_offer_but_not_apply_it(corrected):
    twin = _machine()
    viewer = _client(UserFactory(groups=["viewer"]))
    offered = _offer(viewer, corrected).json()["segments"]

    response = _apply(viewer, corrected, offered)

    assert response.status_code == 403
    assert Segment.objects.get(pk=twin.pk).version == 2


def test_a_machine_row_offers_nothing(editor):
    row = _machine(article=ArticleFactory())
    _machine()

    assert _offer(_client(editor), row).json()["count"] == 0
    assert _apply(_client(editor), row, []).status_code == 403


def test_the_rows_a_correction_reaches_have_their_checks_run_again(editor):
    source = "قیمت نفت ۲۲ درصد افزایش یافت."
    first, twin = (
        SegmentFactory(
            source_text=source,
            mt_text="Oil rose 12 percent.",
            target_text="Oil rose 12 percent.",
            status=SegmentStatus.MACHINE,
            version=2,
        )
        for _ in range(2)
    )
    Segment.objects.filter(pk=twin.pk).update(
        checks=[{"check": "numbers", "message": "stale", "start": None, "end": None}],
        failing_checks=1,
    )
    fixed = save_segment(
        segment_id=first.pk, expected_version=2, user=editor, target_text="Oil rose 22 percent."
    )
    client = _client(editor)

    answer = _apply(client, fixed, _offer(client, fixed).json()["segments"])

    assert answer.status_code == 200, answer.content
    twin.refresh_from_db()
    assert twin.target_text == "Oil rose 22 percent."
    assert (twin.checks, twin.failing_checks) == ([], 0)
