"""The REST API router: every endpoint under /api/v1/."""

from rest_framework.routers import DefaultRouter

from annotations.api import EntityViewSet, MentionViewSet
from articles.api import ArticleViewSet, ImportBatchViewSet, SegmentViewSet

router = DefaultRouter()
router.register("articles", ArticleViewSet, basename="article")
router.register("segments", SegmentViewSet, basename="segment")
router.register("imports", ImportBatchViewSet, basename="import")
router.register("entities", EntityViewSet, basename="entity")
router.register("mentions", MentionViewSet, basename="mention")
