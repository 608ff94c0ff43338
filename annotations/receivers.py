"""What annotations do when articles change (see articles/signals.py)."""

from django.dispatch import receiver

from annotations.anchoring import reanchor
from annotations.tasks import suggest_article
from articles.retries import enqueue_with_transaction
from articles.signals import article_translated, target_changed


@receiver(target_changed, dispatch_uid="annotations.reanchor")
def follow_target_edit(sender, *, segment_id: int, old: str, new: str, **kwargs) -> None:
    reanchor(segment_id=segment_id, old=old, new=new)


@receiver(article_translated, dispatch_uid="annotations.suggest")
def suggest_after_translation(sender, *, article_id: int, **kwargs) -> None:
    """Suggestions are a task of their own, queued with the translation (never lost between
    its commit and the queue): they never run while the article is locked, and their failure
    cannot roll the translation back."""
    enqueue_with_transaction(suggest_article, article_id)
