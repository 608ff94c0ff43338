"""The one way imported text becomes canonical segments: clean, normalise, restore ZWNJ, segment."""

from dataclasses import dataclass, replace
from datetime import datetime

from articles.text.boilerplate import Block, CleanDocument, clean_html, clean_plain_text
from articles.text.controls import strip_forbidden
from articles.text.markup import fragment_to_text
from articles.text.normalize import normalize_chars
from articles.text.segment import SegmentDraft, build_segments, split_sentences
from articles.text.zwnj import restore_zwnj


@dataclass(frozen=True)
class PreparedText:
    title: str
    segments: list[SegmentDraft]
    scraped_at: datetime | None
    published_at: datetime | None
    clean_text: str
    notes: tuple[str, ...] = ()  # what cleaning removed, for the batch notes


def _canonical(text: str) -> str:
    # Character references in markup can spell characters XML 1.0 forbids (&#1;): never stored.
    return strip_forbidden(restore_zwnj(normalize_chars(text)))


def _finish(doc: CleanDocument, notes: tuple[str, ...] = ()) -> PreparedText:
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
        notes=notes,
    )


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
    flat_title = fragment_to_text(title or "")
    flat_body = fragment_to_text(body or "")
    title = normalize_chars(" ".join(flat_title.text.split()))
    body = flat_body.text
    if not title and not body.strip():
        raise ValueError("record has no title")
    return _finish(clean_plain_text(body, title=title), flat_title.notes + flat_body.notes)
