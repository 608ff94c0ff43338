"""`.zip`: any mix of the other formats; each member is imported by its own extension."""

import re
import zipfile
import zlib
from collections.abc import Iterator

from .formats import format_for_name
from .source import ImportSource, RecordError, UnusableFile

MAX_MEMBER_BYTES = 500 * 1024 * 1024
# What reading a damaged, encrypted or oddly compressed member raises: that member fails alone.
MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)
_DRIVE = re.compile(r"^[a-zA-Z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _unsafe_name(filename: str) -> str | None:
    """Why a member's name could not be a path inside the archive, if it could not.

    Members are only read, never extracted, but a name that climbs out or starts at a root is
    what a hostile archive looks like: it is skipped and named. Backslashes count as separators.
    """
    parts = filename.replace("\\", "/").split("/")
    if filename.startswith(("/", "\\")) or _DRIVE.match(filename):
        return "skipped: its name is an absolute path; archive members must have relative paths"
    if ".." in parts:
        return "skipped: its name climbs out of the archive with '..'"
    return None


def _shown(filename: str) -> str:
    """The name as a person may read it: control characters written as escapes."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", filename)


def members(source: ImportSource) -> Iterator[ImportSource | RecordError]:
    """The importable members of an archive, as sources of their own."""
    stream = source.open()
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile as exc:
        stream.close()
        raise UnusableFile(source.name, "not a valid zip archive") from exc
    with archive, stream:
        infos = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and (
                _unsafe_name(info.filename)
                or not (
                    info.filename.startswith("__MACOSX/")
                    or info.filename.rsplit("/", 1)[-1].startswith(".")
                )
            )
        ]
        if not infos:
            raise UnusableFile(source.name, "the zip archive holds no files")
        for info in infos:
            name = f"{source.name}:{_shown(info.filename)}"
            if reason := _unsafe_name(info.filename):
                yield RecordError(name, reason)
                continue
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
