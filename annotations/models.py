"""The entity knowledge base, and mentions: tagged spans of segment text on either side."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q


class EntityType(models.TextChoices):
    PERSON = "PERSON"
    ORG = "ORG"
    GPE = "GPE", "GPE (country, city, state)"
    LOC = "LOC"
    FAC = "FAC", "FAC (building, airport, base)"
    EVENT = "EVENT"
    MISC = "MISC"


class EntityQuerySet(models.QuerySet):
    def search(self, query: str) -> EntityQuerySet:
        """Entities whose names or aliases on either side contain the query."""
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(name_en__icontains=query)
            | Q(name_fa__icontains=query)
            | Q(search_text__icontains=query.casefold())
        )


class Entity(models.Model):
    name_en = models.CharField(max_length=300)
    name_fa = models.CharField(max_length=300, blank=True)
    type = models.CharField(max_length=8, choices=EntityType.choices)
    aliases_en = models.JSONField(default=list, blank=True)
    aliases_fa = models.JSONField(default=list, blank=True)
    wikidata_id = models.CharField(max_length=20, blank=True)
    notes = models.TextField(blank=True)
    # Every name and alias, casefolded, one a line: what `search` looks in.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["name_en", "id"]
        verbose_name_plural = "entities"
        constraints = [
            models.UniqueConstraint(
                fields=["wikidata_id"],
                condition=~Q(wikidata_id=""),
                name="entity_unique_wikidata_id",
            ),
            models.UniqueConstraint(fields=["type", "name_en"], name="entity_unique_type_name"),
            models.CheckConstraint(condition=~Q(name_en=""), name="entity_name_en_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name_en

    def names(self, side: str) -> list[str]:
        """The canonical name and the aliases on one side ("source" is Persian)."""
        if side == MentionSide.SOURCE:
            return [name for name in [self.name_fa, *self.aliases_fa] if name]
        return [name for name in [self.name_en, *self.aliases_en] if name]


class MentionSide(models.TextChoices):
    SOURCE = "source"
    TARGET = "target"


class MentionOrigin(models.TextChoices):
    MANUAL = "manual"
    SUGGESTED = "suggested"
    ACCEPTED = "accepted"


class MentionQuerySet(models.QuerySet):
    def article_entities(self, *, article_id: int) -> list[dict]:
        """The article's entities with mention counts per side, for the review page sidebar."""
        rows = (
            self.filter(segment__article_id=article_id, entity__isnull=False)
            .values("entity_id", "entity__name_en", "entity__name_fa", "entity__type")
            .annotate(
                source=Count("id", filter=Q(side=MentionSide.SOURCE)),
                target=Count("id", filter=Q(side=MentionSide.TARGET)),
                suggested=Count("id", filter=Q(origin=MentionOrigin.SUGGESTED)),
            )
            .order_by("entity__name_en")
        )
        return [
            {
                "id": row["entity_id"],
                "name_en": row["entity__name_en"],
                "name_fa": row["entity__name_fa"],
                "type": row["entity__type"],
                "source": row["source"],
                "target": row["target"],
                "suggested": row["suggested"],
                "one_sided": (row["source"] == 0) != (row["target"] == 0),
            }
            for row in rows
        ]


class Mention(models.Model):
    """A span of a segment's text, in code points, end exclusive, tagged with an entity."""

    segment = models.ForeignKey(
        "articles.Segment", on_delete=models.CASCADE, related_name="mentions"
    )
    side = models.CharField(max_length=6, choices=MentionSide.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField(help_text="The covered text when tagged; checked on every write.")
    entity = models.ForeignKey(
        Entity, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentions"
    )
    type = models.CharField(max_length=8, choices=EntityType.choices)
    origin = models.CharField(
        max_length=9, choices=MentionOrigin.choices, default=MentionOrigin.MANUAL
    )
    needs_review = models.BooleanField(
        default=False, help_text="The covered text was edited after tagging: check the span."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentionQuerySet.as_manager()

    class Meta:
        ordering = ["segment_id", "side", "start", "-end"]
        indexes = [models.Index(fields=["segment", "side"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")), name="mention_start_before_end"
            ),
            models.UniqueConstraint(
                fields=["segment", "side", "start", "end", "entity"],
                name="mention_unique_span_entity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} [{self.start}:{self.end}] {self.type}"


class RejectedSuggestion(models.Model):
    """A suggestion an editor turned down: never suggested again for that span."""

    segment = models.ForeignKey("articles.Segment", on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=6, choices=MentionSide.choices)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "side", "start", "end", "entity"], name="rejection_unique"
            )
        ]

    def __str__(self) -> str:
        return f"not {self.entity_id} at {self.segment_id}:{self.side}[{self.start}:{self.end}]"


class SuggestionFailure(models.Model):
    """Entity suggestions that failed in the background, shown where they were expected: on the
    article's review page, or (no article: a refresh after a knowledge-base change) on the
    knowledge-base page and every review page. Gone once suggestions succeed again."""

    article = models.ForeignKey(
        "articles.Article", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField()
    failed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"suggestions for {self.article_id or 'every article'}: {self.reason}"
