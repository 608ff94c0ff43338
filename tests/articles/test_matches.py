"""Fuzzy matches (articles/matches.py) and GET /api/v1/segments/{id}/matches/, on both databases."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from articles.matches import MIN_SIMILARITY, find_matches
from articles.models import Segment, SegmentStatus
from articles.text.normalize import fold
from tests.factories import SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db

MEETING = "وزیر امور خارجه ایران روز دوشنبه با همتای روسی خود در مسکو دیدار و گفت‌وگو کرد."
# The same sentence as a scrape spells it: ZWNJ as a space; Arabic ي and ك.
MEETING_SPACED = "وزیر امور خارجه ایران روز دوشنبه با همتای روسی خود در مسکو دیدار و گفت وگو کرد."
MEETING_ARABIC = "وزير امور خارجه ايران روز دوشنبه با همتاي روسي خود در مسكو ديدار و گفت‌وگو كرد."
MEETING_CHINA = "وزیر امور خارجه ایران روز دوشنبه با همتای چینی خود در پکن دیدار و گفت‌وگو کرد."
MEETING_TUESDAY = "وزیر امور خارجه ایران روز سه‌شنبه با همتای چینی خود در پکن دیدار کرد."
FOOTBALL = "تیم ملی فوتبال ایران امشب برابر کره جنوبی به میدان می‌رود."
OIL = "قیمت نفت برنت امروز به ۸۵ دلار در هر بشکه رسید."
OIL_LATIN = "قیمت نفت برنت امروز به 85 دلار در هر بشکه رسید."


def _human(
    source: str, target: str = "An English translation.", status=SegmentStatus.EDITED
) -> Segment:
    return SegmentFactory(source_text=source, target_text=target, status=status)


def _open(source: str = MEETING) -> Segment:
    return SegmentFactory(source_text=source, target_text="mt", status=SegmentStatus.MACHINE)


def _client(*groups) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(groups=list(groups)))
    return client


def test_spelling_variants_match_at_100_percent_and_better_matches_come_first():
    spaced = _human(MEETING_SPACED, "Iran's FM met his Russian counterpart in Moscow.")
    china = _human(MEETING_CHINA, "Iran's FM met his Chinese counterpart in Beijing.")
    tuesday = _human(MEETING_TUESDAY, status=SegmentStatus.APPROVED)

    found = find_matches(_open())

    assert [match.segment_id for match in found] == [spaced.pk, china.pk, tuesday.pk]
    assert found[0].similarity == 1.0 and found[0].percent == 100
    assert found[0].target_text == "Iran's FM met his Russian counterpart in Moscow."
    assert 1.0 > found[1].similarity > found[2].similarity >= MIN_SIMILARITY


def test_arabic_letters_and_latin_digits_fold_to_the_same_source():
    arabic = _human(MEETING_ARABIC)
    oil = _human(OIL_LATIN, "Brent reached $85 a barrel today.")

    assert [m.segment_id for m in find_matches(_open(MEETING))] == [arabic.pk]
    (match,) = find_matches(_open(OIL))
    assert (match.segment_id, match.percent) == (oil.pk, 100)


def test_unlike_sources_are_under_the_threshold():
    _human(FOOTBALL)

    assert find_matches(_open(MEETING)) == []


def test_only_edited_or_approved_rows_with_a_translation_are_matched_never_the_row_itself():
    for status in (SegmentStatus.EMPTY, SegmentStatus.MACHINE):
        SegmentFactory(source_text=MEETING, target_text="machine", status=status)
    SegmentFactory(source_text=MEETING, target_text="", status=SegmentStatus.EDITED)
    row = _human(MEETING)

    assert find_matches(row) == []
    assert [m.segment_id for m in find_matches(_open(MEETING_SPACED))] == [row.pk]


def test_at_most_three_matches():
    for _ in range(4):
        _human(MEETING)

    assert len(find_matches(_open())) == 3


def test_imported_segments_carry_their_folded_source(tmp_path):
    path = tmp_path / "meeting.txt"
    path.write_text(f"عنوان خبر\n\n{MEETING_ARABIC}\n", encoding="utf-8")
    call_command("import_articles", str(path), stdout=io.StringIO())

    imported = Segment.objects.get(source_text__startswith="وزیر")
    assert imported.source_fold == fold(MEETING)
    assert [m.segment_id for m in find_matches(_open())] == []  # machine-free, but not edited


def test_the_endpoint_lists_matches_with_similarity_and_the_differing_words():
    china = _human(MEETING_CHINA, "Iran's FM met his Chinese counterpart in Beijing.")
    row = _open()

    response = _client("viewer").get(f"/api/v1/segments/{row.pk}/matches/")

    assert response.status_code == 200
    (match,) = response.json()
    assert match["segment_id"] == china.pk
    assert match["source_text"] == MEETING_CHINA
    assert match["target_text"] == "Iran's FM met his Chinese counterpart in Beijing."
    assert 0.5 <= match["similarity"] < 1 and match["percent"] == round(match["similarity"] * 100)
    changed = {(c["op"], c["text"]) for c in match["source_diff"] if c["op"] != "equal"}
    assert changed == {
        ("delete", "روسی"),
        ("insert", "چینی"),
        ("delete", "مسکو"),
        ("insert", "پکن"),
    }


def test_the_endpoint_needs_a_signed_in_user_and_an_existing_segment():
    row = _open()

    assert APIClient().get(f"/api/v1/segments/{row.pk}/matches/").status_code in (401, 403)
    assert _client("viewer").get("/api/v1/segments/999999/matches/").status_code == 404


def test_the_schema_documents_the_endpoint(api):
    response = api.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT="application/json")
    schema = json.loads(response.content)

    operation = schema["paths"]["/api/v1/segments/{id}/matches/"]["get"]
    assert "edited or approved" in operation["description"]
    assert "/api/v1/segments/{id}/propagate/" in schema["paths"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_on_postgresql_the_trigram_index_answers():
    _human(MEETING_SPACED)
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        # On a one-row table the dashboard's index on edited and approved segments costs the
        # same as the trigram index (at a million segments the trigram one wins): leave it out
        # of this test's transaction.
        cursor.execute("DROP INDEX segment_worked_on")
        cursor.execute(
            "EXPLAIN SELECT id FROM articles_segment WHERE source_fold LIKE %s "
            "AND status IN (20, 30)",
            ["%" + fold(MEETING)[:12] + "%"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "articles_segment_source_fold_trgm" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_a_save_is_offered_as_a_match_at_once_from_the_index_pending_list():
    """A save appends its trigrams to the index's short pending list (migration 0022) instead of
    writing each into the index's tree; the next row's matches find it all the same."""
    saved = _open(MEETING_SPACED)
    response = _client("editor").patch(
        f"/api/v1/segments/{saved.pk}/",
        {"target_text": "Iran's FM met his Russian counterpart in Moscow."},
        format="json",
        HTTP_IF_MATCH=f'"{saved.version}"',
    )
    assert response.status_code == 200

    found = find_matches(_open())

    assert [match.segment_id for match in found] == [saved.pk]
    assert found[0].target_text == "Iran's FM met his Russian counterpart in Moscow."
    with connection.cursor() as cursor:
        # Pages merged from the pending list into the tree: the save's entries were there.
        cursor.execute(
            "SELECT gin_clean_pending_list('articles_segment_source_fold_trgm'::regclass)"
        )
        assert cursor.fetchone()[0] >= 1


def test_percent_signs_and_underscores_in_a_source_are_plain_text():
    source = "نرخ تورم به 45% رسید و سود بانکی_ثابت ماند؛ بانک مرکزی این را اعلام کرد."
    row = _human(source)
    _human(source.replace("45%", "45_"))

    (match,) = [m for m in find_matches(_open(source)) if m.percent == 100]
    assert match.segment_id == row.pk


def test_the_migration_fills_the_folded_source_of_existing_rows():
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0013_segment_source_fold")
    rows = [SegmentFactory(source_text=source) for source in (MEETING_ARABIC, OIL)]
    Segment.objects.update(source_fold="")

    migration.fill_source_fold(apps, None)

    assert [Segment.objects.get(pk=row.pk).source_fold for row in rows] == [
        fold(MEETING),
        fold(OIL_LATIN),
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_stretches_chosen_for_rare_trigrams_still_find_the_best_matches_first(monkeypatch):
    from articles import matches

    for source in (FOOTBALL, OIL, MEETING_TUESDAY):
        _human(source)
    # Trigram counts from a sample of these rows, as over a large table.
    monkeypatch.setattr(matches, "RARITY_MIN", 1)
    monkeypatch.setattr(matches, "RARITY_PERCENT", 100)
    monkeypatch.setattr(matches, "_rarity", None)
    spaced = _human(MEETING_SPACED, "Iran's FM met his Russian counterpart in Moscow.")
    china = _human(MEETING_CHINA, "Iran's FM met his Chinese counterpart in Beijing.")

    found = find_matches(_open())

    assert matches._rarity[1]  # the counts were taken
    assert [match.segment_id for match in found][:2] == [spaced.pk, china.pk]
    assert found[0].percent == 100
