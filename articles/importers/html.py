"""An `.html` file is one saved web page; its main content is extracted when it is prepared."""

from collections.abc import Iterator

from .encoding import read_all_text
from .source import ImportSource, RawRecord


def read(source: ImportSource) -> Iterator[RawRecord]:
    with source.open() as stream:
        text = read_all_text(stream, name=source.name)
    yield RawRecord(label=source.name, format="html", raw_text=text)
