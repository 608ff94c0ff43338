"""The shape a record may have: how large and how deeply nested, checked before it is built.

A record nested thousands deep costs the JSON parsers recursion, or memory growing with the square
of the depth; a record of hundreds of megabytes costs as much memory as it holds. Either fails
alone, found in bounded memory, and the rest of its file is imported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TextIO

from django.conf import settings

# A record is level 1; an exported article (record, segments, segment, mentions, mention, entity)
# reaches level 6.
MAX_NESTING = 8
# How much of an overlong line is read at a time while it is skipped.
SKIP_CHUNK = 64 * 1024
# JSON strings, then brackets: brackets inside strings do not nest anything.
_STRUCTURE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_FIELD_NAME_MAX = 100


class TooLarge(Exception):
    """A record past MAX_RECORD_TEXT_BYTES; it was skipped without being held in memory."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__(too_large_reason(max_record_bytes() if limit is None else limit))


class TooDeep(Exception):
    """A record nested deeper than MAX_NESTING levels; `field` names where, when known."""

    def __init__(self, field: str | None = None) -> None:
        super().__init__(too_deep_reason(field))
        self.field = field


def max_record_bytes() -> int:
    return settings.MAX_RECORD_TEXT_BYTES


def size_text(limit: int) -> str:
    """A byte limit as people read it: 5 MB, 4 KB."""
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB"


def too_large_reason(limit: int) -> str:
    return (
        f"text is larger than {size_text(limit)} (MAX_RECORD_TEXT_BYTES); "
        "split it into smaller records or raise the setting"
    )


def too_deep_reason(field: str | None) -> str:
    where = f"{field} " if field else ""
    return f"{where}nested too deep (more than {MAX_NESTING} levels of arrays or objects)"


def field_name(token: str) -> str | None:
    """The text of a short JSON string token (an object key), for naming it in a reason."""
    if len(token) > _FIELD_NAME_MAX:
        return None
    try:
        name = json.loads(token)
    except ValueError:
        return None
    return name if isinstance(name, str) and name.isprintable() else None


def check_nesting(text: str, *, levels: int = MAX_NESTING) -> None:
    """Raise TooDeep when the JSON `text` opens more than `levels` arrays or objects in each other.

    Scans the text without parsing it, so a bracket bomb costs no recursion and no memory; the
    field named is the top-level key the deep value sits under.
    """
    if text.count("[") + text.count("{") <= levels:
        return
    depth = 0
    key = field = None
    in_object = False
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token[0] == '"':
            if depth == 1 and in_object:
                key = token
            continue
        if token in "[{":
            if depth == 0:
                in_object = token == "{"
            elif depth == 1:
                field = field_name(key) if in_object and key else None
            depth += 1
            if depth > levels:
                raise TooDeep(field)
        else:
            depth -= 1


def bounded_lines(text: TextIO, *, limit: int) -> Iterator[str | TooLarge]:
    """The lines of `text` (ends kept), or TooLarge in place of a line past `limit` UTF-8 bytes.

    An overlong line is read in small pieces and dropped, so memory stays bounded by `limit`.
    """
    while True:
        line = text.readline(limit + 1)
        if not line:
            return
        if line.endswith(("\n", "\r")) or len(line) <= limit:
            yield TooLarge(limit) if over_limit(line.rstrip("\r\n"), limit) else line
            continue
        for _ in rest_of_line(text):
            pass
        yield TooLarge(limit)


def over_limit(text: str, limit: int) -> bool:
    """Whether `text` takes more than `limit` bytes in UTF-8 (encoded only when it might)."""
    if len(text) * 4 <= limit:
        return False
    return len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit


def rest_of_line(text: TextIO) -> Iterator[str]:
    """The rest of the current line in small pieces, so a huge line is never held whole."""
    while True:
        piece = text.readline(SKIP_CHUNK)
        if not piece:
            return
        yield piece
        if piece.endswith(("\n", "\r")):
            return
