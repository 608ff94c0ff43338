"""From a raw record to everything an Article needs: field aliases, cleaning, identity."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import datetime

from articles.text.controls import describe, first_forbidden, strip_forbidden
from articles.text.jalali import parse_datetime
from articles.text.pipeline import prepare_html, prepare_plain_text, prepare_record
from articles.text.segment import SegmentDraft
from articles.weburl import is_web_url

from .bounds import MAX_NESTING, TooDeep, check_nesting, too_deep_reason
from .source import RawRecord

TITLE_FIELDS = ("title", "headline")
BODY_FIELDS = ("body", "text", "content", "summary")
URL_FIELDS = ("url", "link")
DATE_FIELDS = ("published_at", "published", "date", "pubDate")
LANGUAGE_FIELDS = ("source_language", "language", "lang")
MAX_TAG_LENGTH = 200


class InvalidRecord(Exception):
    """A record that cannot become an article; the message says why."""


@dataclass(frozen=True)
class Translation:
    title: str
    body: str


@dataclass(frozen=True)
class ArticleInput:
    identity: str
    external_id: str
    url: str
    title: str
    segments: list[SegmentDraft]
    raw_text: str
    content_hash: str
    source_format: str
    source_language: str
    published_at: datetime | None
    scraped_at: datetime | None
    tags: list[str]
    translation: Translation | None
    notes: tuple[str, ...] = ()


def text_hash(text: str) -> str:
    """The hex SHA-256 of a text: content hashes and identities are compared by it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text_field(fields: dict, names: tuple[str, ...]) -> str:
    for name in names:
        value = fields.get(name)
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise InvalidRecord(f"{name} must be text, got {type(value).__name__}")
        if value.strip():
            return value.strip()
    return ""


def _json_cell(value: str, name: str):
    """A JSON value written into a text cell (CSV): nesting checked before it is parsed."""
    try:
        check_nesting(value, levels=MAX_NESTING - 1)
    except TooDeep:
        raise InvalidRecord(too_deep_reason(name)) from None
    return json.loads(value)


def _tags(fields: dict) -> list[str]:
    value = fields.get("tags", fields.get("keywords"))
    if value in (None, ""):
        return []
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            try:
                value = _json_cell(value, "tags")
            except ValueError as exc:
                raise InvalidRecord(f"tags: not a JSON list ({exc})") from exc
        else:
            value = value.replace("؛", ";").replace("|", ";").replace(",", ";").split(";")
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise InvalidRecord("tags must be a list of strings")
    tags = []
    for tag in value:
        tag = " ".join(tag.split())
        if len(tag) > MAX_TAG_LENGTH:
            raise InvalidRecord(f"tag longer than {MAX_TAG_LENGTH} characters")
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _translation(fields: dict) -> Translation | None:
    value = fields.get("translation")
    if value in (None, "", {}):
        return None
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            value = _json_cell(value, "translation")
        except ValueError as exc:
            raise InvalidRecord(f"translation: invalid JSON ({exc})") from exc
    if isinstance(value, str):
        return Translation(title="", body=value.strip())
    if not isinstance(value, dict):
        raise InvalidRecord('translation must be an object {"title": ..., "body": ...}')
    title = _text_field(value, ("title",))
    body = _text_field(value, BODY_FIELDS)
    return Translation(title=title, body=body) if (title or body) else None


def _date(fields: dict, names: tuple[str, ...]) -> datetime | None:
    for name in names:
        value = fields.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise InvalidRecord(f"{name} must be a date string, got {type(value).__name__}")
        try:
            return parse_datetime(value)
        except ValueError as exc:
            raise InvalidRecord(f"{name}: {exc}") from exc
    return None


def _url(fields: dict) -> str:
    url = _text_field(fields, URL_FIELDS)
    if len(url) > 2000:
        raise InvalidRecord("url longer than 2000 characters")
    if url and not is_web_url(url):
        shown = url if len(url) <= 60 else url[:57] + "..."
        raise InvalidRecord(
            f"url must be an http:// or https:// address, not {shown!r}; "
            "fix the address or leave it out"
        )
    return url


