"""What annotations do when articles change (see articles/signals.py) and when an entity does."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from annotations.anchoring import reanchor
from annotations.kb_version import knowledge_base_changed
from annotations.models import Entity
from annotations.tasks import suggest_article
from articles.retries import enqueue_with_transaction
from articles.signals import article_translated, target_changed


@receiver(target_changed, dispatch_uid="annotations.reanchor")
def follow_target_edit(
    sender, *, segment_id: int, old: str, new: str, cache: dict | None = None, **kwargs
) -> None:
    reanchor(segment_id=segment_id, old=old, new=new, cache=cache)


@receiver(article_translated, dispatch_uid="annotations.suggest")
def suggest_after_translation(sender, *, article_id: int, **kwargs) -> None:
    """Suggestions are a task of their own, queued with the translation (never lost between
    its commit and the queue): they never run while the article is locked, and their failure
    cannot roll the translation back."""
    enqueue_with_transaction(suggest_article, article_id)


@receiver(post_save, sender=Entity, dispatch_uid="annotations.kb_saved")
@receiver(post_delete, sender=Entity, dispatch_uid="annotations.kb_deleted")
def entity_changed(sender, **kwargs) -> None:
    """Every write of an entity, the admin's bulk delete included, dates every gazetteer."""
    knowledge_base_changed()
