"""A `.txt` file is one article: a plain-text scrape or a clean "title, blank line, body" file."""

from collections.abc import Iterator

from .encoding import read_all_text
from .source import ImportSource, RawRecord


def read(source: ImportSource) -> Iterator[RawRecord]:
    with source.open() as stream:
        text = read_all_text(stream, name=source.name)
    yield RawRecord(label=source.name, format="txt", raw_text=text)
