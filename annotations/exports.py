"""Export formats other tools read: JSON, doccano JSONL, TMX 1.4, XLIFF 1.2 and CoNLL (BIO).

Every writer is a generator of text chunks over an iterable of articles, so a bulk export streams
article by article and never holds the whole result. XML is written with `XMLGenerator`, which
escapes every piece of text, never by string concatenation.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import XMLGenerator

from django.db.models import Prefetch, QuerySet

from annotations.models import Mention, MentionOrigin, MentionSide
from annotations.spans import outermost
from articles.comments.models import Comment
from articles.models import Article, ArticleStatus, Segment, SegmentStatus
from articles.text.chars import tokens
from articles.text.controls import strip_forbidden

FORMATS = {
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "tmx": "application/x-tmx+xml",
    "xliff": "application/x-xliff+xml",
    "conll": "text/plain",
}
EXTENSIONS = {"json": "json", "jsonl": "jsonl", "tmx": "tmx", "xliff": "xlf", "conll": "conll"}
# XLIFF 1.2 states, from how far a segment has come.
XLIFF_STATES = {
    SegmentStatus.EMPTY: "new",
    SegmentStatus.MACHINE: "needs-review-translation",
    SegmentStatus.EDITED: "translated",
    SegmentStatus.APPROVED: "final",
}


def export_queryset(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Articles with everything an export writes, in a fixed number of queries per chunk."""
    mentions = Mention.objects.select_related("entity").order_by("start", "-end")
    comments = Comment.objects.select_related("author", "resolved_by").order_by("created_at", "id")
    segments = Segment.objects.order_by("position").prefetch_related(
        Prefetch("mentions", queryset=mentions), Prefetch("comments", queryset=comments)
    )
    return queryset.prefetch_related(Prefetch("segments", queryset=segments)).order_by("pk")


def iterate(queryset: QuerySet[Article], chunk: int = 200) -> Iterator[Article]:
    """Articles one at a time, fetched `chunk` at a time with their segments and mentions."""
    return queryset.iterator(chunk_size=chunk)


def _mentions(segment: Segment, side: str, *, suggestions: bool = True) -> list[Mention]:
    """A side's mentions; without `suggestions`, only those a person tagged or accepted."""
    return [
        m
        for m in segment.mentions.all()
        if m.side == side and (suggestions or m.origin != MentionOrigin.SUGGESTED)
    ]


def _mention_json(mention: Mention) -> dict:
    entity = mention.entity
    return {
        "id": mention.pk,
        "side": mention.side,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "type": mention.type,
        "origin": mention.origin,
        "needs_review": mention.needs_review,
        "entity": None
        if entity is None
        else {
            "id": entity.pk,
            "name_en": entity.name_en,
            "name_fa": entity.name_fa,
            "wikidata_id": entity.wikidata_id,
        },
    }


def _comment_json(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "author": comment.author.get_username() if comment.author else None,
        "text": comment.text,
        "created_at": comment.created_at.isoformat(),
        "edited_at": comment.edited_at.isoformat() if comment.edited_at else None,
        "resolved": comment.resolved_at is not None,
        "resolved_by": comment.resolved_by.get_username() if comment.resolved_by else None,
    }


def article_json(article: Article) -> dict:
    return {
        "id": article.pk,
        "external_id": article.external_id,
        "url": article.url,
        "title": article.title,
        "status": ArticleStatus(article.status).label,
        "source_language": article.source_language,
        "target_language": article.target_language,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "scraped_at": article.scraped_at.isoformat() if article.scraped_at else None,
        "segments": [
            {
                "id": segment.pk,
                "position": segment.position,
                "kind": segment.kind,
                "paragraph": segment.paragraph,
                "source_text": segment.source_text,
                "mt_text": segment.mt_text,
                "mt_model": segment.mt_model,
                "target_text": segment.target_text,
                "status": SegmentStatus(segment.status).label,
                "mentions": [_mention_json(m) for m in segment.mentions.all()],
                "comments": [_comment_json(c) for c in segment.comments.all()],
            }
            for segment in article.segments.all()
        ],
    }


def write_json(articles: Iterable[Article], *, single: bool = False) -> Iterator[str]:
    """One article as an object, or many as an array streamed element by element."""
    if single:
        for article in articles:
            yield json.dumps(article_json(article), ensure_ascii=False, indent=1)
        return
    yield "["
    for index, article in enumerate(articles):
        yield ("," if index else "") + "\n" + json.dumps(article_json(article), ensure_ascii=False)
    yield "\n]\n"


def write_jsonl(
    articles: Iterable[Article], *, suggestions: bool = True, **options
) -> Iterator[str]:
    """doccano sequence labelling, one segment a line, with the translation and its labels."""
    for article in articles:
        lines = []
        for segment in article.segments.all():
            record = {
                "text": segment.source_text,
                "label": [
                    [m.start, m.end, m.type]
                    for m in _mentions(segment, "source", suggestions=suggestions)
                ],
                "translation": segment.target_text,
                "target_label": [
                    [m.start, m.end, m.type]
                    for m in _mentions(segment, "target", suggestions=suggestions)
                ],
                "article": article.pk,
                "segment": segment.pk,
            }
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        yield "".join(lines)


