"""The span rule: mentions on one side of a segment may nest but never cross.

Spans are (start, end) in code points, end exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable


def crosses(span: tuple[int, int], other: tuple[int, int]) -> bool:
    """Whether two spans partly overlap: they share text and neither holds the other."""
    (start, end), (other_start, other_end) = span, other
    overlap = start < other_end and other_start < end
    nested = (other_start <= start and end <= other_end) or (
        start <= other_start and other_end <= end
    )
    return overlap and not nested


def fits(span: tuple[int, int], taken: Iterable[tuple[int, int]]) -> bool:
    """Whether a span can join the taken ones without crossing any of them."""
    return not any(crosses(span, other) for other in taken)
