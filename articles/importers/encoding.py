"""Text encoding detection for imported files: UTF-8 (with or without BOM), UTF-16, Windows-1256."""

from __future__ import annotations

import codecs
import io
import unicodedata
from typing import BinaryIO

from .bounds import TooLarge
from .source import UnusableFile

SAMPLE_SIZE = 64 * 1024
ALLOWED_CONTROLS = set("\t\n\r\f\v")


def _looks_like_text(text: str) -> bool:
    """Printable text with a handful of control characters at most."""
    if not text:
        return True
    controls = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS
    )
    return controls <= len(text) // 200


def _plausible_share(text: str) -> float:
    """Share of characters that Persian, Arabic or Latin text is made of."""
    usual = sum(
        1
        for ch in text
        if ch < "\u0250" or "\u0600" <= ch <= "\u06ff" or "\u2000" <= ch <= "\u206f"
    )
    return usual / max(1, len(text))


def _utf16_without_bom(sample: bytes) -> str | None:
    sample = sample[: len(sample) // 2 * 2]
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text) and _plausible_share(text) > 0.95:
            return codec
    return None


def detect_encoding(sample: bytes, *, name: str) -> str:
    """Name the codec for a file from its first bytes, or refuse it with the reason."""
    if not sample.strip():
        raise UnusableFile(name, "the file is empty")
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        guess = _utf16_without_bom(sample)
        if guess:
            return guess
        raise UnusableFile(name, "this is a binary file, not text (it contains NUL bytes)")
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        pass
    else:
        if not _looks_like_text(text):
            raise UnusableFile(name, "this is a binary file, not text (control characters)")
        return "utf-8"
    text = sample.decode("cp1256", errors="replace")
    if "\ufffd" in text or not _looks_like_text(text):
        raise UnusableFile(
            name,
            "the text encoding is not UTF-8, UTF-16 or Windows-1256; "
            "save the file as UTF-8 and import it again",
        )
    return "cp1256"


def open_text(stream: BinaryIO, *, name: str) -> io.TextIOWrapper:
    """A text stream over `stream` in its detected encoding; newlines kept as in the file."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
    sample = buffered.peek(SAMPLE_SIZE)[:SAMPLE_SIZE]
    encoding = detect_encoding(sample, name=name)
    return io.TextIOWrapper(buffered, encoding=encoding, errors="strict", newline="")


def read_all_text(stream: BinaryIO, *, name: str, limit: int) -> str:
    """Whole-file decode for one-article formats (txt, html), reading at most `limit` bytes.

    Raises TooLarge for a longer file (only `limit` bytes are ever read, so a huge archive member
    costs no memory); decoding errors name the file.
    """
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream)
    sample = buffered.peek(SAMPLE_SIZE)[:SAMPLE_SIZE]
    encoding = detect_encoding(sample, name=name)
    data = buffered.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnusableFile(
            name, f"invalid {exc.encoding} byte sequence at byte {exc.start}"
        ) from exc
    if not text.strip():
        raise UnusableFile(name, "the file is empty")
    return text
