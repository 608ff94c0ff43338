"""Storing prepared records a chunk at a time, in one transaction and a few bulk statements
(hundreds of records a round trip), by the rules `import_article` applies to one record.

The chunk's articles and their source versions are read at once; each record is then decided in
file order against what the records before it left (created, updated, or skipped and why), and
what the chunk changed is written in bulk. A chunk whose write fails is stored again record by
record, each in its own transaction, so the record at fault fails alone and nothing of it is
left half made.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.bulk_insert import insert_values, update_rows
from articles.dashboard.rollup import delete_segments
from articles.figures import FIELDS as FIGURES
from articles.figures import figures_of
from articles.import_prepare import PreparedRecord, unexpected
from articles.importers.records import InvalidRecord
from articles.importing import (
    EDITORS_WORKED,
    IMPORTED_FIELDS,
    LATER_RECORD_WON,
    OLDER_TEXT,
    SEGMENT_VALUES,
    Outcome,
    TagCache,
    apply_fields,
    import_article,
    record_kind,
)
from articles.models import (
    Article,
    ImportBatch,
    Revision,
    RevisionOrigin,
    Segment,
    SegmentStatus,
    SourceVersion,
)
from articles.search import remember_words

logger = logging.getLogger(__name__)

# A chunk ends at this many records or this much text, whichever comes first: a round trip
# carries hundreds of records, and memory stays bounded however large each record is.
CHUNK_RECORDS = 500
CHUNK_BYTES = 4 * 1024 * 1024
# The first chunk's records; each chunk after holds twice as many, up to CHUNK_RECORDS.
FIRST_CHUNK_RECORDS = 50
# What an update rewrites on the article row (`apply_fields`, and what follows from the text).
UPDATED_FIELDS = [
    *IMPORTED_FIELDS,
    "import_batch",
    "search_text",
    "updated_at",
    *FIGURES,
]
# What a new article's row is written with; every other column takes its default.
NEW_ARTICLE_FIELDS = (
    "identity",
    "search_text",
    *IMPORTED_FIELDS,
    "import_batch_id",
    "imported_by_id",
    *FIGURES,
)
# Where a segment's status and failing checks are among its `SEGMENT_VALUES`.
STATUS, FAILING = SEGMENT_VALUES.index("status"), SEGMENT_VALUES.index("failing_checks")


@dataclass
class _Version:
    """A text the article has had, and the file and place it last came from."""

    pk: int | None
    file_sha256: str
    file_position: int | None
    changed: bool = False


@dataclass
class _Article:
    """An article as the records of the chunk so far leave it."""

    pk: int | None  # None: created by this chunk
    content_hash: str
    touched: bool = False
    versions: dict[str, _Version] = field(default_factory=dict)
    written: PreparedRecord | None = None  # the record whose text it now has, if this chunk's

    def later_record_of(self, item: PreparedRecord) -> bool:
        origin = item.origin
        return origin is not None and any(
            v.file_sha256 == origin.file_sha256
            and v.file_position is not None
            and v.file_position > origin.position
            for v in self.versions.values()
        )

    def text_from_earlier_record_of(self, item: PreparedRecord) -> bool:
        origin, current = item.origin, self.versions.get(self.content_hash)
        return (
            origin is not None
            and current is not None
            and current.file_sha256 == origin.file_sha256
            and current.file_position is not None
            and current.file_position < origin.position
        )

    def apply(self, item: PreparedRecord) -> None:
        self.content_hash = item.data.content_hash
        self.written = item
        origin = item.origin
        where = (origin.file_sha256, origin.position) if origin else ("", None)
        version = self.versions.get(self.content_hash)
        if version is None:
            self.versions[self.content_hash] = _Version(None, *where, changed=True)
        else:
            # A text met before and applied again (a later record of the file) moves along.
            version.file_sha256, version.file_position = where
            version.changed = True


def store_chunk(
    items: list[PreparedRecord], *, user, batch: ImportBatch | None, tags: TagCache
) -> None:
    """Store every prepared record of a chunk, in order; each ends with an outcome or an error.

    A record another app stores (a RecordKind) goes alone, between the records around it.
    """
    run: list[PreparedRecord] = []
    for item in items:
        if item.error:
            continue
        if item.kind:
            _store_run(run, user=user, batch=batch, tags=tags)
            run = []
            _store_one(item, user=user, batch=batch, tags=tags)
        else:
            run.append(item)
    _store_run(run, user=user, batch=batch, tags=tags)


def _store_run(
    items: list[PreparedRecord], *, user, batch: ImportBatch | None, tags: TagCache
) -> None:
    if not items:
        return
    try:
        tags.ensure({name for item in items for name in item.data.tags})
        with transaction.atomic():
            articles = _load(items)
            for item in items:
                _decide(item, articles)
            _write(articles, user=user, batch=batch, tags=tags)
    except Exception:
        # A record at fault, or another import that created one of these meanwhile: each alone
        # now, in file order, so that only the one at fault fails.
        logger.warning("storing %d records at once failed; storing them one by one", len(items))
        for item in items:
            item.outcome, item.warnings = None, []
            _store_one(item, user=user, batch=batch, tags=tags)


def _load(items: list[PreparedRecord]) -> dict[str, _Article]:
    """The stored articles of these records' identities, locked, with their versions and
    whether editors have worked on them."""
    rows = (
        Article.objects.select_for_update()
        .filter(identity__in={item.identity for item in items})
        .values_list("identity", "pk", "content_hash")
        .order_by()
    )
    articles = {identity: _Article(pk, content_hash) for identity, pk, content_hash in rows}
    changed = {
        item.identity
        for item in items
        if item.identity in articles
        and articles[item.identity].content_hash != item.data.content_hash
    }
    if not changed:
        return articles
    by_pk = {articles[identity].pk: articles[identity] for identity in changed}
    versions = SourceVersion.objects.filter(article_id__in=by_pk).values_list(
        "article_id", "content_hash", "pk", "file_sha256", "file_position"
    )
    for article_id, content_hash, pk, file_sha256, position in versions:
        by_pk[article_id].versions[content_hash] = _Version(pk, file_sha256, position)
    touched = set(
        Revision.objects.filter(
            segment__article_id__in=by_pk, origin=RevisionOrigin.HUMAN
        ).values_list("segment__article_id", flat=True)
    ) | set(
        Segment.objects.filter(article_id__in=by_pk, status=SegmentStatus.APPROVED).values_list(
            "article_id", flat=True
        )
    )
    for pk in touched:
        by_pk[pk].touched = True
    return articles


def _decide(item: PreparedRecord, articles: dict[str, _Article]) -> None:
    """What this record does to its article, given what the records before it did."""
    article = articles.get(item.identity)
    if article is None:
        articles[item.identity] = article = _Article(None, item.data.content_hash)
        article.apply(item)
        item.outcome = Outcome.CREATED
    elif article.content_hash == item.data.content_hash:
        item.outcome = Outcome.SKIPPED
        return
    elif article.later_record_of(item):
        item.outcome = Outcome.SKIPPED
        item.warnings.append(LATER_RECORD_WON)
        return
    elif not article.text_from_earlier_record_of(item) and item.data.content_hash in (
        article.versions
    ):
        item.outcome = Outcome.SKIPPED
        item.warnings.append(OLDER_TEXT)
        return
    elif article.touched:
        item.outcome = Outcome.SKIPPED
        item.warnings.append(EDITORS_WORKED)
        return
    else:
        article.apply(item)
        item.outcome = Outcome.UPDATED
    if item.translation_warning:
        item.warnings.append(item.translation_warning)


def _write(
    articles: dict[str, _Article], *, user, batch: ImportBatch | None, tags: TagCache
) -> None:
    """Write what the chunk's records changed: new articles, replaced texts, their segments,
    import revisions, tags, source versions and search words."""
    written = [article for article in articles.values() if article.written]
    if not written:
        return
    user_id = user.pk if user is not None else None
    batch_id = batch.pk if batch is not None else None
    new = [article for article in written if article.pk is None]
    _replace_texts([article for article in written if article.pk is not None], batch=batch)
    new_ids = insert_values(
        Article,
        NEW_ARTICLE_FIELDS,
        [
            (
                item.identity,
                item.search_text,
                *(getattr(item.data, name) for name in IMPORTED_FIELDS),
                batch_id,
                user_id,
                *_figures(item),
            )
            for item in (article.written for article in new)
        ],
        ids=True,
    )
    for article, pk in zip(new, new_ids, strict=True):
        article.pk = pk
    segments = [
        (*values, article.pk, 1, user_id)
        for article in written
        for values in article.written.segments
    ]
    target = SEGMENT_VALUES.index("target_text")
    # Segment ids are only wanted for the import revisions of translated segments.
    translated = any(values[target] for values in segments)
    names = (*SEGMENT_VALUES, "article_id", "version", "updated_by_id")
    segment_ids = insert_values(Segment, names, segments, ids=translated)
    if translated:
        insert_values(
            Revision,
            ("segment_id", "text", "origin", "author_id", "version"),
            [
                (segment_id, values[target], RevisionOrigin.IMPORT.value, user_id, 1)
                for segment_id, values in zip(segment_ids, segments, strict=True)
                if values[target]
            ],
        )
    insert_values(
        Article.tags.through,
        ("article_id", "tag_id"),
        [
            (article.pk, tag_id)
            for article in written
            for tag_id in tags.ids(article.written.data.tags)
        ],
    )
    _write_versions(written, batch=batch)
    remember_words([word for article in written for word in article.written.search_text.split()])


def _figures(item: PreparedRecord) -> tuple:
    # Imported segments have no machine translation yet: no confidence.
    return figures_of((values[STATUS], values[FAILING], None) for values in item.segments)


def _replace_texts(changed: list[_Article], *, batch: ImportBatch | None) -> None:
    """Give stored articles their new texts: the article rows, without their old segments and
    tags (the new ones are written with the new articles')."""
    if not changed:
        return
    now = timezone.now()
    rows = []
    for article in changed:
        item = article.written
        row = Article(pk=article.pk, identity=item.identity, search_text=item.search_text)
        apply_fields(row, item.data, batch=batch)
        for name, value in zip(FIGURES, _figures(item), strict=True):
            setattr(row, name, value)
        row.updated_at = now
        rows.append(row)
    update_rows(rows, UPDATED_FIELDS)
    delete_segments(Segment.objects.filter(article__in=rows))
    Article.tags.through.objects.filter(article__in=rows).delete()


def _write_versions(written: list[_Article], *, batch: ImportBatch | None) -> None:
    new, moved = [], []
    batch_id = batch.pk if batch is not None else None
    for article in written:
        for content_hash, version in article.versions.items():
            if not version.changed:
                continue
            if version.pk is None:
                new.append(
                    (article.pk, content_hash, batch_id, version.file_sha256, version.file_position)
                )
                continue
            moved.append(
                SourceVersion(
                    pk=version.pk,
                    batch=batch,
                    file_sha256=version.file_sha256,
                    file_position=version.file_position,
                )
            )
    insert_values(
        SourceVersion,
        ("article_id", "content_hash", "batch_id", "file_sha256", "file_position"),
        new,
    )
    if moved:
        SourceVersion.objects.bulk_update(moved, ["batch", "file_sha256", "file_position"])


def _store_one(item: PreparedRecord, *, user, batch: ImportBatch | None, tags: TagCache) -> None:
    """Store one record in its own transaction; whatever goes wrong fails it alone."""
    try:
        if item.kind:
            record = item.record
            outcome, warning = record_kind(item.kind).store(
                fields=record.fields, raw_text=record.raw_text, user=user, batch=batch
            )
        else:
            outcome, warning = import_article(
                data=item.data, user=user, batch=batch, tags=tags, origin=item.origin
            )
    except InvalidRecord as exc:
        item.fail(str(exc))
        return
    except DatabaseError as exc:
        logger.exception("database error importing %s", item.label)
        item.fail(f"database error: {exc}")
        return
    except Exception as exc:  # a pathological text or a bug must not stop the rest of the file
        logger.exception("unexpected error importing %s", item.label)
        item.fail(unexpected(exc))
        return
    item.outcome = outcome
    if warning:
        item.warnings.append(warning)
