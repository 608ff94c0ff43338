"""A `.txt` file is one article: a plain-text scrape or a clean "title, blank line, body" file."""

from collections.abc import Iterator

from .bounds import TooLarge, max_record_bytes
from .encoding import read_all_text
from .source import ImportSource, RawRecord, RecordError


def read_whole_file(source: ImportSource, *, format: str) -> Iterator[RawRecord | RecordError]:
    """The file is one record (a text or a saved page), read whole within the record limit."""
    with source.open() as stream:
        try:
            text = read_all_text(stream, name=source.name, limit=max_record_bytes())
        except TooLarge as exc:
            yield RecordError(source.name, str(exc))
            return
    yield RawRecord(label=source.name, format=format, raw_text=text)


def read(source: ImportSource) -> Iterator[RawRecord | RecordError]:
    return read_whole_file(source, format="txt")
