from django.urls import path

from annotations import views

urlpatterns = [
    path("entities/", views.entity_list, name="entity-list-page"),
    path("articles/<id:pk>/entities/", views.article_entity_sidebar, name="article-entities-page"),
]
