"""`.jsonl`: one JSON object a line, read line by line so memory stays flat."""

import json
from collections.abc import Iterator

from .bounds import TooDeep, TooLarge, bounded_lines, check_nesting, max_record_bytes
from .encoding import open_text
from .source import ImportSource, RawRecord, RecordError, UnusableFile


def read(source: ImportSource) -> Iterator[RawRecord | RecordError]:
    with source.open() as stream:
        text = open_text(stream, name=source.name)
        seen_any = False
        line_no = 0
        try:
            lines = bounded_lines(text, limit=max_record_bytes())
            for line_no, line in enumerate(lines, start=1):
                label = f"{source.name} line {line_no}"
                if isinstance(line, TooLarge):
                    seen_any = True
                    yield RecordError(label, str(line))
                    continue
                if not line.strip():
                    continue
                seen_any = True
                try:
                    check_nesting(line)
                    value = json.loads(line)
                except TooDeep as exc:
                    yield RecordError(label, str(exc))
                    continue
                except json.JSONDecodeError as exc:
                    yield RecordError(label, f"invalid JSON: {exc.msg} (column {exc.colno})")
                    continue
                except ValueError as exc:  # e.g. an integer longer than Python's digit limit
                    yield RecordError(label, f"invalid JSON: {exc}")
                    continue
                if not isinstance(value, dict):
                    kind = type(value).__name__.replace("dict", "object").replace("list", "array")
                    yield RecordError(label, f"expected a JSON object, got {kind}")
                    continue
                yield RawRecord(label=label, format="jsonl", raw_text=line.strip(), fields=value)
        except UnicodeDecodeError as exc:
            raise UnusableFile(
                source.name, f"invalid {exc.encoding} text after line {line_no}"
            ) from exc
        if not seen_any:
            raise UnusableFile(source.name, "the file is empty")
