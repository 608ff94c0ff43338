"""`.json`: an array of objects (or one object), parsed incrementally with ijson."""

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
            import codecs

            reader = codecs.EncodedFile(stream, "utf-8", encoding)
        prefix = "item" if first == "[" else ""
        index = 0
        try:
            for index, value in enumerate(ijson.items(reader, prefix, use_float=True), start=1):
                label = f"{source.name} record {index}"
                if not isinstance(value, dict):
                    yield RecordError(label, f"expected a JSON object, got {type(value).__name__}")
                    continue
                raw = json.dumps(value, ensure_ascii=False)
                yield RawRecord(label=label, format="json", raw_text=raw, fields=value)
        except ijson.JSONError as exc:
            yield RecordError(
                f"{source.name} after record {index}",
                f"invalid JSON, the rest of the file was not read: {exc}",
            )
        except UnicodeDecodeError as exc:
            raise UnusableFile(source.name, f"invalid {exc.encoding} text") from exc
        if index == 0 and first == "[":
            raise UnusableFile(source.name, "the JSON array is empty")
