"""The dashboard's rollup of human saves per closed day (rollup.py keeps it)."""

from django.db import models


class SaveDay(models.Model):
    """The human saves of one day (in TIME_ZONE) by one author on one outlet's articles."""

    day = models.DateField()
    # The author's id when rolled up; a user deleted since reads as none (saves keep no author).
    author_id = models.BigIntegerField(null=True)
    outlet = models.CharField(max_length=200, blank=True)
    saves = models.PositiveIntegerField()
    words_changed = models.PositiveIntegerField()
    seconds = models.FloatField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="saveday_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.author_id} {self.outlet}: {self.saves} saves"


class SaveRollup(models.Model):
    """What the rollup holds: every day up to `through`, rolled up in `zone`, from the revisions
    up to `last_revision` (a later one dated on a rolled day marks that day for a new roll)."""

    through = models.DateField()
    zone = models.CharField(max_length=64)
    last_revision = models.BigIntegerField()

    def __str__(self) -> str:
        return f"saves through {self.through} ({self.zone})"


class StaleDay(models.Model):
    """A rolled day whose saves were deleted with their segment: rolled up again when read."""

    day = models.DateField(unique=True)

    def __str__(self) -> str:
        return f"{self.day} to roll up again"
