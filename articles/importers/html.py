"""An `.html` file is one saved web page; its main content is extracted when it is prepared."""

from collections.abc import Iterator

from .bounds import TooLarge, max_record_bytes
from .encoding import read_all_text
from .source import ImportSource, RawRecord, RecordError


def read(source: ImportSource) -> Iterator[RawRecord | RecordError]:
    with source.open() as stream:
        try:
            text = read_all_text(stream, name=source.name, limit=max_record_bytes())
        except TooLarge as exc:
            yield RecordError(source.name, str(exc))
            return
    yield RawRecord(label=source.name, format="html", raw_text=text)
