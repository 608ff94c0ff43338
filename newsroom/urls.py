from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from annotations.api import (
    AcceptView,
    ArticleEntitiesView,
    ArticleExportView,
    BulkExportView,
    SuggestView,
    TagAllView,
)
from articles.api import MTStatusView
from articles.comments.api import SegmentCommentsView
from articles.dashboard.api import StatsView
from articles.quality.api import DismissalDetailView, DismissalListView
from newsroom import converters  # noqa: F401  (registers the `id` path converter)
from newsroom.api import router
from newsroom.profile import profile
from newsroom.views import favicon, healthz

admin.site.site_header = "newsroom administration"
admin.site.site_title = "newsroom"

# Swagger UI with its start-up script served from the view itself (no inline <script>, so
# script-src stays 'self'); its page keeps one inline <style> block drf-spectacular ships.
swagger_ui = csp_update({"style-src": [UNSAFE_INLINE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="article-list-page", permanent=False)),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's, API answers).
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", profile, name="profile"),
    path("admin/", admin.site.urls),
    path("api/v1/mt/", MTStatusView.as_view(), name="mt-status"),
    path("api/v1/articles/<id:pk>/suggest/", SuggestView.as_view(), name="article-suggest"),
    path("api/v1/articles/<id:pk>/accept/", AcceptView.as_view(), name="article-accept"),
    path("api/v1/articles/<id:pk>/export/", ArticleExportView.as_view(), name="article-export"),
    path("api/v1/export/", BulkExportView.as_view(), name="export"),
    path("api/v1/stats/", StatsView.as_view(), name="stats"),
    path("api/v1/articles/<id:pk>/tag-all/", TagAllView.as_view(), name="article-tag-all"),
    path(
        "api/v1/articles/<id:pk>/entities/",
        ArticleEntitiesView.as_view(),
        name="article-entities",
    ),
    path(
        "api/v1/segments/<id:segment_id>/dismissals/",
        DismissalListView.as_view(),
        name="segment-dismissals",
    ),
    path(
        "api/v1/segments/<id:segment_id>/dismissals/<slug:check>/",
        DismissalDetailView.as_view(),
        name="segment-dismissal",
    ),
    path(
        "api/v1/segments/<id:segment_id>/comments/",
        SegmentCommentsView.as_view(),
        name="segment-comments",
    ),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", login_required(swagger_ui), name="api-docs"),
    path("", include("articles.urls")),
    path("", include("annotations.urls")),
    path("", include("articles.dashboard.urls")),
]
