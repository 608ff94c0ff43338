"""What annotations do when articles change (see articles/signals.py)."""

from django.dispatch import receiver

from annotations.services import reanchor, suggest_for_article
from articles.signals import article_translated, target_changed


@receiver(target_changed, dispatch_uid="annotations.reanchor")
def follow_target_edit(sender, *, segment_id: int, old: str, new: str, **kwargs) -> None:
    reanchor(segment_id=segment_id, old=old, new=new)


@receiver(article_translated, dispatch_uid="annotations.suggest")
def suggest_after_translation(sender, *, article_id: int, **kwargs) -> None:
    suggest_for_article(article_id=article_id)
