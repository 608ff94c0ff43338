from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The desk's numbers: what was imported, edited and approved, by day, editor and outlet."""

    name = "dashboard"
    default_auto_field = "django.db.models.BigAutoField"
