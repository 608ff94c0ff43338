"""A JSON export re-imports into an empty database to the same content."""

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from annotations.mentions import create_mention
from annotations.models import Entity, Mention
from annotations.restore import restore_article
from articles.importers.records import InvalidRecord
from articles.models import Article, ArticleStatus, Revision, RevisionOrigin, Segment, SegmentStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _export() -> list[dict]:
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    response = client.get("/api/v1/export/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def _without_ids(articles: list[dict]) -> list[dict]:
    for article in articles:
        del article["id"]
        for segment in article["segments"]:
            del segment["id"]
            for mention in segment["mentions"]:
                del mention["id"]
                if mention["entity"]:
                    del mention["entity"]["id"]
    return articles


@pytest.fixture
def article(seed_path):
    """The seed with MT-like targets, one approved segment and mentions on both sides."""
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    for segment in article.segments.all():
        segment.mt_text = f"Machine sentence {segment.position}."
        segment.mt_model = "test-model"
        segment.target_text = segment.mt_text
        segment.status = SegmentStatus.MACHINE
        segment.save()
    title = article.segments.get(position=0)
    title.target_text = "Rouhani: no coalition between Iran and Russia to fight ISIS"
    title.status = SegmentStatus.APPROVED
    title.save()
    article.status = ArticleStatus.IN_REVIEW
    article.save()
    text = title.target_text
    create_mention(
        segment=title,
        side="target",
        start=text.index("ISIS"),
        end=text.index("ISIS") + 4,
        text="ISIS",
        entity=Entity.objects.get(name_en="ISIS"),
    )
    start = text.index("Iran")
    new_entity = Entity.objects.create(name_en="Restore Test Place", type="GPE")
    create_mention(
        segment=title, side="target", start=start, end=start + 4, text="Iran", entity=new_entity
    )
    source = title.source_text
    word = source.split()[0]
    create_mention(
        segment=title, side="source", start=0, end=len(word), text=word, entity=None, type="PERSON"
    )
    return article


def test_json_export_reimports_to_the_same_content(article, tmp_path):
    first = _export()
    path = tmp_path / "export.json"
    path.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    Mention.objects.all().delete()
    Segment.objects.all().delete()
    Article.objects.all().delete()
    Entity.objects.filter(name_en="Restore Test Place").delete()

    call_command("import_articles", str(path), stdout=None)

    second = _export()
    assert _without_ids(second) == _without_ids(first)
    assert Entity.objects.filter(name_en="Restore Test Place", type="GPE").count() == 1
    restored = Article.objects.get()
    with_target = restored.segments.exclude(target_text="").count()
    assert with_target == restored.segments.count()
    assert Revision.objects.filter(origin=RevisionOrigin.IMPORT).count() == with_target


def test_an_entity_an_export_brings_is_found_by_search_on_the_entities_page(article, tmp_path):
    Entity.objects.filter(name_en="Restore Test Place").update(name_fa="مکان آزمایشی بازیابی")
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(), ensure_ascii=False), encoding="utf-8")
    Article.objects.all().delete()
    Entity.objects.filter(name_en="Restore Test Place").delete()

    call_command("import_articles", str(path), stdout=None)

    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    found = client.get("/api/v1/entities/", {"q": "مکان آزمایشی"}).json()
    assert [item["name_en"] for item in found["results"]] == ["Restore Test Place"]
    # What the search looks in: every name, casefolded (it was left empty before).
    restored = Entity.objects.get(name_en="Restore Test Place")
    assert restored.search_text == "restore test place\nمکان آزمایشی بازیابی"


def test_a_second_import_of_the_same_export_is_skipped(article, tmp_path, capsys):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(), ensure_ascii=False), encoding="utf-8")
    Article.objects.all().delete()

    call_command("import_articles", str(path))
    call_command("import_articles", str(path))
    # An export of the restored article has new ids but the same content.
    path.write_text(json.dumps(_export(), ensure_ascii=False), encoding="utf-8")
    call_command("import_articles", str(path))

    out = capsys.readouterr().out
    assert "created 1, updated 0, skipped 0, failed 0" in out
    assert out.count("created 0, updated 0, skipped 1, failed 0") == 2
    assert Article.objects.count() == 1


def test_a_single_article_export_object_reimports(article, tmp_path):
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    response = client.get(f"/api/v1/articles/{article.pk}/export/", {"format": "json"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    path = tmp_path / "article.json"
    path.write_bytes(body)
    before = _without_ids(_export())
    Article.objects.all().delete()

    call_command("import_articles", str(path), stdout=None)

    assert _without_ids(_export()) == before


def test_an_export_has_the_identity_of_the_article_it_came_from(article, tmp_path):
    identity = article.identity
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_export(), ensure_ascii=False), encoding="utf-8")
    Article.objects.all().delete()

    call_command("import_articles", str(path), stdout=None)

    assert Article.objects.get().identity == identity


def test_a_mention_off_its_text_is_refused(article):
    record = _export()[0]
    record["segments"][0]["mentions"][0]["text"] = "nothing like it"
    Article.objects.all().delete()

    with pytest.raises(InvalidRecord, match="does not match"):
        restore_article(fields=record, raw_text=json.dumps(record))
    assert not Article.objects.exists()
