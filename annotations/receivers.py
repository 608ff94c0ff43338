"""What annotations do when articles change (see articles/signals.py)."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from annotations.services import reanchor
from annotations.tasks import suggest_article
from articles.signals import article_translated, target_changed


@receiver(target_changed, dispatch_uid="annotations.reanchor")
def follow_target_edit(sender, *, segment_id: int, old: str, new: str, **kwargs) -> None:
    reanchor(segment_id=segment_id, old=old, new=new)


@receiver(article_translated, dispatch_uid="annotations.suggest")
def suggest_after_translation(sender, *, article_id: int, **kwargs) -> None:
    """Suggestions are queued once the translation commits, as a task of their own: they never
    run while the article is locked, and their failure cannot roll the translation back."""
    transaction.on_commit(partial(suggest_article.enqueue, article_id), robust=True)
