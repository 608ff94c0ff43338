from django.apps import AppConfig


class AnnotationsConfig(AppConfig):
    name = "annotations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from annotations import receivers  # noqa: F401  (connects to articles' signals)
        from annotations.checks import entities
        from annotations.restore import is_export_record, restore_article
        from annotations.review import SegmentMentions, review_context
        from articles import review_parts
        from articles.importing import RecordKind, register_record_kind
        from articles.quality import register
        from articles.signals import save_reads

        # An exported article imported again comes back with its mentions.
        register_record_kind(
            RecordKind(name="export", matches=is_export_record, store=restore_article)
        )
        review_parts.contribute(rows=SegmentMentions, page=review_context)
        # Tags entered in the Persian are checked for in the English, among articles' checks.
        register("entities")(entities)
        # A save reads, under the segment's lock, whether the segment has mentions at all:
        # most have none, and then neither the entity check nor re-anchoring reads them.
        from annotations.models import Mention

        save_reads["has_mentions"] = (
            f"EXISTS (SELECT 1 FROM {Mention._meta.db_table} m WHERE m.segment_id = s.id)"
        )
