"""Articles, their segments, the append-only revision history and import batches."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.functions import Coalesce, Left

from articles.search import search_articles
from articles.text.normalize import fold
from articles.weburl import is_web_url

TITLE_PREFIX = Left("title", 100)  # the title sort's index key (SORTS in articles/views.py)


class ArticleStatus(models.IntegerChoices):
    """Ordered, so "at least translated" is a comparison."""

    NEW = 0, "new"
    TRANSLATING = 10, "translating"
    TRANSLATED = 20, "translated"
    IN_REVIEW = 30, "in_review"
    APPROVED = 40, "approved"


class SegmentStatus(models.IntegerChoices):
    EMPTY = 0, "empty"
    MACHINE = 10, "machine"
    EDITED = 20, "edited"
    APPROVED = 30, "approved"


class SegmentKind(models.TextChoices):
    TITLE = "title"
    HEADING = "heading"
    CAPTION = "caption"
    BODY = "body"


class RevisionOrigin(models.TextChoices):
    MT = "mt"
    TM = "tm"
    IMPORT = "import"
    HUMAN = "human"


class Tag(models.Model):
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def names_by_article(article_ids: list[int]) -> dict[int, list[str]]:
        """Each article's tag names in name order, in one query: what a list of fifty shows,
        without prefetch_related's queryset and manager per article (a fifth of the API list's
        time)."""
        names: dict[int, list[str]] = {}
        links = Article.tags.through.objects.filter(article_id__in=article_ids)
        for article_id, name in links.order_by("tag__name").values_list("article_id", "tag__name"):
            names.setdefault(article_id, []).append(name)
        return names


class ArticleQuerySet(models.QuerySet):
    def with_counts(self) -> ArticleQuerySet:
        """Segment counts by status; the default order is restated since GROUP BY drops it."""
        return self.order_by(*Article._meta.ordering).annotate(
            segment_count=Count("segments", distinct=True),
            edited_count=Count(
                "segments", filter=Q(segments__status=SegmentStatus.EDITED), distinct=True
            ),
            approved_count=Count(
                "segments", filter=Q(segments__status=SegmentStatus.APPROVED), distinct=True
            ),
            translated_count=Count(
                "segments", filter=~Q(segments__status=SegmentStatus.EMPTY), distinct=True
            ),
            failing_checks=Coalesce(Sum("segments__failing_checks"), 0),
            least_confidence=Min("segments__mt_confidence"),
        )

    def search(self, query: str) -> ArticleQuerySet:
        """Articles whose title or segments (source or target) hold every word of the query."""
        return search_articles(self, query)

    def overdue(self, now: datetime) -> ArticleQuerySet:
        """Articles past their due time and not yet approved."""
        return self.filter(due_at__lt=now, status__lt=ArticleStatus.APPROVED)


class Article(models.Model):
    identity = models.CharField(
        max_length=64,
        unique=True,
        editable=False,
        help_text="SHA-256 of the import identity: external id, else URL, else the cleaned text.",
    )
    external_id = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    source_language = models.CharField(max_length=8, default="fa")
    target_language = models.CharField(max_length=8, default="en")
    title = models.TextField()
    raw_text = models.TextField(help_text="Exactly as imported; never changed.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the imported content.")
    source_format = models.CharField(max_length=8, blank=True)
    outlet = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    scraped_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.PositiveSmallIntegerField(
        choices=ArticleStatus.choices, default=ArticleStatus.NEW, db_index=True
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    import_batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    mt_error = models.TextField(
        blank=True, help_text="Why the last machine translation of this article failed."
    )
    updated_at = models.DateTimeField(auto_now=True)
    search_text = models.TextField(
        blank=True,
        editable=False,
        help_text="Folded words of the title and all segment texts (articles.search).",
    )
    # The desk's queue (articles/assignments.py): who corrects it, who approves it, by when.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_articles",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewing_articles",
    )
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # What the list sorts by, counted from the segments and stored (articles/figures.py); the
    # figures pages show are counted at every look (with_counts).
    sort_approved = models.PositiveIntegerField(default=0, editable=False)
    sort_edited = models.PositiveIntegerField(default=0, editable=False)
    sort_failing_checks = models.PositiveIntegerField(default=0, editable=False)
    sort_confidence = models.FloatField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["url"]),
            models.Index(fields=["external_id"]),
            # The lists' order: the newest page comes straight from the index.
            models.Index(fields=["-created_at", "-id"], name="article_newest_first"),
            models.Index(TITLE_PREFIX, F("id"), name="article_title_order"),
            # The sorts by segment figures (SORTS in articles/views.py).
            models.Index(
                F("sort_approved").desc(),
                F("sort_edited").desc(),
                F("id").desc(),
                name="article_progress_order",
            ),
            models.Index(
                F("sort_failing_checks").desc(), F("id").desc(), name="article_checks_order"
            ),
            # The confidence sort's index, nulls last, is PostgreSQL's (migration 0021).
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def safe_url(self) -> str:
        """The address if pages may link it (http or https), else "": never a `javascript:` link."""
        return self.url if is_web_url(self.url) else ""

    def is_overdue(self, now: datetime) -> bool:
        return bool(self.due_at and self.due_at < now and self.status < ArticleStatus.APPROVED)

    def is_touched(self) -> bool:
        """True once an editor has changed or approved a segment: re-imports must keep it."""
        return (
            Revision.objects.filter(segment__article=self, origin=RevisionOrigin.HUMAN).exists()
            or self.segments.filter(status=SegmentStatus.APPROVED).exists()
        )


class SourceVersion(models.Model):
    """Every imported text an article has had, so an older copy met again is not re-applied."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="source_versions")
    content_hash = models.CharField(max_length=64)
    batch = models.ForeignKey("ImportBatch", null=True, blank=True, on_delete=models.SET_NULL)
    file_sha256 = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the file the text came from."
    )
    file_position = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The record's place in that file: within a file the later record wins.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "content_hash"], name="sourceversion_unique_hash"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.content_hash[:12]}"


