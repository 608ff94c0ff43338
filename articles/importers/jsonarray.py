"""`.json`: an array of objects, or objects one after another, split into records as it is read.

Each record is parsed on its own once its size and nesting are known to be within bounds
(`jsonscan`), so memory stays flat whatever a single record holds.
"""

import codecs
import json
from collections.abc import Iterator

from .bounds import MAX_NESTING, max_record_bytes
from .encoding import SAMPLE_SIZE, detect_encoding
from .jsonscan import BrokenJSON, split_records
from .source import ImportSource, RawRecord, RecordError, UnusableFile


def _first_token(sample: bytes, encoding: str) -> str:
    text = sample.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    return text[:1]


def _stopped(source: ImportSource, index: int, detail: str) -> RecordError:
    return RecordError(
        f"{source.name} after record {index}",
        f"invalid JSON ({detail}); the rest of the file was not read",
    )


def read(source: ImportSource) -> Iterator[RawRecord | RecordError]:
    with source.open() as stream:
        sample = stream.peek(SAMPLE_SIZE)[:SAMPLE_SIZE]
        encoding = detect_encoding(sample, name=source.name)
        first = _first_token(sample, encoding)
        if first not in ("[", "{"):
            raise UnusableFile(source.name, "not a JSON array or object")
        if encoding in ("utf-8", "utf-8-sig"):
            if encoding == "utf-8-sig":
                stream.read(3)
            reader = stream
        else:
            reader = codecs.EncodedFile(stream, "utf-8", encoding)
        # An array yields its items; otherwise each top-level object is a record (one object, or
        # JSON Lines saved under a .json name).
        items = split_records(reader, max_bytes=max_record_bytes(), max_depth=MAX_NESTING)
        index = 0
        try:
            for index, item in enumerate(items, start=1):
                label = f"{source.name} record {index}"
                if item.refused:
                    yield RecordError(label, item.refused)
                    continue
                text = item.data.decode("utf-8")
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield _stopped(source, index - 1, exc.msg)
                    return
                except ValueError as exc:  # e.g. an integer longer than Python's digit limit
                    yield RecordError(label, f"invalid JSON: {exc}")
                    continue
                if not isinstance(value, dict):
                    yield RecordError(label, f"expected a JSON object, got {type(value).__name__}")
                    continue
                raw = json.dumps(value, ensure_ascii=False)
                yield RawRecord(label=label, format="json", raw_text=raw, fields=value)
        except BrokenJSON as exc:
            yield _stopped(source, index, str(exc))
        except UnicodeDecodeError as exc:
            raise UnusableFile(source.name, f"invalid {exc.encoding} text") from exc
        if index == 0 and first == "[":
            raise UnusableFile(source.name, "the JSON array is empty")
