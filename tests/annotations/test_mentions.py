"""Mentions keep to their text: checked on write, and re-anchored when a target is edited."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.anchoring import reanchor
from annotations.mentions import MentionError, create_mention
from annotations.models import Entity, Mention, MentionSide
from articles.editing import save_segment
from articles.models import SegmentStatus
from tests.factories import SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db

TARGET = "Rouhani said Iran and Russia have no coalition against ISIS."


@pytest.fixture
def segment():
    return SegmentFactory(
        source_text="روحانی گفت ائتلافی بین ایران و روسیه علیه داعش وجود ندارد.",
        target_text=TARGET,
        mt_text=TARGET,
        status=SegmentStatus.MACHINE,
    )


def _tag(segment, side, word, name, start=None):
    text = segment.source_text if side == MentionSide.SOURCE else segment.target_text
    start = text.index(word) if start is None else start
    return create_mention(
        segment=segment,
        side=side,
        start=start,
        end=start + len(word),
        text=word,
        entity=Entity.objects.get(name_en=name),
    )


def test_a_mention_must_cover_exactly_its_text(segment):
    with pytest.raises(MentionError, match="is not what the target text holds"):
        create_mention(
            segment=segment,
            side="target",
            start=0,
            end=7,
            text="Rohani",
            entity=None,
            type="PERSON",
        )
    with pytest.raises(MentionError, match="past the end"):
        create_mention(
            segment=segment, side="target", start=60, end=99, text="x", entity=None, type="MISC"
        )
    with pytest.raises(MentionError, match="below end"):
        create_mention(
            segment=segment, side="target", start=5, end=5, text="", entity=None, type="MISC"
        )


def test_mentions_nest_but_do_not_cross(segment):
    _tag(segment, "target", "Iran and Russia", "Iran")  # a deliberately wide span
    _tag(segment, "target", "Russia", "Russia")  # nested inside: fine

    with pytest.raises(MentionError, match="partly overlaps"):
        _tag(segment, "target", "Russia have", "Russia")


def _edit(segment, text, version):
    return save_segment(
        segment_id=segment.pk,
        expected_version=version,
        user=UserFactory(groups=["editor"]),
        target_text=text,
    )


def test_an_edit_elsewhere_moves_the_span_with_its_words(segment):
    isis = _tag(segment, "target", "ISIS", "ISIS")

    _edit(segment, "President Rouhani said Iran and Russia have no coalition against ISIS.", 1)

    isis.refresh_from_db()
    new = "President Rouhani said Iran and Russia have no coalition against ISIS."
    assert new[isis.start : isis.end] == "ISIS" and not isis.needs_review


def test_an_edit_inside_the_span_flags_it_instead_of_moving_it(segment):
    russia = _tag(segment, "target", "Russia", "Russia")

    _edit(segment, "Rouhani said Iran and the Russians have no coalition against ISIS.", 1)

    russia.refresh_from_db()
    assert russia.needs_review
    assert russia.text == "Russia"  # what was tagged, for the reviewer to compare


def test_source_mentions_never_move(segment):
    daesh = _tag(segment, "source", "داعش", "ISIS")
    _edit(segment, "Something else entirely.", 1)
    daesh.refresh_from_db()
    assert (daesh.start, daesh.end, daesh.needs_review) == (
        segment.source_text.index("داعش"),
        segment.source_text.index("داعش") + 4,
        False,
    )


words = st.sampled_from(["Iran", "ISIS", "😀", "and", " ", "Russia", "𝔘", ",", "x", "\u200c"])
texts = st.lists(words, max_size=14).map("".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=st.lists(texts, min_size=1, max_size=4))
def test_after_any_edits_each_mention_covers_its_text_or_needs_review(segment, edits):
    Mention.objects.filter(segment=segment).delete()
    segment.refresh_from_db()
    start_text = "😀 Iran and 𝔘 Russia, ISIS 😀 and Iran"
    segment.target_text = start_text
    segment.save()
    spans = [("Iran", start_text.index("Iran")), ("Russia", start_text.index("Russia"))]
    spans += [("ISIS", start_text.index("ISIS")), ("Iran", start_text.rindex("Iran"))]
    for word, at in spans:
        Mention.objects.create(
            segment=segment, side="target", start=at, end=at + len(word), text=word, type="GPE"
        )
    old = start_text
    for new in edits:
        reanchor(segment_id=segment.pk, old=old, new=new)
        old = new
        for mention in Mention.objects.filter(segment=segment):
            assert 0 <= mention.start < mention.end <= len(new)
            assert mention.needs_review or new[mention.start : mention.end] == mention.text
