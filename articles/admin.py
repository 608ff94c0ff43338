from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles.batches import check_file, check_translate, start_import
from articles.models import Article, ImportBatch, ImportStatus, Revision, Segment, Tag
from articles.mt.status import batch_translation
from articles.workers import alive_workers

WORKER_HINT_AFTER_SECONDS = 10


class SegmentInline(admin.TabularInline):
    model = Segment
    fields = ("position", "kind", "paragraph", "source_text", "target_text", "status", "version")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    change_list_template = "admin/articles/article/change_list.html"
    list_display = (
        "title",
        "status",
        "source_language",
        "published_at",
        "scraped_at",
        "created_at",
    )
    list_filter = ("status", "source_language", "source_format", "created_at", "tags")
    search_fields = ("title", "url", "external_id")
    date_hierarchy = "created_at"
    readonly_fields = (
        "identity",
        "content_hash",
        "raw_text",
        "source_format",
        "imported_by",
        "import_batch",
        "created_at",
        "updated_at",
    )
    filter_horizontal = ("tags",)
    inlines = [SegmentInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RevisionInline(admin.TabularInline):
    model = Revision
    fields = ("version", "origin", "text", "author", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


_SEGMENT_KEYS = ("source_key", "source_fold")


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("article", "position", "kind", "status", "version", "updated_at")
    list_filter = ("kind", "status")
    search_fields = ("source_text", "target_text")
    list_select_related = ("article",)
    # Every field shown, none editable (see has_change_permission); the lookup keys are internal.
    exclude = _SEGMENT_KEYS
    readonly_fields = (
        *(f.name for f in Segment._meta.fields if f.name not in ("id", *_SEGMENT_KEYS)),
        "review_link",
    )
    inlines = [RevisionInline]

    def has_change_permission(self, request, obj=None) -> bool:
        """Read-only: corrections go through the review page or the API, which check the
        version and write a revision; a plain admin form would do neither."""
        return False

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="Review page")
    def review_link(self, obj: Segment) -> str:
        url = reverse("article-detail-page", args=[obj.article_id]) + f"#seg-{obj.pk}"
        return format_html('<a href="{}">edit on the review page</a>', url)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class ImportUploadForm(forms.ModelForm):
    class Meta:
        model = ImportBatch
        fields = ("file", "format", "source_language", "translate")
        help_texts = {
            "translate": "Machine-translate the imported articles (a task worker runs it).",
            "file": "txt, html, json, jsonl, csv, or a zip of them. UTF-8, UTF-16 or Windows-1256.",
            "format": "auto: by the file name's extension.",
        }

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        check_file(upload)
        return upload

    def clean_translate(self) -> bool:
        translate = self.cleaned_data.get("translate", False)
        check_translate(translate)
        return translate


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    change_form_template = "admin/articles/importbatch/change_form.html"
    list_display = (
        "id",
        "filename",
        "status",
        "created_count",
        "updated_count",
        "skipped_count",
        "failed_count",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "format", "created_at")
    search_fields = ("filename",)
    readonly_fields = (
        "filename",
        "format",
        "source_language",
        "translate",
        "status",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "created_count",
        "updated_count",
        "skipped_count",
        "failed_count",
        "message",
    )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = ImportUploadForm
            kwargs["fields"] = ImportUploadForm.Meta.fields
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ImportUploadForm.Meta.fields

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        """Whoever may import may watch their import's page."""
        return super().has_view_permission(request, obj) or self.has_add_permission(request)

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "title": "Import articles"}
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        batch = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if batch is not None:
            waiting = (timezone.now() - batch.created_at).total_seconds()
            translation = batch_translation(batch) if batch.translate else None
            busy = batch.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) or bool(
                translation and translation["waiting"]
            )
            extra.update(
                batch=batch,
                translation=translation,
                refresh=busy,
                worker_missing=busy
                and waiting > WORKER_HINT_AFTER_SECONDS
                and not alive_workers().exists(),
            )
        return super().change_view(request, object_id, form_url, extra)

    def response_add(self, request, obj, post_url_continue=None):
        """Go straight to the batch page, where the import's progress shows."""
        return HttpResponseRedirect(reverse("admin:articles_importbatch_change", args=[obj.pk]))

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        start_import(batch=obj, user=request.user)
