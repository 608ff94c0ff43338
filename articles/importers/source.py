"""What the importers read from: named byte streams, counted so progress can be shown."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO


class UnusableFile(Exception):
    """The whole file cannot be imported (empty, binary, unknown encoding or format)."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class RecordError:
    """One record that could not be imported; the rest of its file goes on."""

    record: str
    reason: str


@dataclass(frozen=True)
class Origin:
    """Where a record stands: the SHA-256 of its file and its place in it, counted from 1."""

    file_sha256: str
    position: int


@dataclass
class RawRecord:
    """One article as read from a file, before cleaning."""

    label: str
    format: str
    raw_text: str
    fields: dict | None = None


class CountingReader(io.RawIOBase):
    """Wraps a binary stream and counts the bytes taken from it (for progress bars)."""

    def __init__(self, stream: BinaryIO, on_read: Callable[[int], None] | None = None) -> None:
        self._stream = stream
        self._on_read = on_read
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        data = self._stream.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        if self._on_read and size:
            self._on_read(size)
        return size

    def seekable(self) -> bool:
        return self._stream.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def close(self) -> None:
        self._stream.close()
        super().close()


@dataclass
class ImportSource:
    """A named file-like source: a path on disk, an uploaded file or a zip member."""

    name: str
    opener: Callable[[], BinaryIO]
    size: int
    format_hint: str = "auto"
    on_read: Callable[[int], None] | None = field(default=None, repr=False)

    @classmethod
    def from_path(cls, path: str | os.PathLike, *, format_hint: str = "auto") -> ImportSource:
        path = Path(path)
        return cls(
            name=path.name,
            opener=lambda: path.open("rb"),
            size=path.stat().st_size,
            format_hint=format_hint,
        )

    def open(self) -> io.BufferedReader:
        return io.BufferedReader(CountingReader(self.opener(), self.on_read), buffer_size=65536)

    def fingerprint(self) -> str:
        """SHA-256 of the bytes: the same file met again, under any name, is known as such."""
        with self.opener() as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