class _XMLTextGenerator(XMLGenerator):
    """An XMLGenerator that drops the characters XML 1.0 forbids from text and attributes.

    Saves refuse them and imports remove them, but a row written another way must still not
    make a whole TMX or XLIFF unreadable.
    """

    def startElement(self, name: str, attrs) -> None:
        super().startElement(name, {key: strip_forbidden(value) for key, value in attrs.items()})

    def characters(self, content: str) -> None:
        super().characters(strip_forbidden(content))


class _XML:
    """An XMLGenerator writing into a buffer that is emptied as chunks are taken."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.out = _XMLTextGenerator(self.buffer, encoding="utf-8", short_empty_elements=True)

    def take(self) -> str:
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return text

    def element(self, name: str, text: str, attrs: dict | None = None) -> None:
        self.out.startElement(name, attrs or {})
        self.out.characters(text)
        self.out.endElement(name)


def write_tmx(articles: Iterable[Article], **options) -> Iterator[str]:
    """TMX 1.4: one translation unit per segment that has a translation."""
    xml = _XML()
    xml.out.startDocument()
    xml.out.startElement("tmx", {"version": "1.4"})
    xml.out.startElement(
        "header",
        {
            "creationtool": "newsroom",
            "creationtoolversion": "1",
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": "fa",
            "o-tmf": "newsroom",
        },
    )
    xml.out.endElement("header")
    xml.out.startElement("body", {})
    yield xml.take()
    for article in articles:
        for segment in article.segments.all():
            if not segment.target_text:
                continue
            xml.out.startElement("tu", {"tuid": f"{article.pk}-{segment.pk}"})
            xml.element("prop", str(article.pk), {"type": "x-article"})
            xml.element("prop", SegmentStatus(segment.status).label, {"type": "x-status"})
            for lang, text in (
                (article.source_language, segment.source_text),
                (
                    article.target_language,
                    segment.target_text,
                ),
            ):
                xml.out.startElement("tuv", {"xml:lang": lang})
                xml.element("seg", text)
                xml.out.endElement("tuv")
            xml.out.endElement("tu")
        yield xml.take()
    xml.out.endElement("body")
    xml.out.endElement("tmx")
    xml.out.endDocument()
    yield xml.take() + "\n"


def write_xliff(articles: Iterable[Article], **options) -> Iterator[str]:
    """XLIFF 1.2: a <file> per article, a <trans-unit> per segment, state from its status."""
    xml = _XML()
    xml.out.startDocument()
    xml.out.startElement(
        "xliff", {"version": "1.2", "xmlns": "urn:oasis:names:tc:xliff:document:1.2"}
    )
    yield xml.take()
    for article in articles:
        xml.out.startElement(
            "file",
            {
                "original": f"article-{article.pk}",
                "source-language": article.source_language,
                "target-language": article.target_language,
                "datatype": "plaintext",
            },
        )
        xml.out.startElement("body", {})
        for segment in article.segments.all():
            unit = {"id": str(segment.pk), "resname": f"{article.pk}:{segment.position}"}
            if segment.status == SegmentStatus.APPROVED:
                unit["approved"] = "yes"
            xml.out.startElement("trans-unit", unit)
            xml.element("source", segment.source_text, {"xml:lang": article.source_language})
            if segment.target_text:
                xml.element(
                    "target",
                    segment.target_text,
                    {"xml:lang": article.target_language, "state": XLIFF_STATES[segment.status]},
                )
            if segment.mt_text:
                xml.element("note", f"machine translation ({segment.mt_model}): {segment.mt_text}")
            for finding in segment.checks:
                xml.element(
                    "note",
                    f"check {finding['check']}: {finding['message']}",
                    {"from": "newsroom-checks", "priority": "2"},
                )
            for comment in segment.comments.all():
                # The desk's thread: an open comment is more pressing than a resolved one.
                xml.element(
                    "note",
                    comment.text,
                    {
                        "from": comment.author.get_username() if comment.author else "",
                        "priority": "3" if comment.resolved_at is None else "8",
                    },
                )
            xml.out.endElement("trans-unit")
        xml.out.endElement("body")
        xml.out.endElement("file")
        yield xml.take()
    xml.out.endElement("xliff")
    xml.out.endDocument()
    yield xml.take() + "\n"


def bio_tags(text: str, mentions: list[Mention]) -> list[tuple[str, str]]:
    """(token, tag) pairs; where mentions nest, the outermost one labels the tokens."""
    outer = outermost(mentions)
    pairs = []
    for start, end in tokens(text):
        tag = "O"
        for mention in outer:
            if mention.start < end and start < mention.end:
                tag = ("B-" if start <= mention.start else "I-") + mention.type
                break
        pairs.append((text[start:end], tag))
    return pairs


def write_conll(
    articles: Iterable[Article], *, side: str = "source", suggestions: bool = True, **options
) -> Iterator[str]:
    """CoNLL 2003 style: token, tab, BIO tag; a blank line after each segment."""
    for article in articles:
        lines = ["-DOCSTART-\tO", ""]
        for segment in article.segments.all():
            text = segment.source_text if side == MentionSide.SOURCE else segment.target_text
            pairs = bio_tags(text, _mentions(segment, side, suggestions=suggestions))
            if not pairs:
                continue
            lines.extend(f"{token}\t{tag}" for token, tag in pairs)
            lines.append("")
        yield "\n".join(lines) + "\n"


WRITERS = {
    "json": write_json,
    "jsonl": write_jsonl,
    "tmx": write_tmx,
    "xliff": write_xliff,
    "conll": write_conll,
}
