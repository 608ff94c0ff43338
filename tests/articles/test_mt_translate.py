"""Machine translation of articles: tasks, translation memory, no overwrite, all or nothing."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import (
    Article,
    ArticleStatus,
    Revision,
    RevisionOrigin,
    Segment,
    SegmentKind,
    SegmentStatus,
)
from articles.mt import translate as translate_module
from articles.mt.packages import PackageError
from articles.mt.translate import apply_translation
from articles.tasks import request_translation
from tests.factories import ArticleFactory, SegmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_seed_imported_with_translate_is_translated_on_every_segment(
    mt_model, seed_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_articles", str(seed_path), "--translate", stdout=None)

    article = Article.objects.get()
    segments = list(article.segments.all())
    assert article.status == ArticleStatus.TRANSLATED
    assert len(segments) == 17
    for segment in segments:
        assert segment.mt_text and segment.target_text == segment.mt_text
        assert segment.mt_model == "translate-fa_en-test-tiny@1.0"
        assert segment.status == SegmentStatus.MACHINE
        revisions = list(segment.revisions.all())
        assert [(r.origin, r.text, r.version) for r in revisions] == [
            (RevisionOrigin.MT, segment.mt_text, segment.version)
        ]
        assert revisions[0].author.username == "mt:translate-fa_en-test-tiny@1.0"
        assert not revisions[0].author.is_active


def test_running_a_translation_twice_writes_each_revision_once(mt_model, seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()

    first = apply_translation(article_id=article.pk)
    again = apply_translation(article_id=article.pk)

    assert (first.machine, again.machine) == (17, 0)
    assert Revision.objects.filter(origin=RevisionOrigin.MT).count() == 17


def test_an_approved_title_is_reused_by_translation_memory(mt_model):
    reviewer = UserFactory()
    done = SegmentFactory(
        kind=SegmentKind.TITLE,
        source_text="روحانی: ائتلافی بین ایران و روسیه وجود ندارد",
        target_text="Rouhani: there is no coalition between Iran and Russia",
        status=SegmentStatus.APPROVED,
        updated_by=reviewer,
    )
    # Same title, spelt with Arabic yeh and a space where the first has none.
    other = SegmentFactory(
        kind=SegmentKind.TITLE, source_text="روحاني: ائتلافی بین ایران و روسیه  وجود ندارد"
    )

    result = apply_translation(article_id=other.article_id)

    other.refresh_from_db()
    assert result.memory == 1
    assert other.target_text == done.target_text
    assert other.mt_model == "translation-memory"
    assert other.revisions.get().origin == RevisionOrigin.TM


def test_machine_output_is_not_memory(mt_model):
    first = SegmentFactory(source_text="جمله‌ای برای آزمایش حافظه")
    apply_translation(article_id=first.article_id)
    second = SegmentFactory(source_text="جمله‌ای برای آزمایش حافظه")

    apply_translation(article_id=second.article_id)

    assert second.revisions.get().origin == RevisionOrigin.MT


def test_a_segment_an_editor_saved_meanwhile_is_kept(mt_model, monkeypatch):
    article = ArticleFactory()
    segments = [SegmentFactory(article=article, source_text=t) for t in ("یک", "دو", "سه")]
    real_get_engine = translate_module.get_engine

    def editor_saves_during_translation(package):
        Segment.objects.filter(pk=segments[1].pk).update(
            target_text="Two, by hand", status=SegmentStatus.EDITED, version=2
        )
        return real_get_engine(package)

    monkeypatch.setattr(translate_module, "get_engine", editor_saves_during_translation)

    result = apply_translation(article_id=article.pk)

    assert (result.machine, result.kept) == (2, 1)
    kept = Segment.objects.get(pk=segments[1].pk)
    assert kept.target_text == "Two, by hand" and kept.status == SegmentStatus.EDITED
    assert not kept.revisions.filter(origin=RevisionOrigin.MT).exists()


def test_a_failure_while_writing_leaves_the_article_untouched(mt_model, monkeypatch):
    article = ArticleFactory(status=ArticleStatus.TRANSLATING)
    for text in ("یک", "دو", "سه"):
        SegmentFactory(article=article, source_text=text)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Revision.objects, "bulk_create", fail)
    with pytest.raises(RuntimeError):
        apply_translation(article_id=article.pk)

    assert not article.segments.exclude(status=SegmentStatus.EMPTY).exists()
    assert not article.segments.exclude(target_text="").exists()
    article.refresh_from_db()
    assert article.status == ArticleStatus.TRANSLATING


def test_imported_human_translations_are_not_replaced(mt_model, tmp_path):
    source = tmp_path / "one.jsonl"
    source.write_text(
        '{"title": "خبر کوتاه", "body": "جمله اول است. جمله دوم است.", '
        '"translation": {"title": "A short report"}}\n',
        encoding="utf-8",
    )
    call_command("import_articles", str(source), stdout=None)
    article = Article.objects.get()

    apply_translation(article_id=article.pk)

    title = article.segments.get(position=0)
    assert title.target_text == "A short report" and title.status == SegmentStatus.EDITED
    assert article.segments.filter(status=SegmentStatus.MACHINE).count() == 2


def test_without_a_model_nothing_is_queued_and_the_reason_is_given(seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()

    with pytest.raises(PackageError, match="mt install --file"):
        request_translation([article.pk])

    article.refresh_from_db()
    assert article.status == ArticleStatus.NEW


def test_import_with_translate_but_no_model_imports_nothing(seed_path):
    with pytest.raises(CommandError, match="no fa→en translation model") as error:
        call_command("import_articles", str(seed_path), "--translate", stdout=None)

    assert error.value.returncode == 2
    assert not Article.objects.exists()


def test_a_model_that_fails_is_reported_on_the_article(mt_model, monkeypatch):
    segment = SegmentFactory()

    def broken(package):
        raise RuntimeError("model file is corrupt")

    monkeypatch.setattr(translate_module, "get_engine", broken)
    with pytest.raises(RuntimeError):
        apply_translation(article_id=segment.article_id)

    article = Article.objects.get(pk=segment.article_id)
    assert article.mt_error == "machine translation failed: model file is corrupt"


def test_the_article_page_says_test_model_output_is_not_a_translation(mt_model, seed_path):
    from django.test import Client

    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    apply_translation(article_id=article.pk)
    client = Client()
    client.force_login(UserFactory(groups=["viewer"]))

    page = client.get(f"/articles/{article.pk}/").content.decode()

    assert "translate-fa_en-test-tiny@1.0" in page
    assert "<strong>test model</strong>: it is gibberish, not a translation" in page


def test_each_machine_translation_keeps_the_models_confidence_until_an_editor_changes_it(
    mt_model, seed_path, api
):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    apply_translation(article_id=article.pk)
    segment = article.segments.get(position=2)

    shown = api.get(f"/api/v1/segments/{segment.pk}/").json()
    # Test-model output: the numbers mean nothing, but they are stored and shown as for any model.
    assert 0 < shown["mt_confidence"] < 1
    assert shown["mt_low_confidence"]
    for span in shown["mt_low_confidence"]:
        word = shown["mt_text"][span["start"] : span["end"]]
        assert word and " " not in word
    detail = api.get(f"/api/v1/articles/{article.pk}/").json()
    assert detail["segments"][2]["mt_low_confidence"] == shown["mt_low_confidence"]

    edited = api.patch(
        f"/api/v1/segments/{segment.pk}/",
        {"target_text": "Hassan Rouhani, President of Iran"},
        format="json",
        HTTP_IF_MATCH=f'"{segment.version}"',
    ).json()
    assert edited["mt_low_confidence"] == []
    assert edited["mt_confidence"] == shown["mt_confidence"]


def test_translating_again_recomputes_the_confidence(mt_model, seed_path):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    apply_translation(article_id=article.pk)
    Segment.objects.filter(article=article).update(mt_confidence=None, mt_low_confidence=[])

    apply_translation(article_id=article.pk, again=True)

    assert not Segment.objects.filter(article=article, mt_confidence__isnull=True).exists()
