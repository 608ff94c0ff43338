"""The span rule: mentions on one side of a segment may nest but never cross.

Spans are (start, end) in code points, end exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, TypeVar


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


class Span(Protocol):
    start: int
    end: int


S = TypeVar("S", bound=Span)


def well_nested(items: Iterable[S]) -> list[S]:
    """The items in text order (outer before inner), leaving out any that would cross one kept
    before it: what a display or an export can show without breaking the rule."""
    kept: list[S] = []
    holding: list[S] = []  # kept items still open at the current position, innermost last
    for item in sorted(items, key=lambda item: (item.start, -item.end)):
        while holding and holding[-1].end <= item.start:
            holding.pop()
        if holding and crosses((item.start, item.end), (holding[-1].start, holding[-1].end)):
            continue
        kept.append(item)
        holding.append(item)
    return kept


def outermost(items: Iterable[S]) -> list[S]:
    """The well-nested items that no other item holds, in text order."""
    outer: list[S] = []
    for item in well_nested(items):
        if not outer or item.start >= outer[-1].end:
            outer.append(item)
    return outer
