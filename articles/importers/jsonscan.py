"""Split a JSON array, or JSON values one after another, into records in bounded memory.

A parser that builds values as it reads pays for a bracket bomb with memory growing with the square
of its depth, and for a huge string with its whole size. Here each record's bytes are gathered while
its nesting and size are counted, and only a record within bounds is kept for json.loads; one that
is too deep or too large is read to its end without being kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .bounds import field_name, too_deep_reason, too_large_reason

CHUNK_SIZE = 64 * 1024
_STRUCTURAL = re.compile(rb'[\[\]{},"]')
_STRING_BODY = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)
# Inside a record only brackets count: whole strings and everything else are passed over at once.
_INSIDE = re.compile(rb'(?:[^"\[\]{}]++|"[^"\\]*+(?:\\.[^"\\]*+)*+")*+', re.DOTALL)
# The key right before an opening bracket, to name the field that nests too deep.
_LOOK_BACK = 256
_KEY_BEFORE = re.compile(rb'"((?:[^"\\]|\\.){1,100})"\s*:\s*\Z', re.DOTALL)
_WHITESPACE = b" \t\r\n"
_OPEN = {ord("["): ord("]"), ord("{"): ord("}")}
_CLOSE = {ord("]"), ord("}")}
_SEPARATORS = {ord(","), ord("]")}  # between an array's items, and its end


@dataclass(frozen=True)
class Item:
    """One top-level value: its UTF-8 bytes, or why it was refused (then `data` is empty)."""

    data: bytes
    refused: str | None = None


class BrokenJSON(Exception):
    """The structure of the file is broken here; what follows cannot be told apart into records."""


class _Splitter:
    def __init__(self, *, max_bytes: int, max_depth: int) -> None:
        self.max_bytes = max_bytes
        self.max_depth = max_depth
        self.array: bool | None = None  # records are an array's items, or values one after another
        self.base = 0  # the depth records start at: 1 inside an array, 0 otherwise
        self.depth = 0
        self.openers = bytearray()  # the bracket of each open level, as far as the bound
        self.in_string = False
        self.carry = b""
        self.finished = False  # the top-level array is closed
        self.count = 0
        # The record being read: its bytes so far, its size, and why it is refused.
        self.in_item = False
        self.parts: list[bytes] = []
        self.size = 0
        self.refused: str | None = None
        self.after_comma = False
        # Where the record's field being read was opened, to name it if it nests too deep.
        self.field_at: tuple[bytes, bytes, int] | None = None
        self.tail = b""  # the end of the previous chunk, where that field's key may be

    # -- the record being read ----------------------------------------------------------------

    def _start_item(self) -> None:
        self.in_item = True
        self.parts, self.size, self.refused = [], 0, None
        self.field_at = None

    def _keep(self, data: bytes, start: int, end: int) -> None:
        if self.refused or end <= start:
            return
        self.size += end - start
        if self.size > self.max_bytes:
            self._refuse(too_large_reason(self.max_bytes))
        else:
            self.parts.append(data[start:end])

    def _refuse(self, reason: str) -> None:
        if not self.refused:
            self.refused = reason
            self.parts = []

    def _end_item(self) -> Item | None:
        self.in_item = False
        data = b"".join(self.parts).strip(_WHITESPACE)
        self.parts = []
        if self.refused:
            self.count += 1
            return Item(b"", self.refused)
        if not data:
            return None
        self.count += 1
        return Item(data)

    # -- brackets -----------------------------------------------------------------------------

    def _open(self, byte: int, data: bytes, at: int) -> None:
        if self.depth == self.base + 1:
            self.field_at = (self.tail, data, at) if self.openers[-1:] == b"{" else None
        self.depth += 1
        if len(self.openers) < self.base + self.max_depth:
            self.openers.append(byte)
        elif self.depth > self.base + self.max_depth:
            self._refuse(too_deep_reason(self._field()))

    def _field(self) -> str | None:
        """The key the record's too-deep field was opened under, when it can be read back."""
        if self.field_at is None:
            return None
        tail, data, at = self.field_at
        before = (tail if at < _LOOK_BACK else b"") + data[max(0, at - _LOOK_BACK) : at]
        key = _KEY_BEFORE.search(before)
        return (
            field_name(key.group().rstrip(b": \t\r\n").decode("utf-8", "replace")) if key else None
        )

    def _close(self, byte: int) -> None:
        if self.depth == 0:
            raise BrokenJSON(f"unexpected {chr(byte)!r}")
        if self.depth <= len(self.openers):
            opener = self.openers.pop()
            if _OPEN[opener] != byte:
                raise BrokenJSON(f"{chr(byte)!r} closes {chr(opener)!r}")
        self.depth -= 1

    def _skip_deep(self, data: bytes, pos: int, end: int) -> int:
        """Jump over a stretch of a refused record that cannot come back within the bound."""
        if self.depth <= len(self.openers):
            return pos
        stretch = data[pos:end]
        if b'"' in stretch:
            return pos
        closes = stretch.count(b"]") + stretch.count(b"}")
        if self.depth - closes <= len(self.openers):
            return pos
        self.depth += stretch.count(b"[") + stretch.count(b"{") - closes
        return end

    # -- the byte stream ----------------------------------------------------------------------

    def feed(self, chunk: bytes) -> Iterator[Item]:
        data = self.carry + chunk
        self.carry = b""
        end = len(data)
        pos = 0
        start = 0  # where the current record's bytes not yet kept begin
        while pos < end:
            if self.in_string:
                body_end = _STRING_BODY.match(data, pos).end()
                if body_end >= end:
                    pos = end
                    break
                if data[body_end] != ord('"'):  # a backslash whose escaped byte comes next chunk
                    self.carry = data[body_end:]
                    end = body_end
                    pos = end
                    break
                self.in_string = False
                pos = body_end + 1
                if self.in_item and not self.array and self.depth == 0:
                    self._keep(data, start, pos)
                    start = pos
                    if item := self._end_item():
                        yield item
                continue
            if self.in_item and self.refused:
                pos = self._skip_deep(data, pos, end)
                if pos >= end:
                    break
            if self.depth > self.base:
                # Inside a record: on to the next bracket, or to a string the chunk cuts off.
                pos = _INSIDE.match(data, pos).end()
                if pos >= end:
                    break
            match = _STRUCTURAL.search(data, pos)
            stop = match.start() if match else end
            if stop > pos and (not self.in_item or self.finished):
                self._outside_record(data[pos:stop])
            if match is None:
                pos = end
                break
            byte = data[stop]
            pos = stop + 1
            if self.array is None:
                self._begin(byte)
                if self.array:
                    start = pos
                    continue
            if self.finished:
                raise BrokenJSON("unexpected text after the end of the array")
            if byte == ord('"'):
                if not self.in_item:
                    self._start_item()
                    start = stop
                self.in_string = True
            elif byte in _OPEN:
                if not self.in_item:
                    self._start_item()
                    start = stop
                self._open(byte, data, stop)
            elif self.array and self.depth == 1 and byte in _SEPARATORS:
                self._keep(data, start, stop)
                start = pos
                item = self._end_item()
                if item is None and (byte == ord(",") or self.after_comma):
                    raise BrokenJSON("a value is missing between commas")
                if item:
                    yield item
                if byte == ord(","):
                    self.after_comma = True
                    self._start_item()
                else:
                    self._close(byte)
                    self.finished = True
            elif byte in _CLOSE:
                self._close(byte)
                if not self.array and self.depth == 0:
                    self._keep(data, start, pos)
                    start = pos
                    if item := self._end_item():
                        yield item
            elif byte == ord(",") and not self.in_item:
                raise BrokenJSON("unexpected ',' between values")
        if self.in_item:
            self._keep(data, start, end)
        self.tail = (self.tail + data[max(0, end - _LOOK_BACK) : end])[-_LOOK_BACK:]

    def _begin(self, byte: int) -> None:
        if byte == ord("["):
            self.array, self.base, self.depth = True, 1, 1
            self.openers.append(byte)
            self._start_item()
        else:
            self.array = False

    def _outside_record(self, gap: bytes) -> None:
        if gap.strip(_WHITESPACE):
            raise BrokenJSON(f"unexpected text {gap.strip(_WHITESPACE)[:20]!r} between records")

    def finish(self) -> Iterator[Item]:
        if self.in_string or self.carry:
            raise BrokenJSON("the file ends inside a string")
        if self.array is None:
            raise BrokenJSON("no JSON value")
        if self.array and not self.finished:
            raise BrokenJSON("the file ends before the array is closed")
        if self.depth:
            raise BrokenJSON("the file ends inside a record")
        if self.in_item and (item := self._end_item()):
            yield item


def split_records(
    stream: BinaryIO, *, max_bytes: int, max_depth: int, chunk_size: int = CHUNK_SIZE
) -> Iterator[Item]:
    """The records of a UTF-8 JSON stream: an array's items, or top-level values one after another.

    Raises BrokenJSON where the file's structure breaks; records before it have been yielded.
    """
    splitter = _Splitter(max_bytes=max_bytes, max_depth=max_depth)
    while chunk := stream.read(chunk_size):
        yield from splitter.feed(chunk)
    yield from splitter.finish()
