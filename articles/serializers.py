from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.batches import check_file, check_translate
from articles.editing import MAX_TARGET_LENGTH
from articles.importers.formats import FORMATS
from articles.models import (
    Article,
    ArticleStatus,
    ImportBatch,
    Revision,
    Segment,
    SegmentKind,
    SegmentStatus,
)


class LabelChoiceField(serializers.ChoiceField):
    """An integer choice shown and accepted by its label ("approved"), not its number."""

    def __init__(self, choices_enum, **kwargs) -> None:
        self._enum = choices_enum
        super().__init__(choices=[label for _, label in choices_enum.choices], **kwargs)

    def to_representation(self, value) -> str:
        return self._enum(value).label

    def to_internal_value(self, data) -> int:
        label = super().to_internal_value(data)
        return next(value for value, name in self._enum.choices if name == label)


class SpanSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Code point offset, inclusive.")
    end = serializers.IntegerField(help_text="Code point offset, exclusive.")


class FindingSerializer(serializers.Serializer):
    check = serializers.CharField(
        help_text="numbers, persian_script, untranslated, entities, length, punctuation or "
        "repeated_words."
    )
    message = serializers.CharField(help_text="One line for the editor.")
    start = serializers.IntegerField(
        allow_null=True, help_text="Code point offset into the target; null: the whole of it."
    )
    end = serializers.IntegerField(allow_null=True, help_text="Exclusive; null with start.")


class SegmentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=SegmentKind.choices, read_only=True)
    checks = FindingSerializer(
        many=True,
        read_only=True,
        help_text="Quality checks failing on the target (dismissed ones left out).",
    )
    status = LabelChoiceField(SegmentStatus)
    updated_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    mt_low_confidence = serializers.SerializerMethodField(
        help_text="Spans of the English words the model was least sure of, while the target is "
        "still the machine translation (empty once an editor changes it)."
    )

    class Meta:
        model = Segment
        fields = (
            "id",
            "article",
            "position",
            "kind",
            "paragraph",
            "source_text",
            "mt_text",
            "mt_model",
            "mt_confidence",
            "mt_low_confidence",
            "checks",
            "target_text",
            "status",
            "version",
            "edit_distance",
            "edit_seconds",
            "updated_at",
            "updated_by",
        )
        read_only_fields = fields

    @extend_schema_field(SpanSerializer(many=True))
    def get_mt_low_confidence(self, segment: Segment) -> list[dict]:
        if not segment.mt_text or segment.target_text != segment.mt_text:
            return []
        return [{"start": start, "end": end} for start, end in segment.mt_low_confidence or []]


class SegmentWriteSerializer(serializers.Serializer):
    """A PATCH body: any of the corrected text and the status, plus the time spent editing."""

    target_text = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=MAX_TARGET_LENGTH,
        error_messages={
            "max_length": f"The translation is longer than {MAX_TARGET_LENGTH:,} characters: "
            "shorten it or split the text."
        },
    )
    status = LabelChoiceField(SegmentStatus, required=False)
    edit_seconds = serializers.FloatField(
        required=False, min_value=0, write_only=True, help_text="Seconds spent editing."
    )

    def validate(self, data: dict) -> dict:
        if "target_text" not in data and "status" not in data:
            raise serializers.ValidationError("Send target_text, status or both.")
        return data


_WRITE_FIELDS = frozenset({"target_text", "status", "edit_seconds"})
_STATUS_VALUES = {label: value for value, label in SegmentStatus.choices}
# What DRF's CharField refuses in any text: NUL and lone surrogates.
_REFUSED_CHARS = re.compile("[\x00\ud800-\udfff]")


def segment_write(data) -> dict:
    """SegmentWriteSerializer's validated data for a PATCH body.

    A body of plain, valid values (the desk's every save) is checked here directly: building
    the serializer's fields cost more than the rest of the parsing. Anything else goes through
    the serializer, which raises its ValidationError with the usual messages.
    """
    checked = _plain_write(data)
    if checked is not None:
        return checked
    write = SegmentWriteSerializer(data=data)
    write.is_valid(raise_exception=True)
    return dict(write.validated_data)


def _plain_write(data) -> dict | None:
    if not isinstance(data, dict) or not data.keys() <= _WRITE_FIELDS:
        return None
    if "target_text" not in data and "status" not in data:
        return None
    checked = {}
    if "target_text" in data:
        text = data["target_text"]
        if type(text) is not str or len(text) > MAX_TARGET_LENGTH:
            return None
        if _REFUSED_CHARS.search(text):
            return None
        checked["target_text"] = text
    if "status" in data:
        value = _STATUS_VALUES.get(data["status"]) if type(data["status"]) is str else None
        if value is None:
            return None
        checked["status"] = value
    if "edit_seconds" in data:
        seconds = data["edit_seconds"]
        if type(seconds) not in (int, float) or not 0 <= seconds < float("inf"):
            return None
        checked["edit_seconds"] = float(seconds)
    return checked


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = SegmentSerializer()


class ApproveItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class ApproveSerializer(serializers.Serializer):
    segments = ApproveItemSerializer(many=True, allow_empty=False, max_length=5000)


class ApproveResultSerializer(serializers.Serializer):
    approved = serializers.ListField(child=serializers.IntegerField())
    conflicts = SegmentSerializer(many=True, help_text="Segments that changed meanwhile.")


