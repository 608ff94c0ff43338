from django.urls import path

from articles import views

urlpatterns = [
    path("articles/", views.article_list, name="article-list-page"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail-page"),
    path("articles/<int:pk>/entities/", views.article_entity_sidebar, name="article-entities-page"),
    path("articles/<int:pk>/progress/", views.article_progress, name="article-progress"),
    path("articles/<int:pk>/summary/", views.article_summary, name="article-summary"),
    path("articles/<int:pk>/rows/", views.article_rows, name="article-rows"),
    path("segments/<int:pk>/row/", views.segment_row, name="segment-row"),
    path("segments/<int:pk>/mt/", views.segment_mt, name="segment-mt"),
    path("segments/<int:pk>/history/", views.segment_history, name="segment-history"),
]
