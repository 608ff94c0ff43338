"""Which reader handles which file: by extension unless a format is given."""

from __future__ import annotations

from pathlib import PurePosixPath

EXTENSIONS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".zip": "zip",
}
FORMATS = ("txt", "html", "json", "jsonl", "csv", "zip")


def format_for_name(name: str) -> str | None:
    return EXTENSIONS.get(PurePosixPath(name.lower()).suffix)