class Segment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=SegmentKind.choices)
    paragraph = models.PositiveIntegerField(default=0)
    source_text = models.TextField(help_text="Cleaned, canonical; never changes after creation.")
    source_key = models.CharField(
        max_length=64,
        db_index=True,
        editable=False,
        help_text="SHA-256 of the folded source text: the translation-memory key.",
    )
    source_fold = models.TextField(
        blank=True,
        editable=False,
        help_text="The folded source text (fold()): what fuzzy matches compare (articles.matches).",
    )
    mt_text = models.TextField(blank=True)
    mt_model = models.CharField(max_length=200, blank=True)
    mt_confidence = models.FloatField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The model's confidence in mt_text: exp(mean log-probability per token), 0–1.",
    )
    mt_low_confidence = models.JSONField(
        default=list,
        blank=True,
        help_text="[start, end] code-point spans of the MT words the model was least sure of.",
    )
    target_text = models.TextField(blank=True)
    checks = models.JSONField(
        default=list,
        blank=True,
        help_text="Failing quality checks of the target, dismissed ones left out: "
        "[{check, message, start, end}] (articles/quality).",
    )
    failing_checks = models.PositiveSmallIntegerField(
        default=0, help_text="How many checks fail (each once, however many places it flags)."
    )
    status = models.PositiveSmallIntegerField(
        choices=SegmentStatus.choices, default=SegmentStatus.EMPTY
    )
    version = models.PositiveIntegerField(default=1)
    # Post-editing effort, kept for statistics: words changed from MT, seconds in the editor.
    edit_distance = models.PositiveIntegerField(
        null=True, blank=True, help_text="Word-level edit distance from the MT text to the target."
    )
    edit_seconds = models.FloatField(default=0, help_text="Time editors spent editing, in total.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    needs_refresh = models.BooleanField(
        default=False,
        editable=False,
        help_text="Saved, but the article's search text may not show it yet (articles/refresh.py).",
    )

    class Meta:
        ordering = ["article_id", "position"]
        indexes = [
            # The dashboard's reads of a period, from the index alone on PostgreSQL
            # (bench/stats.py): edited and approved segments, and the articles of the segments
            # changed (for stats by outlet).
            models.Index(
                fields=["updated_at"],
                name="segment_worked_on",
                condition=Q(status__gte=SegmentStatus.EDITED),
                include=["status", "updated_by", "article", "edit_distance", "edit_seconds"],
            ),
            models.Index(fields=["updated_at"], name="segment_changed", include=["id", "article"]),
            # The few saved segments whose article is not refreshed yet, for the sweep.
            models.Index(
                fields=["article"], condition=Q(needs_refresh=True), name="segment_needs_refresh"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="segment_unique_position"),
            models.CheckConstraint(condition=Q(version__gte=1), name="segment_version_positive"),
            models.CheckConstraint(condition=~Q(source_text=""), name="segment_source_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}#{self.position} {self.source_text[:40]}"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'

    @staticmethod
    def key_for(source_text: str) -> str:
        """Equal for sources that differ only in ZWNJ/space, ي/ی, ك/ک or digit spelling."""
        return Segment.key_of_fold(fold(source_text))

    @staticmethod
    def key_of_fold(folded: str) -> str:
        """`key_for` of a text whose `fold()` is at hand."""
        return hashlib.sha256(folded.encode()).hexdigest()


class Revision(models.Model):
    """Append-only history of a segment's target text; an undo is a new revision."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField(blank=True)
    origin = models.CharField(max_length=8, choices=RevisionOrigin.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    # What one save cost, kept with it for the dashboard (dashboard/queries.py): summing these
    # is cheap, recomputing them from the texts at every look is not.
    words_changed = models.PositiveIntegerField(
        null=True, blank=True, help_text="Word-level edit distance from the text before this save."
    )
    edit_seconds = models.FloatField(
        default=0, help_text="Seconds the editor spent on this save, as the editor reported."
    )

    class Meta:
        ordering = ["segment_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["segment", "version"], name="revision_unique_version")
        ]
        indexes = [
            # The dashboard's saves of a period, read from the index alone on PostgreSQL
            # (bench/stats.py: a scan of every revision without it).
            models.Index(
                fields=["created_at"],
                name="revision_human_saves",
                condition=Q(origin="human"),
                include=["author", "segment", "words_changed", "edit_seconds"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.segment_id} v{self.version} ({self.origin})"


class CheckDismissal(models.Model):
    """A reviewer's word that a failing check is fine on one segment, for the translation it
    was made on: the same check on new text is shown again."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="dismissals")
    check_name = models.CharField(max_length=40)
    target_text = models.TextField(help_text="The translation the check was dismissed on.")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "check_name"], name="dismissal_unique_check")
        ]

    def __str__(self) -> str:
        return f"{self.check_name} on segment {self.segment_id}"


class TranslationRun(models.Model):
    """Articles queued for machine translation together (the list page's bulk translate), so
    their overall progress can be read back: how many of them are done."""

    articles = models.ManyToManyField(Article, related_name="translation_runs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    skipped = models.PositiveIntegerField(
        default=0, help_text="Selected articles left alone: already translated."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Translation run #{self.pk}"


# Comments and mentions on segments live in a module of their own (articles/comments/), as do
# import batches.
from articles.comments.models import Comment, Notification  # noqa: E402, F401
from articles.heartbeats import WorkerHeartbeat  # noqa: E402, F401
from articles.import_models import ImportBatch, ImportFormat, ImportStatus  # noqa: E402, F401
