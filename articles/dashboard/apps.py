from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "articles.dashboard"
    label = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from articles.dashboard import rollup
        from articles.models import Segment

        # Deleting a segment deletes its saves: the rollup is built again at the next look.
        post_delete.connect(rollup.forget, sender=Segment, dispatch_uid="dashboard-rollup-forget")