class RevisionSerializer(serializers.ModelSerializer):
    author = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = Revision
        fields = ("id", "text", "origin", "author", "version", "created_at")
        read_only_fields = fields


class ArticleSerializer(serializers.ModelSerializer):
    status = LabelChoiceField(ArticleStatus, read_only=True)
    # Blank for articles imported without an address, so not declared as a URI.
    url = serializers.CharField(read_only=True)
    title_translation = serializers.SerializerMethodField()
    segment_count = serializers.IntegerField(read_only=True)
    edited_count = serializers.IntegerField(read_only=True)
    approved_count = serializers.IntegerField(read_only=True)
    translated_count = serializers.IntegerField(
        read_only=True, help_text="Segments with a target text (machine, memory or human)."
    )
    failing_checks = serializers.IntegerField(
        read_only=True, help_text="Quality checks failing over all its segments (not dismissed)."
    )
    tags = serializers.SerializerMethodField()
    assignee = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    reviewer = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    assignee_name = serializers.SlugRelatedField(
        source="assignee", slug_field="username", read_only=True, allow_null=True
    )
    reviewer_name = serializers.SlugRelatedField(
        source="reviewer", slug_field="username", read_only=True, allow_null=True
    )
    open_threads = serializers.SerializerMethodField(
        help_text="Segments whose comment thread is not resolved."
    )

    class Meta:
        model = Article
        fields = (
            "id",
            "url",
            "external_id",
            "title",
            "title_translation",
            "status",
            "source_language",
            "target_language",
            "published_at",
            "scraped_at",
            "tags",
            "segment_count",
            "edited_count",
            "approved_count",
            "translated_count",
            "failing_checks",
            "mt_error",
            "assignee",
            "assignee_name",
            "reviewer",
            "reviewer_name",
            "due_at",
            "open_threads",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_open_threads(self, article: Article) -> int:
        return getattr(article, "open_threads", 0)

    def get_tags(self, article: Article) -> list[str]:
        # The list reads a whole page's tag names at once (Tag.names_by_article).
        names = getattr(article, "tag_names", None)
        return names if names is not None else [tag.name for tag in article.tags.all()]

    def get_title_translation(self, article: Article) -> str:
        return getattr(article, "title_translation", "") or ""


class ArticleDetailSerializer(ArticleSerializer):
    segments = SegmentSerializer(many=True, read_only=True)

    class Meta(ArticleSerializer.Meta):
        fields = (*ArticleSerializer.Meta.fields, "segments", "raw_text")
        read_only_fields = fields


class ImportBatchSerializer(serializers.ModelSerializer):
    created = serializers.IntegerField(source="created_count", read_only=True)
    updated = serializers.IntegerField(source="updated_count", read_only=True)
    skipped = serializers.IntegerField(source="skipped_count", read_only=True)
    failed = serializers.IntegerField(source="failed_count", read_only=True)
    progress = serializers.IntegerField(source="progress_percent", read_only=True)
    file = serializers.FileField(write_only=True)
    format = serializers.ChoiceField(choices=("auto", *FORMATS), default="auto")
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "status",
            "filename",
            "format",
            "source_language",
            "translate",
            "file",
            "created",
            "updated",
            "skipped",
            "failed",
            "errors",
            "warnings",
            "message",
            "progress",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "file_removed_at",
        )
        read_only_fields = (
            "id",
            "status",
            "filename",
            "errors",
            "warnings",
            "message",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
            "file_removed_at",
        )

    def validate_file(self, upload):
        check_file(upload)
        return upload

    def validate_translate(self, translate: bool) -> bool:
        check_translate(translate)
        return translate


class TranslationProgressSerializer(serializers.Serializer):
    """Where an article's machine translation stands, and whether anything will run it."""

    article = serializers.IntegerField()
    status = serializers.CharField(help_text="The article's status.")
    translated = serializers.IntegerField(help_text="Segments with a target text.")
    total = serializers.IntegerField()
    model = serializers.CharField(
        allow_null=True, help_text="The installed fa→en package that will translate, if any."
    )
    test_model = serializers.BooleanField(
        help_text="True when that package is a random-weight test model: its output is gibberish."
    )
    workers_alive = serializers.IntegerField(help_text="Task workers seen in the last seconds.")
    error = serializers.CharField(help_text="Why the last translation failed, if it did.")
    warning = serializers.CharField(help_text="What stands in the way, if anything.")


class MTStatusSerializer(serializers.Serializer):
    model = serializers.CharField(allow_null=True)
    test_model = serializers.BooleanField()
    workers_alive = serializers.IntegerField()
    tasks_waiting = serializers.IntegerField(help_text="Tasks queued and not yet started.")
    tasks_running = serializers.IntegerField()


class BulkTranslateSerializer(serializers.Serializer):
    """Which articles to translate: these ids, or every article matching the list filters."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        allow_empty=False,
        max_length=10_000,
        help_text="Article ids.",
    )
    filters = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="The article list's filters (status, q, tag, entity, batch): all that match.",
    )

    def validate(self, data: dict) -> dict:
        if ("ids" in data) == ("filters" in data):
            raise serializers.ValidationError("Send either ids or filters.")
        return data


class TranslationRunSerializer(serializers.Serializer):
    """A bulk translation and how far it has come."""

    id = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Articles queued.")
    translated = serializers.IntegerField()
    failed = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text="Queued articles not translated yet.")
    skipped = serializers.IntegerField(help_text="Selected but already translated: not queued.")
