from django.urls import path

from articles import views

urlpatterns = [
    path("articles/", views.article_list, name="article-list-page"),
    path("articles/<int:pk>/", views.article_detail, name="article-detail-page"),
]
