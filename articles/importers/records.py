"""From a raw record to everything an Article needs: field aliases, cleaning, identity."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from articles.text.jalali import parse_datetime
from articles.text.pipeline import PreparedText, prepare_html, prepare_plain_text, prepare_record
from articles.text.segment import SegmentDraft

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


def _sha256(text: str) -> str:
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


def _tags(fields: dict) -> list[str]:
    value = fields.get("tags", fields.get("keywords"))
    if value in (None, ""):
        return []
    if isinstance(value, str):
        if value.lstrip().startswith("["):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise InvalidRecord(f"tags: not a JSON list ({exc.msg})") from exc
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
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise InvalidRecord(f"translation: invalid JSON ({exc.msg})") from exc
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


def _identity(*, external_id: str, url: str, prepared: PreparedText) -> str:
    if external_id:
        key = f"external_id:{external_id}"
    elif url:
        key = f"url:{url}"
    else:
        key = f"text:{prepared.clean_text}"
    return _sha256(key)


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
    url = _text_field(fields, URL_FIELDS)
    if len(url) > 2000:
        raise InvalidRecord("url longer than 2000 characters")
    language = _text_field(fields, LANGUAGE_FIELDS) or source_language
    published_at = _date(fields, DATE_FIELDS) or prepared.published_at
    scraped_at = _date(fields, ("scraped_at",)) or prepared.scraped_at
    translation = _translation(fields)
    if record.fields is None:
        content_hash = _sha256(record.raw_text)
    else:
        content_hash = _sha256(
            json.dumps(
                [title, body, translation and [translation.title, translation.body]],
                ensure_ascii=False,
            )
        )
    return ArticleInput(
        identity=_identity(external_id=external_id, url=url, prepared=prepared),
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
    )
