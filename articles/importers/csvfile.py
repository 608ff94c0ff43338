"""`.csv`: a header row naming the fields, one article per row."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from typing import TextIO

from .bounds import SKIP_CHUNK, TooLarge, max_record_bytes
from .encoding import open_text
from .source import ImportSource, RawRecord, RecordError, UnusableFile

# Rows are bounded by _RowLines (MAX_RECORD_TEXT_BYTES) before the csv module sees a cell.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _delimiter(header: str) -> str:
    """Comma unless the header row plainly uses tabs or semicolons instead."""
    for candidate in (",", "\t", ";"):
        if candidate in header:
            return candidate
    return ","


class _RowLines:
    """The file's lines for csv.reader, counting each row's size so none grows past the limit.

    A row past it raises TooLarge through the reader once the rest of the row is skipped: a quoted
    cell may span lines, so lines are skipped until the row's quotes balance. Nothing longer than
    the limit is ever held.
    """

    def __init__(self, text: TextIO, *, limit: int) -> None:
        self.text = text
        self.limit = limit
        self.line_no = 1  # the header is line 1
        self.row_start = 2
        self.row_size = 0
        self.row_quotes = 0

    def __iter__(self) -> _RowLines:
        return self

    def start_row(self) -> None:
        self.row_start = self.line_no + 1
        self.row_size = 0
        self.row_quotes = 0

    def __next__(self) -> str:
        line = self.text.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.row_quotes += line.count('"')
        if not line.endswith(("\n", "\r")) and len(line) > self.limit:
            self._refuse(mid_line=True)
        self.line_no += 1
        self.row_size += len(line.encode("utf-8", "surrogatepass"))
        if self.row_size > self.limit:
            self._refuse(mid_line=False)
        return line

    def _refuse(self, *, mid_line: bool) -> None:
        while mid_line or self.row_quotes % 2:
            piece = self.text.readline(SKIP_CHUNK)
            if not piece:
                break
            self.row_quotes += piece.count('"')
            mid_line = not piece.endswith(("\n", "\r"))
            if not mid_line:
                self.line_no += 1
        raise TooLarge(self.limit)


def read(source: ImportSource) -> Iterator[RawRecord | RecordError]:
    with source.open() as stream:
        text = open_text(stream, name=source.name)
        try:
            header = text.readline(max_record_bytes())
            if not header.strip():
                raise UnusableFile(source.name, "the file is empty")
            delimiter = _delimiter(header)
            fieldnames = [
                name.strip().lstrip("\ufeff")
                for name in next(csv.reader([header], delimiter=delimiter))
            ]
            lines = _RowLines(text, limit=max_record_bytes())
            rows = csv.reader(lines, delimiter=delimiter)
            seen_any = False
            while True:
                try:
                    row = next(rows)
                except StopIteration:
                    break
                except TooLarge as exc:
                    seen_any = True
                    yield RecordError(f"{source.name} row {lines.row_start}", str(exc))
                    lines.start_row()
                    continue
                label = f"{source.name} row {lines.row_start}"
                lines.start_row()
                if not row:
                    continue
                seen_any = True
                if len(row) > len(fieldnames):
                    yield RecordError(label, "more cells than header columns")
                    continue
                cells = dict(zip(fieldnames, row, strict=False))
                fields = {key: value for key, value in cells.items() if value != ""}
                record = {name: cells.get(name) for name in fieldnames}
                yield RawRecord(
                    label=label,
                    format="csv",
                    raw_text=json.dumps(record, ensure_ascii=False),
                    fields=fields,
                )
        except csv.Error as exc:
            raise UnusableFile(source.name, f"malformed CSV: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise UnusableFile(source.name, f"invalid {exc.encoding} text") from exc
        if not seen_any:
            raise UnusableFile(source.name, "the CSV file has a header but no rows")
