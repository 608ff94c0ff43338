"""The list's sorts by progress, checks and confidence read figures stored on each article:
every way a segment's status, checks or confidence changes keeps them equal to the segments'."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client

from articles.editing import approve_segments, save_segment
from articles.figures import FIELDS
from articles.models import Article, SegmentStatus
from articles.mt.translate import apply_translation
from articles.quality.dismissals import dismiss
from tests.articles.test_import import run_import, write_jsonl
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _stored(article: Article) -> tuple:
    return Article.objects.filter(pk=article.pk).values_list(*FIELDS).get()


def _counted(article: Article) -> tuple:
    live = Article.objects.with_counts().get(pk=article.pk)
    return (live.approved_count, live.edited_count, live.failing_checks, live.least_confidence)


def _record(n: int, **extra) -> dict:
    body = f"متن خبر شماره {n} درباره {n} نفر است. جمله دوم خبر {n} است."
    return {"title": f"خبر {n}", "body": body, "url": f"https://e.ir/f{n}", **extra}


def test_an_import_stores_each_articles_figures_as_its_segments_count(tmp_path):
    translated = {"title": "News 2", "body": "Text of news 2 about 3 people. Second sentence."}
    path = write_jsonl(tmp_path / "a.jsonl", [_record(1), _record(2, translation=translated)])
    assert run_import(path)[0] == 0
    articles = list(Article.objects.order_by("url"))
    assert [_stored(article) for article in articles] == [_counted(a) for a in articles]
    # The translated article: its three segments edited, the one whose numbers differ failing.
    approved, edited, failing, _ = _stored(articles[1])
    assert (approved, edited) == (0, 3) and failing >= 1

    # Imported again, changed and without the translation: the texts are replaced, the
    # figures follow.
    path = write_jsonl(tmp_path / "b.jsonl", [_record(2, title="خبر دوم")])
    assert "updated 1" in run_import(path)[1]
    assert _stored(articles[1]) == (0, 0, 0, None) == _counted(articles[1])


def test_saves_and_approvals_move_the_article_in_the_progress_sort(
    django_capture_on_commit_callbacks,
):
    editor, reviewer = UserFactory(groups=["editor"]), UserFactory(groups=["reviewer"])
    ahead, behind = ArticleFactory(), ArticleFactory()
    first = SegmentFactory(article=behind, target_text="One.", status=SegmentStatus.MACHINE)
    SegmentFactory(article=ahead, target_text="Two.", status=SegmentStatus.EDITED)
    client = Client()
    client.force_login(reviewer)

    def order() -> list[int]:
        page = client.get("/articles/", {"sort": "progress"}).content.decode()
        return sorted((ahead.pk, behind.pk), key=lambda pk: page.index(f'data-article-id="{pk}"'))

    assert order() == [ahead.pk, behind.pk]
    with django_capture_on_commit_callbacks(execute=True):  # the refresh after the answer
        save_segment(segment_id=first.pk, expected_version=1, user=editor, target_text="One!")
    assert _stored(behind)[:2] == (0, 1) == _counted(behind)[:2]
    approve_segments(versions={first.pk: 2}, user=reviewer)
    assert _stored(behind) == _counted(behind) == (1, 0, 0, None)
    assert order() == [behind.pk, ahead.pk]


def test_a_dismissed_check_leaves_the_checks_sort(django_capture_on_commit_callbacks):
    editor = UserFactory(groups=["editor"])
    article = ArticleFactory()
    segment = SegmentFactory(article=article, source_text="۱۲ نفر آمدند.", target_text="")
    with django_capture_on_commit_callbacks(execute=True):
        save_segment(segment_id=segment.pk, expected_version=1, user=editor, target_text="People.")
    assert _stored(article)[2] == 1 == _counted(article)[2]

    dismiss(segment_id=segment.pk, check="numbers", user=UserFactory(groups=["reviewer"]))

    assert _stored(article)[2] == 0 == _counted(article)[2]


def test_machine_translation_stores_the_least_confidence(mt_model):
    article = ArticleFactory()
    for position in range(3):
        SegmentFactory(article=article, position=position, source_text=f"جمله {position} است.")

    apply_translation(article_id=article.pk)

    least = _stored(article)[3]
    assert least is not None and least == _counted(article)[3]


def test_the_migration_counts_the_figures_of_articles_stored_before_it():
    article = ArticleFactory()
    SegmentFactory(article=article, position=0, status=SegmentStatus.APPROVED, failing_checks=2)
    SegmentFactory(article=article, position=1, status=SegmentStatus.EDITED, mt_confidence=0.4)
    Article.objects.update(sort_approved=0, sort_edited=0, sort_failing_checks=0)
    migration = importlib.import_module("articles.migrations.0021_article_sort_figures")

    with connection.cursor() as cursor:
        # The schema editor's execute(), without the schema editor (SQLite refuses one inside
        # the test's transaction).
        migration.count_figures(None, SimpleNamespace(execute=cursor.execute))

    assert _stored(article) == (1, 1, 2, 0.4) == _counted(article)
