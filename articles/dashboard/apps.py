from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "articles.dashboard"
    label = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from articles.dashboard import rollup
        from articles.models import Segment

        # Deleting a segment deletes its saves: their days are rolled up again at the next look.
        pre_delete.connect(rollup.mark_stale, sender=Segment, dispatch_uid="dashboard-rollup-stale")
