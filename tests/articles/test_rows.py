"""Rows read and written by hand-set statements come and go exactly as the ORM has them."""

import psycopg
import pytest
from django.db import DatabaseError, connection
from django.forms.models import model_to_dict

from articles import rows
from articles.models import Revision, RevisionOrigin, Segment, SegmentStatus
from tests.factories import SegmentFactory, UserFactory


@pytest.mark.django_db
def test_a_row_read_by_hand_equals_the_orms_with_extra_columns_kept():
    segment = SegmentFactory(
        mt_low_confidence=[[0, 4]],
        checks=[{"check": "numbers", "message": "12 is missing", "start": 0, "end": 2}],
        mt_confidence=0.5,
        updated_by=UserFactory(),
    )
    statement = "SELECT 7 AS lucky, s.* FROM articles_segment s WHERE s.id = %s"
    for _ in range(2):  # the second read goes by the plan the first one made
        [read] = rows.read(Segment, statement, [segment.pk])
        stored = Segment.objects.get(pk=segment.pk)
        assert model_to_dict(read) == model_to_dict(stored)
        assert read.updated_at == stored.updated_at
        assert read.lucky == 7
        assert read.checks[0]["message"] == "12 is missing"


@pytest.mark.django_db
def test_a_statement_missing_a_column_is_refused_by_name():
    with pytest.raises(ValueError, match="source_text"):
        rows.read(Segment, "SELECT id, article_id FROM articles_segment WHERE id = %s", [1])


@pytest.mark.django_db
def test_a_versioned_update_writes_once_from_one_version():
    segment = SegmentFactory(version=3)
    editor = UserFactory()
    changes = {
        "target_text": "New text.",
        "status": SegmentStatus.EDITED,
        "updated_by": editor,
        "checks": [{"check": "length", "message": "Short", "start": None, "end": None}],
    }
    assert rows.update_versioned(Segment, segment.pk, 3, changes)
    assert not rows.update_versioned(Segment, segment.pk, 3, {"target_text": "Lost."})
    stored = Segment.objects.get(pk=segment.pk)
    assert (stored.version, stored.target_text, stored.updated_by) == (4, "New text.", editor)
    assert stored.checks[0]["message"] == "Short"


@pytest.mark.django_db
def test_an_inserted_row_is_stored_with_its_defaults_and_dates():
    segment = SegmentFactory()
    rows.insert_row(Revision(segment=segment, text="One.", origin=RevisionOrigin.HUMAN, version=2))
    revision = Revision.objects.get(segment=segment, version=2)
    assert revision.text == "One."
    assert revision.created_at is not None


@pytest.mark.django_db
def test_a_row_written_along_is_inserted_only_when_the_update_wrote():
    segment = SegmentFactory(version=2)
    along = Revision(segment=segment, text="Two.", origin=RevisionOrigin.HUMAN, version=3)
    assert rows.update_versioned(Segment, segment.pk, 2, {"target_text": "Two."}, also=along)
    again = Revision(segment=segment, text="Lost.", origin=RevisionOrigin.HUMAN, version=3)
    assert not rows.update_versioned(Segment, segment.pk, 2, {"target_text": "Lost."}, also=again)
    assert list(Revision.objects.filter(segment=segment).values_list("text", flat=True)) == ["Two."]
    assert Segment.objects.get(pk=segment.pk).target_text == "Two."


@pytest.mark.skipif(
    not rows.prepares(), reason="statements are prepared on PostgreSQL (with DB_PREPARE)"
)
@pytest.mark.django_db(transaction=True)
def test_prepared_reads_keep_working_when_a_migration_adds_a_column_meanwhile():
    segment = SegmentFactory(target_text="Before.")
    statement = f"SELECT {rows.columns(Segment, 's')} FROM articles_segment s WHERE s.id = %s"
    [first] = rows.read(Segment, statement, [segment.pk])
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'SELECT%'")
        assert cursor.fetchone()[0] >= 1  # kept prepared on this connection
    # Another process (a migration run beside the server) alters the table.
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("ALTER TABLE articles_segment ADD COLUMN added_meanwhile integer")
    try:
        assert rows.update_versioned(Segment, segment.pk, first.version, {"target_text": "After."})
        [again] = rows.read(Segment, statement, [segment.pk])
        assert (again.target_text, again.version) == ("After.", first.version + 1)
    finally:
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
            other.execute("ALTER TABLE articles_segment DROP COLUMN added_meanwhile")


@pytest.mark.django_db
def test_statements_read_together_give_what_each_gives_alone():
    first, second = SegmentFactory(target_text="One."), SegmentFactory(target_text="Two.")
    statement = f"SELECT {rows.columns(Segment, 's')} FROM articles_segment s WHERE s.id = %s"
    together = rows.read_together(
        (Segment, statement, [first.pk]),
        (Segment, statement, [0]),
        (Segment, statement, [second.pk]),
    )
    alone = [rows.read(Segment, statement, [pk]) for pk in (first.pk, 0, second.pk)]
    assert [[model_to_dict(row) for row in found] for found in together] == [
        [model_to_dict(row) for row in found] for found in alone
    ]
    assert [found[0].target_text for found in together if found] == ["One.", "Two."]


@pytest.mark.skipif(
    not rows.prepares(), reason="statements are pipelined on PostgreSQL (with DB_PREPARE)"
)
@pytest.mark.django_db(transaction=True)
def test_statements_read_together_reach_the_server_at_once():
    segment = SegmentFactory()
    statement = (
        f"SELECT {rows.columns(Segment, 's')}, now() AS began FROM articles_segment s "
        "WHERE s.id = %s"
    )
    # Sent in one pipeline, the statements run in one transaction, which began once; read one
    # after the other (autocommit) each is its own.
    together = rows.read_together(
        (Segment, statement, [segment.pk]), (Segment, statement, [segment.pk])
    )
    assert together[0][0].began == together[1][0].began
    apart = [rows.read(Segment, statement, [segment.pk]) for _ in range(2)]
    assert apart[0][0].began != apart[1][0].began


@pytest.mark.django_db(transaction=True)
def test_a_failing_statement_read_together_raises_and_the_connection_goes_on():
    segment = SegmentFactory(target_text="Kept.")
    statement = f"SELECT {rows.columns(Segment, 's')} FROM articles_segment s WHERE s.id = %s"
    with pytest.raises(DatabaseError, match="no_such_column"):
        rows.read_together(
            (Segment, statement, [segment.pk]),
            (Segment, "SELECT no_such_column FROM articles_segment", []),
        )
    [again] = rows.read(Segment, statement, [segment.pk])
    assert again.target_text == "Kept."
