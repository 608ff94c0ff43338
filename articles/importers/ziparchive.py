"""`.zip`: any mix of the other formats; each member is imported by its own extension."""

import zipfile
from collections.abc import Iterator

from .formats import format_for_name
from .source import ImportSource, RecordError, UnusableFile

MAX_MEMBER_BYTES = 500 * 1024 * 1024


def members(source: ImportSource) -> Iterator[ImportSource | RecordError]:
    """The importable members of an archive, as sources of their own."""
    stream = source.open()
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        stream.close()
        raise UnusableFile(source.name, "not a valid zip archive") from exc
    with archive, stream:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        infos = [
            info
            for info in infos
            if not info.filename.startswith("__MACOSX/")
            and not info.filename.rsplit("/", 1)[-1].startswith(".")
        ]
        if not infos:
            raise UnusableFile(source.name, "the zip archive holds no files")
        for info in infos:
            name = f"{source.name}:{info.filename}"
            fmt = format_for_name(info.filename)
            if fmt is None or fmt == "zip":
                yield RecordError(name, "skipped: not a txt, html, json, jsonl or csv file")
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                yield RecordError(name, "too large to import (over 500 MB uncompressed)")
                continue
            yield ImportSource(
                name=name,
                opener=lambda info=info: archive.open(info),
                size=info.file_size,
                format_hint=fmt,
            )
