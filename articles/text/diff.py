"""Word-level differences between two texts, for showing what an editor changed."""

from __future__ import annotations

import difflib
import re
from typing import NamedTuple

_TOKENS = re.compile(r"\s+|[^\s]+")


class Chunk(NamedTuple):
    op: str  # "equal", "delete" or "insert"
    text: str


def word_diff(before: str, after: str) -> list[Chunk]:
    """The chunks that turn `before` into `after`, whole words at a time, spaces kept."""
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    chunks: list[Chunk] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            chunks.append(Chunk("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            chunks.append(Chunk("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            chunks.append(Chunk("insert", "".join(b[j1:j2])))
    return chunks
