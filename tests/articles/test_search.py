"""Word search over title, source and target; runs on SQLite and, with DATABASE_URL, PostgreSQL."""

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection

from articles.models import Article
from articles.search import build_search_text, search_words
from articles.search_index import refresh_search_text
from tests.factories import ArticleFactory, SegmentFactory

pytestmark = pytest.mark.django_db

ZWNJ = "\u200c"


def _article(title: str, *segments: tuple[str, str]) -> Article:
    article = ArticleFactory(title=title)
    for position, (source, target) in enumerate(segments):
        SegmentFactory(article=article, position=position, source_text=source, target_text=target)
    refresh_search_text(article.pk)
    return article


@pytest.fixture
def articles() -> dict[str, Article]:
    return {
        "nuclear": _article(
            "گزارش",
            (f"ایران می{ZWNJ}خواهد گفت{ZWNJ}وگوی هسته{ZWNJ}ای را ادامه دهد.", "Iran wants talks."),
            ("وزیر خارجه در ۱۴۰۳ به وین رفت.", ""),
        ),
        "football": _article(
            "فوتبال",
            ("تیم ملی در کیلومتر ۲۴ تمرین کرد.", "The national team trained near the stadium."),
        ),
        "titled": _article("روحانی در سازمان ملل", ("متن کوتاه.", "")),
    }


def _found(query: str) -> set[int]:
    return set(Article.objects.search(query).values_list("pk", flat=True))


def test_persian_word_spelt_with_arabic_letters_is_found(articles) -> None:
    assert _found("ايران") == {articles["nuclear"].pk}
    assert _found("كيلومتر") == {articles["football"].pk}


def test_word_without_zwnj_matches_stored_zwnj(articles) -> None:
    assert _found("میخواهد") == {articles["nuclear"].pk}
    assert _found("گفتوگوی هستهای") == {articles["nuclear"].pk}


def test_query_with_zwnj_matches_too(articles) -> None:
    assert _found(f"هسته{ZWNJ}ای") == {articles["nuclear"].pk}


def test_digits_match_whatever_their_script(articles) -> None:
    assert _found("1403") == _found("۱۴۰۳") == _found("١٤٠٣") == {articles["nuclear"].pk}


def test_english_word_in_target_is_found_case_insensitively(articles) -> None:
    assert _found("STADIUM") == {articles["football"].pk}
    assert _found("talks") == {articles["nuclear"].pk}


def test_word_in_title_is_found(articles) -> None:
    assert _found("سازمان") == {articles["titled"].pk}


def test_word_in_no_article_finds_nothing(articles) -> None:
    assert _found("آلمان") == set()
    assert _found("zebra") == set()


def test_all_words_must_be_present_in_any_order(articles) -> None:
    assert _found("وین ایران") == {articles["nuclear"].pk}
    assert _found("Iran stadium") == set()
    # Source and target together count: one word from each side.
    assert _found("وین talks") == {articles["nuclear"].pk}


def test_word_matches_inside_longer_words(articles) -> None:
    # "هسته" is part of "هستهای": substring match, as the old icontains search did.
    assert _found("هسته") == {articles["nuclear"].pk}


def test_short_words_match_whole_words_only(articles) -> None:
    assert _found("در") == {articles["nuclear"].pk, articles["football"].pk, articles["titled"].pk}
    # "به" is a word in one article only, though it starts no other word there.
    assert _found("به") == {articles["nuclear"].pk}
    assert _found("ir") == set()


def test_punctuation_is_ignored(articles) -> None:
    assert _found("«ایران»، وین!") == {articles["nuclear"].pk}


def test_corrected_target_is_found_after_refresh(articles) -> None:
    article = articles["nuclear"]
    segment = article.segments.get(position=1)
    segment.target_text = "The foreign minister went to Vienna."
    segment.save()
    assert _found("vienna") == set()  # until the search text is refreshed

    refresh_search_text(article.pk)

    assert _found("vienna") == {article.pk}


def test_refresh_of_missing_article_does_nothing() -> None:
    refresh_search_text(0)


def test_search_keeps_queryset_order(articles) -> None:
    expected = list(Article.objects.values_list("pk", flat=True))
    assert list(Article.objects.search("در").values_list("pk", flat=True)) == expected


def test_search_text_holds_each_folded_word_once() -> None:
    text = build_search_text(["كتاب و کتاب", "Book, book."])
    assert text == " کتاب و book "
    assert build_search_text(["", "؟"]) == ""


def test_api_q_filter_uses_the_search(api, articles) -> None:
    body = api.get("/api/v1/articles/", {"q": "ايران talks"}).json()
    assert [item["id"] for item in body["results"]] == [articles["nuclear"].pk]
    assert api.get("/api/v1/articles/", {"q": "zebra"}).json()["count"] == 0


def test_words_found_in_too_many_vocabulary_words_are_scanned_instead(
    articles, monkeypatch
) -> None:
    monkeypatch.setattr("articles.search.MAX_EXPANSIONS", 0)
    assert _found("هسته talks") == {articles["nuclear"].pk}
    assert _found("ايران در") == {articles["nuclear"].pk}
    assert _found("zebra") == set()


# The same verb and plural in the three spellings writers use: apart, with ZWNJ, joined.
SPELLINGS = {
    "apart": "شهرداری می خواهد پارک ها را بازسازی کند و مردم نمی دانند.",
    "zwnj": f"شهرداری می{ZWNJ}خواهد پارک{ZWNJ}ها را بازسازی کند و مردم نمی{ZWNJ}دانند.",
    "joined": "شهرداری میخواهد پارکها را بازسازی کند و مردم نمیدانند.",
}


@pytest.fixture
def spellings() -> dict[str, Article]:
    return {name: _article("خبر شهری", (text, "")) for name, text in SPELLINGS.items()}


@pytest.mark.parametrize(
    "query",
    [
        "می خواهد",
        f"می{ZWNJ}خواهد",
        "میخواهد",
        "پارک ها",
        f"پارک{ZWNJ}ها",
        "پارکها",
        "نمی دانند پارک ها",
    ],
)
def test_word_parts_apart_with_zwnj_or_joined_are_one_spelling(spellings, query: str) -> None:
    assert _found(query) == {article.pk for article in spellings.values()}


def test_search_words_join_persian_parts_only() -> None:
    assert search_words("می خواهد") == search_words("میخواهد") == ["میخواهد"]
    assert search_words("هسته ای و کتاب ها") == ["هستهای", "و", "کتابها"]
    # A part with nothing Persian to join stays a word of its own.
    assert search_words("iPhone ها و می 2024") == ["iphone", "ها", "و", "می", "2024"]
    assert search_words("ها و می") == ["ها", "و", "می"]


def test_migration_rebuilds_search_texts_that_hold_a_part() -> None:
    article = _article("خبر", ("دولت می خواهد.", ""))
    untouched = _article("خبر دیگر", ("دولت تصمیم گرفت.", ""))
    Article.objects.filter(pk=article.pk).update(search_text=" خبر دولت می خواهد ")
    Article.objects.filter(pk=untouched.pk).update(search_text=" stale ")

    migration = importlib.import_module("articles.migrations.0011_search_word_parts")
    migration.rebuild(django_apps, SimpleNamespace(connection=connection))

    assert Article.objects.get(pk=article.pk).search_text == " خبر دولت میخواهد "
    # Without a part as a word of its own a search text cannot change: it is not read again.
    assert Article.objects.get(pk=untouched.pk).search_text == " stale "
    assert _found("می خواهد") == {article.pk}
