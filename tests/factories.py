"""Factories for test data; the text pipeline is exercised through the import service instead."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from articles.figures import store_figures
from articles.models import Article, Segment, SegmentKind
from articles.text.normalize import fold


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    identity = factory.Sequence(lambda n: f"{n:064x}")
    title = "گزارش آزمایشی"
    raw_text = "گزارش آزمایشی\n\nمتن خبر."
    content_hash = factory.Sequence(lambda n: f"{n:064d}")


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n)
    kind = SegmentKind.BODY
    source_text = "این یک جمله است."
    source_key = factory.LazyAttribute(lambda segment: Segment.key_for(segment.source_text))
    source_fold = factory.LazyAttribute(lambda segment: fold(segment.source_text))

    @factory.post_generation
    def figures(segment, create, extracted, **kwargs):
        """The article's stored sort figures follow, as every writer of segments keeps them."""
        if create:
            store_figures([segment.article_id])


def client_for(user):
    """An API client signed in as `user`."""
    client = APIClient()
    client.force_authenticate(user)
    return client
