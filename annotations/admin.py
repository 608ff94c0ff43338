from django.contrib import admin
from django.db import transaction

from annotations.models import Entity, Mention, MentionOrigin
from annotations.tasks import refresh_suggestions


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_fa", "type", "wikidata_id", "updated_at")
    list_filter = ("type",)
    search_fields = ("name_en", "name_fa", "search_text", "wikidata_id")
    exclude = ("search_text",)

    def save_model(self, request, obj, form, change) -> None:
        from annotations.kb import search_text

        obj.search_text = search_text(
            {
                "name_en": obj.name_en,
                "name_fa": obj.name_fa,
                "aliases_en": obj.aliases_en or [],
                "aliases_fa": obj.aliases_fa or [],
            }
        )
        super().save_model(request, obj, form, change)
        transaction.on_commit(refresh_suggestions.enqueue)

    def delete_model(self, request, obj) -> None:
        obj.mentions.filter(origin=MentionOrigin.SUGGESTED).delete()
        super().delete_model(request, obj)


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ("text", "side", "type", "entity", "origin", "needs_review", "segment")
    list_filter = ("side", "type", "origin", "needs_review")
    search_fields = ("text",)
    raw_id_fields = ("segment", "entity", "author")

    def has_change_permission(self, request, obj=None) -> bool:
        """Read-only: tags are written on the review page or through the API, where their
        offsets are checked against the text."""
        return False

    def has_add_permission(self, request) -> bool:
        return False
