"""`.csv`: a header row naming the fields, one article per row."""

import csv
import json
import sys
from collections.abc import Iterator

from .encoding import open_text
from .source import ImportSource, RawRecord, RecordError, UnusableFile

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _delimiter(header: str) -> str:
    """Comma unless the header row plainly uses tabs or semicolons instead."""
    for candidate in (",", "\t", ";"):
        if candidate in header:
            return candidate
    return ","


def read(source: ImportSource) -> Iterator[RawRecord | RecordError]:
    with source.open() as stream:
        text = open_text(stream, name=source.name)
        try:
            header = text.readline()
            if not header.strip():
                raise UnusableFile(source.name, "the file is empty")
            delimiter = _delimiter(header)
            fieldnames = [
                name.strip().lstrip("\ufeff")
                for name in next(csv.reader([header], delimiter=delimiter))
            ]
            rows = csv.DictReader(text, fieldnames=fieldnames, delimiter=delimiter)
            seen_any = False
            for row in rows:
                seen_any = True
                label = f"{source.name} row {rows.line_num + 1}"
                if None in row:
                    yield RecordError(label, "more cells than header columns")
                    continue
                fields = {key: value for key, value in row.items() if value not in (None, "")}
                yield RawRecord(
                    label=label,
                    format="csv",
                    raw_text=json.dumps(row, ensure_ascii=False),
                    fields=fields,
                )
        except csv.Error as exc:
            raise UnusableFile(source.name, f"malformed CSV: {exc}") from exc
        except UnicodeDecodeError as exc:
            raise UnusableFile(source.name, f"invalid {exc.encoding} text") from exc
        if not seen_any:
            raise UnusableFile(source.name, "the CSV file has a header but no rows")
