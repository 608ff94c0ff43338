"""`.json`: an array of objects, or objects one after another, parsed incrementally with ijson."""

import codecs
import json
from collections.abc import Iterator

import ijson

from .encoding import SAMPLE_SIZE, detect_encoding
from .source import ImportSource, RawRecord, RecordError, UnusableFile


def _first_token(sample: bytes, encoding: str) -> str:
    text = sample.decode(encoding, errors="ignore").lstrip("\ufeff \t\r\n")
    return text[:1]


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
        values = (
            ijson.items(reader, "item", use_float=True)
            if first == "["
            else ijson.items(reader, "", use_float=True, multiple_values=True)
        )
        index = 0
        try:
            for index, value in enumerate(values, start=1):
                label = f"{source.name} record {index}"
                if not isinstance(value, dict):
                    yield RecordError(label, f"expected a JSON object, got {type(value).__name__}")
                    continue
                raw = json.dumps(value, ensure_ascii=False)
                yield RawRecord(label=label, format="json", raw_text=raw, fields=value)
        except ijson.JSONError as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
            yield RecordError(
                f"{source.name} after record {index}",
                f"invalid JSON ({detail}); the rest of the file was not read",
            )
        except UnicodeDecodeError as exc:
            raise UnusableFile(source.name, f"invalid {exc.encoding} text") from exc
        if index == 0 and first == "[":
            raise UnusableFile(source.name, "the JSON array is empty")
