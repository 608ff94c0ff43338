from django.contrib import admin

from annotations.entities import delete_entity, save_entity
from annotations.models import Entity, Mention


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name_en", "name_fa", "type", "wikidata_id", "updated_at")
    list_filter = ("type",)
    search_fields = ("name_en", "name_fa", "search_text", "wikidata_id")
    exclude = ("search_text",)

    def save_model(self, request, obj, form, change) -> None:
        save_entity(obj)

    def delete_model(self, request, obj) -> None:
        delete_entity(obj)


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
