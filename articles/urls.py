from django.urls import path

from articles import views
from articles.comments import views as comments

urlpatterns = [
    path("articles/", views.article_list, name="article-list-page"),
    path("articles/<id:pk>/", views.article_detail, name="article-detail-page"),
    path("articles/<id:pk>/progress/", views.article_progress, name="article-progress"),
    path("articles/<id:pk>/summary/", views.article_summary, name="article-summary"),
    path("articles/<id:pk>/rows/", views.article_rows, name="article-rows"),
    path("segments/<id:pk>/row/", views.segment_row, name="segment-row"),
    path("segments/<id:pk>/mt/", views.segment_mt, name="segment-mt"),
    path("segments/<id:pk>/history/", views.segment_history, name="segment-history"),
    path("segments/<id:pk>/thread/", comments.segment_thread, name="segment-thread"),
    path("notifications/", comments.notifications_page, name="notifications-page"),
]
