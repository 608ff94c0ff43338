"""Machine translation of articles: apply it (translation memory first); requesting it, which
queues a task, is `articles.tasks.request_translation`.

The slow part, running the model, happens outside any transaction; the results then land in one
transaction per article, each segment with a conditional UPDATE, so a segment an editor wrote
meanwhile is kept and a second run of the same task changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from articles.models import Article, ArticleStatus, Revision, RevisionOrigin, Segment, SegmentStatus
from articles.mt.engine import Scored, get_engine
from articles.mt.packages import require_model
from articles.quality.store import dismissals_of, evaluate
from articles.search_index import refresh_search_text
from articles.signals import article_translated

TM_LABEL = "translation-memory"
# Segments no person has touched: machine translation may (re)write them.
UNTOUCHED = (SegmentStatus.EMPTY, SegmentStatus.MACHINE)


@dataclass
class TranslationResult:
    article_id: int
    machine: int = 0
    memory: int = 0
    kept: int = 0
    model: str = ""
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "article": self.article_id,
            "mt": self.machine,
            "tm": self.memory,
            "kept": self.kept,
            "model": self.model,
        }


def system_user(name: str):
    """The author of machine-made revisions: an inactive user named after the model."""
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=name[:150], defaults={"is_active": False, "password": "!"}
    )
    return user


def memory_matches(segments: list[Segment]) -> dict[int, str]:
    """Human translations (edited or approved) of sources with the same folded key."""
    keys = {segment.source_key for segment in segments}
    found: dict[str, str] = {}
    human = (
        Segment.objects.filter(
            source_key__in=keys,
            status__in=[SegmentStatus.EDITED, SegmentStatus.APPROVED],
        )
        .exclude(target_text="")
        .order_by("-status", "-updated_at")
        .values_list("source_key", "target_text")
    )
    for key, text in human:
        found.setdefault(key, text)
    return {
        segment.pk: found[segment.source_key] for segment in segments if segment.source_key in found
    }


def _write(
    segment: Segment,
    *,
    text: str,
    origin: str,
    model: str,
    author,
    now,
    statuses=UNTOUCHED[:1],
    confidence: float | None = None,
    low: list[tuple[int, int]] = (),
    dismissed: Collection[str] = (),
) -> Revision | None:
    """Fill one segment still untouched (its checks run on the new text); None when an editor
    got there first."""
    updated = Segment.objects.filter(
        pk=segment.pk, version=segment.version, status__in=statuses
    ).update(
        mt_text=text,
        mt_model=model,
        mt_confidence=confidence,
        mt_low_confidence=[list(span) for span in low],
        target_text=text,
        **evaluate(segment.source_text, text, dismissed=dismissed, segment_id=segment.pk),
        status=SegmentStatus.MACHINE,
        version=F("version") + 1,
        updated_by=author,
        updated_at=now,
    )
    if not updated:
        return None
    return Revision(
        segment_id=segment.pk, text=text, origin=origin, author=author, version=segment.version + 1
    )


def apply_translation(*, article_id: int, again: bool = False) -> TranslationResult:
    """Translate an article's empty segments (with `again`, also those still as machine
    translation left them); idempotent, safe to run again after a crash."""
    statuses = UNTOUCHED if again else UNTOUCHED[:1]
    result = TranslationResult(article_id=article_id)
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return result
    pending = list(
        article.segments.filter(status__in=statuses).only(
            "id", "version", "source_text", "source_key"
        )
    )
    memory = memory_matches(pending)
    rest = [segment for segment in pending if segment.pk not in memory]
    machine: dict[int, Scored] = {}
    if rest:
        try:
            engine = get_engine(require_model())
            translations = engine.translate_scored([segment.source_text for segment in rest])
        except Exception as error:
            Article.objects.filter(pk=article_id).update(
                mt_error=f"machine translation failed: {error}", updated_at=timezone.now()
            )
            raise
        result.model = engine.label
        machine = {
            segment.pk: scored
            for segment, scored in zip(rest, translations, strict=True)
            if scored.text
        }
    # A translation made again may come out as a text a check was dismissed on.
    dismissed = dismissals_of(pending) if again else {}
    mt_author = system_user(f"mt:{result.model}") if machine else None
    tm_author = system_user(TM_LABEL) if memory else None
    now = timezone.now()
    with transaction.atomic():
        # Row lock: two workers on one article apply one after the other, never interleaved.
        Article.objects.select_for_update().filter(pk=article_id).first()
        revisions = []
        for segment in pending:
            if segment.pk in memory:
                revision = _write(
                    segment,
                    text=memory[segment.pk],
                    origin=RevisionOrigin.TM,
                    model=TM_LABEL,
                    author=tm_author,
                    now=now,
                    statuses=statuses,
                    dismissed=dismissed.get((segment.pk, memory[segment.pk]), ()),
                )
                result.memory += revision is not None
            elif segment.pk in machine:
                scored = machine[segment.pk]
                revision = _write(
                    segment,
                    text=scored.text,
                    origin=RevisionOrigin.MT,
                    model=result.model,
                    author=mt_author,
                    now=now,
                    statuses=statuses,
                    confidence=scored.confidence,
                    low=scored.low,
                    dismissed=dismissed.get((segment.pk, scored.text), ()),
                )
                result.machine += revision is not None
            else:
                revision = None
            if revision is None:
                result.kept += 1
            else:
                revisions.append(revision)
        Revision.objects.bulk_create(revisions)
        if revisions:
            refresh_search_text(article_id)
        Article.objects.filter(pk=article_id, status__lt=ArticleStatus.TRANSLATED).update(
            status=ArticleStatus.TRANSLATED, updated_at=now
        )
        Article.objects.filter(pk=article_id).exclude(mt_error="").update(mt_error="")
        if revisions:
            article_translated.send(sender=Article, article_id=article_id)
    return result


def pending_articles() -> QuerySet[Article]:
    """Articles still waiting for machine translation (new, or stranded while translating)."""
    return Article.objects.filter(
        status__in=[ArticleStatus.NEW, ArticleStatus.TRANSLATING]
    ).order_by("pk")


def progress(article: Article) -> dict:
    """How far machine translation has come: segments with a target out of all segments."""
    return article.segments.aggregate(
        translated=Count("id", filter=~Q(status=SegmentStatus.EMPTY)), total=Count("id")
    )
