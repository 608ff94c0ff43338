"""Knowledge-base suggestions on the seed article and the matching rules behind them."""

import pytest
from django.core.management import call_command

from annotations.gazetteer import Gazetteer
from annotations.mentions import delete_mention
from annotations.models import Entity, Mention, MentionOrigin, MentionSide
from annotations.suggestions import suggest_for_article
from articles.models import Article
from articles.mt.translate import apply_translation

pytestmark = pytest.mark.django_db


@pytest.fixture
def translated_seed(mt_model, seed_path, django_capture_on_commit_callbacks):
    call_command("import_articles", str(seed_path), stdout=None)
    article = Article.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # suggestions follow the commit
        apply_translation(article_id=article.pk)
    return article


def _source(article, name_en):
    return list(
        Mention.objects.filter(
            segment__article=article, side=MentionSide.SOURCE, entity__name_en=name_en
        ).values_list("text", flat=True)
    )


def test_translation_suggests_every_starter_entity_on_the_seed(translated_seed):
    article = translated_seed

    isis = _source(article, "ISIS")
    assert sorted(isis) == sorted(["داعش"] * 3 + ["گروه حکومت اسلامی"] * 2)
    assert _source(article, "Hamedan Air Base") == ["پایگاه هوایی همدان"]
    assert _source(article, "Reuters") == ["خبرگزاری رویترز", "رویترز"]
    assert _source(article, "Fox News") == ["فاکس نیوز"] * 4
    assert _source(article, "Baghdad") == ["بغداد"] * 2
    assert _source(article, "Vladimir Putin") == ["ولادیمیر پوتین"]
    assert _source(article, "United Nations General Assembly") == ["مجمع عمومی سازمان ملل"]
    assert len(_source(article, "Hassan Rouhani")) == 7
    for mention in Mention.objects.filter(segment__article=article).select_related("segment"):
        text = getattr(mention.segment, f"{mention.side}_text")
        assert text[mention.start : mention.end] == mention.text
        assert mention.origin == MentionOrigin.SUGGESTED


def test_adjectives_are_not_the_country(translated_seed):
    texts = _source(translated_seed, "United States") + _source(translated_seed, "Russia")
    assert "آمریکایی" not in texts and "روسی" not in texts
    iran = _source(translated_seed, "Iran")
    assert set(iran) == {"ایران", "جمهوری اسلامی ایران"}
    assert len(iran) == 15  # 14 «ایران» and one «جمهوری اسلامی ایران»


def test_suggesting_again_adds_nothing_and_a_rejection_sticks(translated_seed):
    assert suggest_for_article(article_id=translated_seed.pk) == 0
    rejected = Mention.objects.filter(entity__name_en="Reuters").first()
    delete_mention(rejected)

    assert suggest_for_article(article_id=translated_seed.pk) == 0
    assert Mention.objects.filter(entity__name_en="Reuters").count() == 1


def _gazetteer(*entities):
    entries = []
    for pk, kind, en, fa in entities:
        entries += [(pk, kind, "target", name) for name in en]
        entries += [(pk, kind, "source", name) for name in fa]
    return Gazetteer(entries)


def test_persian_matching_folds_spelling_variants_and_allows_suffixes_after_zwnj():
    g = _gazetteer((1, "ORG", [], ["گروه حکومت اسلامی", "داعش"]), (2, "GPE", [], ["ایران"]))
    text = "گروه\u200cحکومت اسلامي و داعش\u200cها در ايران و ايرانی‌ها"

    found = [(text[m.start : m.end], m.entity_id) for m in g.find(text, "source")]

    assert found == [("گروه\u200cحکومت اسلامي", 1), ("داعش", 1), ("ايران", 2)]


def test_persian_digits_fold_and_words_inside_longer_words_do_not_match():
    g = _gazetteer((1, "MISC", [], ["سوخو ۲۴"]), (2, "GPE", [], ["ایران"]))
    assert [m.entity_id for m in g.find("جنگنده سوخو 24 و ایرانیان", "source")] == [1]


def test_english_is_case_insensitive_on_word_boundaries_but_acronyms_are_exact():
    g = _gazetteer((1, "GPE", ["Russia"], []), (2, "GPE", ["United States", "US"], []))
    text = "RUSSIA and Russia's allies; the US told us; Belarussian"

    found = [(text[m.start : m.end], m.entity_id) for m in g.find(text, "target")]

    assert found == [("RUSSIA", 1), ("Russia", 1), ("US", 2)]


def test_the_longest_name_wins_where_names_overlap():
    g = _gazetteer((1, "PERSON", [], ["حسن روحانی", "روحانی"]))
    found = g.find("حسن روحانی گفت", "source")
    assert [(m.start, m.end) for m in found] == [(0, 10)]


def test_offsets_are_code_points_even_after_an_emoji():
    g = _gazetteer((1, "ORG", ["ISIS"], []))
    text = "😀 ISIS"
    (match,) = g.find(text, "target")
    assert text[match.start : match.end] == "ISIS" and match.start == 2


def test_the_starter_knowledge_base_is_loaded_by_migrate():
    names = set(Entity.objects.values_list("name_en", flat=True))
    assert {
        "Iran",
        "Russia",
        "ISIS",
        "Hamedan Air Base",
        "Syria",
        "Iraq",
        "Baghdad",
        "United States",
        "Hassan Rouhani",
        "Vladimir Putin",
        "Reuters",
        "Fox News",
        "United Nations General Assembly",
        "New York City",
        "Tehran",
        "Washington, D.C.",
        "Moscow",
        "Middle East",
        "Sukhoi Su-24",
        "Sukhoi Su-25",
    } <= names
    isis = Entity.objects.get(name_en="ISIS")
    assert {"Islamic State", "ISIL", "IS", "Daesh"} <= set(isis.aliases_en)
    assert {"داعش", "گروه حکومت اسلامی"} <= {isis.name_fa, *isis.aliases_fa}


def test_the_demo_article_shows_entities_in_the_persian(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo", stdout=None)

    article = Article.objects.get()
    assert _source(article, "Hamedan Air Base") == ["پایگاه هوایی همدان"]
    assert not Mention.objects.filter(side=MentionSide.TARGET).exists()
