"""An `.html` file is one saved web page; its main content is extracted when it is prepared."""

from collections.abc import Iterator

from .source import ImportSource, RawRecord, RecordError
from .txt import read_whole_file


def read(source: ImportSource) -> Iterator[RawRecord | RecordError]:
    return read_whole_file(source, format="html")
