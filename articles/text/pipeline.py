"""The one way imported text becomes canonical segments: clean, normalise, restore ZWNJ, segment."""

import html
import re
from dataclasses import dataclass, replace
from datetime import datetime

from articles.text.boilerplate import (
    Block,
    CleanDocument,
    clean_html,
    clean_plain_text,
    html_to_text,
)
from articles.text.normalize import normalize_chars
from articles.text.segment import SegmentDraft, build_segments, split_sentences
from articles.text.zwnj import restore_zwnj

_MARKUP = re.compile(
    r"<\s*/?\s*(?:p|br|div|span|a|b|i|u|em|strong|h[1-6]|ul|ol|li|blockquote|figure|figcaption"
    r"|img|table|tr|td|section|article|header|footer|script|style|iframe|font|sup|sub)\b[^>]*>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)


@dataclass(frozen=True)
class PreparedText:
    title: str
    segments: list[SegmentDraft]
    scraped_at: datetime | None
    published_at: datetime | None
    clean_text: str


def _canonical(text: str) -> str:
    return restore_zwnj(normalize_chars(text))


def _finish(doc: CleanDocument) -> PreparedText:
    """Bring every block to the text canon, then segment; an article without body is an error.

    An untitled text is titled by its first sentence, which stays in the body too.
    """
    doc = replace(
        doc,
        title=_canonical(doc.title),
        blocks=tuple(Block(block.kind, _canonical(block.text)) for block in doc.blocks),
    )
    if not doc.title and doc.blocks:
        doc = replace(doc, title=" ".join(split_sentences(doc.blocks[0].text)[:1]))
    segments = build_segments(doc)
    if not any(segment.kind == "body" for segment in segments):
        raise ValueError("no body text after cleaning")
    clean_text = "\n\n".join([doc.title, *(block.text for block in doc.blocks)])
    return PreparedText(
        title=doc.title,
        segments=segments,
        scraped_at=doc.scraped_at,
        published_at=doc.published_at,
        clean_text=clean_text,
    )


def _markup_to_text(value: str) -> str:
    """Scraper fields often carry HTML: flatten it to lines of text, never keeping code."""
    if _MARKUP.search(value):
        return html_to_text(value)
    return html.unescape(value) if _ENTITY.search(value) else value


def prepare_plain_text(raw: str) -> PreparedText:
    """Prepare a plain-text scrape or a clean "title, blank line, body" text file."""
    return _finish(clean_plain_text(raw))


def prepare_html(raw: str) -> PreparedText:
    """Prepare a saved web page (main content only)."""
    return _finish(clean_html(raw))


def prepare_record(*, title: str, body: str) -> PreparedText:
    """Prepare a structured record (JSON/CSV): a title and a plain-text or HTML body or summary.

    Without a title the body's first sentence stands in for it; the body keeps that sentence.
    """
    title = normalize_chars(" ".join(_markup_to_text(title or "").split()))
    body = _markup_to_text(body or "")
    if not title and not body.strip():
        raise ValueError("record has no title")
    return _finish(clean_plain_text(body, title=title))
