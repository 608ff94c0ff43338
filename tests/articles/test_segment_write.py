"""A save's body is read exactly as SegmentWriteSerializer reads it, quick path or not."""

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from articles.editing import MAX_TARGET_LENGTH
from articles.serializers import SegmentWriteSerializer, segment_write

VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["edited", "approved", "machine", "empty", "Approved", "", "\x00", "a\ud800"]),
    st.integers(min_value=-5, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=3), max_size=2),
)
BODIES = st.dictionaries(
    st.sampled_from(["target_text", "status", "edit_seconds", "other"]), VALUES, max_size=3
)


def _serializer(data):
    write = SegmentWriteSerializer(data=data)
    if write.is_valid():
        return dict(write.validated_data)
    return ValidationError(write.errors).detail


def _quick(data):
    try:
        return segment_write(data)
    except ValidationError as error:
        return error.detail


@settings(max_examples=400, deadline=None)
@given(BODIES)
def test_any_body_reads_as_the_serializer_reads_it(body):
    assert _quick(body) == _serializer(body)


@pytest.mark.parametrize(
    "body",
    [
        {"target_text": "x" * MAX_TARGET_LENGTH},
        {"target_text": "x" * (MAX_TARGET_LENGTH + 1)},
        {"target_text": "Tehran", "status": "approved", "edit_seconds": 12},
        {"status": "edited", "edit_seconds": 1.5},
        {"edit_seconds": 3},
        {},
        ["target_text"],
        "text",
    ],
)
def test_edge_bodies_read_as_the_serializer_reads_them(body):
    assert _quick(body) == _serializer(body)


def test_a_form_body_reads_as_the_serializer_reads_it():
    form = QueryDict("target_text=Tehran&edit_seconds=4.5&status=edited")
    assert (
        _quick(form)
        == _serializer(form)
        == {
            "target_text": "Tehran",
            "edit_seconds": 4.5,
            "status": 20,
        }
    )
