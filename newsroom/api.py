"""The REST API router: every endpoint under /api/v1/."""

from rest_framework.routers import DefaultRouter

from annotations.api import EntityViewSet, MentionViewSet
from articles.api import ArticleViewSet, ImportBatchViewSet, SegmentViewSet
from articles.comments.api import CommentViewSet, NotificationViewSet
from newsroom import converters  # noqa: F401  (registers the `id` path converter)


class IdRouter(DefaultRouter):
    """A router whose detail routes, custom actions included, take only a database id.

    Any other value (`null,null`, `-1`, a 23-digit number) matches no route: a 404 before a view
    or a permission check runs, the same on every viewset.
    """

    def __init__(self) -> None:
        super().__init__(use_regex_path=False)

    def get_lookup_regex(self, viewset, lookup_prefix: str = "") -> str:
        lookup = getattr(viewset, "lookup_url_kwarg", None) or viewset.lookup_field
        return f"<id:{lookup_prefix}{lookup}>"


router = IdRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("segments", SegmentViewSet, basename="segment")
router.register("imports", ImportBatchViewSet, basename="import")
router.register("entities", EntityViewSet, basename="entity")
router.register("mentions", MentionViewSet, basename="mention")
router.register("comments", CommentViewSet, basename="comment")
router.register("notifications", NotificationViewSet, basename="notification")