def article_identity(*, external_id: str, url: str, clean_text: str) -> str:
    """What makes two records the same article: its external id, else its URL, else its text."""
    if external_id:
        key = f"external_id:{external_id}"
    elif url:
        key = f"url:{url}"
    else:
        key = f"text:{clean_text}"
    return text_hash(key)


def build_article_input(record: RawRecord, *, source_language: str) -> ArticleInput:
    """Clean and segment one record; raises InvalidRecord with the reason it cannot be used."""
    fields = record.fields or {}
    title = body = ""
    try:
        if record.fields is None:
            prepare = prepare_html if record.format == "html" else prepare_plain_text
            prepared = prepare(record.raw_text)
        else:
            body = _text_field(fields, BODY_FIELDS)
            if not body:
                raise InvalidRecord("no body: expected one of " + ", ".join(BODY_FIELDS))
            title = _text_field(fields, TITLE_FIELDS)
            prepared = prepare_record(title=title, body=body)
    except ValueError as exc:
        raise InvalidRecord(str(exc)) from exc

    external_id = _text_field(fields, ("external_id",))
    url = _url(fields)
    language = _text_field(fields, LANGUAGE_FIELDS) or source_language
    published_at = _date(fields, DATE_FIELDS) or prepared.published_at
    scraped_at = _date(fields, ("scraped_at",)) or prepared.scraped_at
    translation = _translation(fields)
    if record.fields is None:
        content_hash = text_hash(record.raw_text)
    else:
        content_hash = text_hash(
            json.dumps(
                [title, body, translation and [translation.title, translation.body]],
                ensure_ascii=False,
            )
        )
    return ArticleInput(
        identity=article_identity(external_id=external_id, url=url, clean_text=prepared.clean_text),
        external_id=external_id[:255],
        url=url,
        title=prepared.title,
        segments=prepared.segments,
        raw_text=record.raw_text,
        content_hash=content_hash,
        source_format=record.format,
        source_language=language[:8],
        published_at=published_at,
        scraped_at=scraped_at,
        tags=_tags(fields),
        translation=translation,
        notes=prepared.notes,
    )


# Vertical tab and form feed end a line (normalize_chars reads them so); XML forbids them as such.
_LINE_END_CONTROLS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


class _Removed:
    """Counts the characters taken out of one record, and remembers the first for the note."""

    def __init__(self) -> None:
        self.count = 0
        self.first: tuple[str, str] | None = None

    def clean(self, text: str, where: str) -> str:
        found = first_forbidden(text)
        if found is None:
            return text
        text = text.translate(_LINE_END_CONTROLS)
        found = first_forbidden(text)
        if found is None:
            return text
        cleaned = strip_forbidden(text)
        self.count += len(text) - len(cleaned)
        self.first = self.first or (found[1], where)
        return cleaned

    def walk(self, value, where: str):
        if isinstance(value, str):
            return self.clean(value, where)
        if isinstance(value, list):
            return [self.walk(item, where) for item in value]
        if isinstance(value, dict):
            return {self.clean(k, where): self.walk(v, where) for k, v in value.items()}
        return value

    def note(self) -> str | None:
        if not self.count or self.first is None:
            return None
        char, where = self.first
        noun = "character" if self.count == 1 else "characters"
        first = ", the first" if self.count > 1 else ""
        return f"removed {self.count} {noun} XML 1.0 forbids ({describe(char)} in {where}{first})"


def clean_record(record: RawRecord) -> tuple[RawRecord, str | None]:
    """The record without the characters XML 1.0 forbids (NUL included), and a note if any went.

    No stored text may hold them: PostgreSQL refuses NUL outright, and the TMX/XLIFF exports would
    not be well-formed. Nesting is bounded by the readers, so the walk is shallow.
    """
    removed = _Removed()
    if record.fields is None:
        raw_text = removed.clean(record.raw_text, "the text")
        return replace(record, raw_text=raw_text), removed.note()
    fields = {
        removed.clean(key, key): removed.walk(value, key) for key, value in record.fields.items()
    }
    # The raw text of a structured record is its fields as read; what it loses is counted there.
    raw_text = _Removed().clean(record.raw_text, "")
    return replace(record, raw_text=raw_text, fields=fields), removed.note()
