import pytest

from articles.text.boilerplate import Block, CleanDocument
from articles.text.segment import SegmentDraft, build_segments, split_sentences


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "باران از صبح آغاز شد. مدارس تعطیل شدند! آیا فردا هم می‌بارد؟ کسی نمی‌داند…",
            ["باران از صبح آغاز شد.", "مدارس تعطیل شدند!", "آیا فردا هم می‌بارد؟", "کسی نمی‌داند…"],
        ),
        ("واقعاً؟! بله... همین است.", ["واقعاً؟!", "بله...", "همین است."]),
        (
            "او گفت: «من نمی‌آیم. شما بروید». سپس جلسه را ترک کرد.",
            ["او گفت: «من نمی‌آیم. شما بروید».", "سپس جلسه را ترک کرد."],
        ),
        (
            "این طرح (که سال گذشته تصویب شد. اجرا نشد) دوباره بررسی می‌شود. پایان.",
            ["این طرح (که سال گذشته تصویب شد. اجرا نشد) دوباره بررسی می‌شود.", "پایان."],
        ),
        (
            'He said "Stop. Now." and left. Then rain.',
            ['He said "Stop. Now." and left.', "Then rain."],
        ),
        ("  \n  ", []),
        ("بند نخست بدون نقطه\nبند دوم.", ["بند نخست بدون نقطه", "بند دوم."]),
    ],
)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_decimals_and_abbreviations_are_not_sentence_ends() -> None:
    assert split_sentences("نرخ تورم ۳.۵ درصد و رشد 3.5 درصد و بیکاری ۳٫۵ درصد شد.") == [
        "نرخ تورم ۳.۵ درصد و رشد 3.5 درصد و بیکاری ۳٫۵ درصد شد."
    ]
    assert split_sentences(
        "U.S. officials met Mr. Smith and Dr. Jones, e.g. at noon. Talks ended."
    ) == [
        "U.S. officials met Mr. Smith and Dr. Jones, e.g. at noon.",
        "Talks ended.",
    ]
    assert split_sentences("مقام‌های ج.ا.ا. با م. احمدی دیدار کردند. دیدار کوتاه بود.") == [
        "مقام‌های ج.ا.ا. با م. احمدی دیدار کردند.",
        "دیدار کوتاه بود.",
    ]
    assert split_sentences("جلسه ساعت ۱۰ ق.ظ آغاز شد و در سال ۱۳۰۰ ه.ش ثبت شد.") == [
        "جلسه ساعت ۱۰ ق.ظ آغاز شد و در سال ۱۳۰۰ ه.ش ثبت شد."
    ]


def test_quoted_sentence_stays_whole_with_its_closing_punctuation() -> None:
    paragraph = "وزیر گفت: «ما راه درازی در پیش داریم. اما امیدواریم». جلسه پایان یافت."
    assert split_sentences(paragraph) == [
        "وزیر گفت: «ما راه درازی در پیش داریم. اما امیدواریم».",
        "جلسه پایان یافت.",
    ]


def test_persian_etc_ellipsis_does_not_end_the_sentence() -> None:
    assert split_sentences("سیب، پرتقال و... به بازار رسید. قیمت‌ها پایین آمد.") == [
        "سیب، پرتقال و... به بازار رسید.",
        "قیمت‌ها پایین آمد.",
    ]
    assert split_sentences("او ماند... ما رفتیم.") == ["او ماند...", "ما رفتیم."]


def test_stray_marks_are_not_sentences() -> None:
    assert split_sentences(". خبر اول است. ! خبر دوم") == ["خبر اول است.!", "خبر دوم"]


def test_unclosed_quote_does_not_swallow_the_paragraph() -> None:
    assert split_sentences("او گفت «نه. این جمله دوم است. و سوم.") == [
        "او گفت «نه.",
        "این جمله دوم است.",
        "و سوم.",
    ]


def test_build_segments_positions_kinds_and_paragraphs() -> None:
    doc = CleanDocument(
        title="سیل در گیلان",
        blocks=(
            Block("caption", "نمایی از رودخانه"),
            Block("paragraph", "باران سه روز بارید. رودخانه طغیان کرد."),
            Block("heading", "خسارت‌ها"),
            Block("paragraph", "صد خانه آسیب دید.\nجاده بسته شد."),
        ),
        scraped_at=None,
    )

    assert build_segments(doc) == [
        SegmentDraft(0, "title", 0, "سیل در گیلان"),
        SegmentDraft(1, "caption", 1, "نمایی از رودخانه"),
        SegmentDraft(2, "body", 2, "باران سه روز بارید."),
        SegmentDraft(3, "body", 2, "رودخانه طغیان کرد."),
        SegmentDraft(4, "heading", 3, "خسارت‌ها"),
        SegmentDraft(5, "body", 4, "صد خانه آسیب دید."),
        SegmentDraft(6, "body", 4, "جاده بسته شد."),
    ]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("باران آمد.مردم به خانه رفتند.", ["باران آمد.", "مردم به خانه رفتند."]),
        (
            "چرا دیر شد؟قطار خراب بود!همه منتظر ماندند.",
            ["چرا دیر شد؟", "قطار خراب بود!", "همه منتظر ماندند."],
        ),
        ("او گفت.«ما می‌آییم».", ["او گفت.", "«ما می‌آییم»."]),
    ],
)
def test_sentence_ends_without_a_space(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "نرخ رشد ۳.۵ درصد و تورم 4.2 درصد و بیکاری ۷٫۱ درصد اعلام شد.",
        "نشانی hamshahrionline.ir و www.example.com/news/12.html در خبر آمده است.",
        "برای دیدن گزارش به https://example.org/fa/report.pdf بروید.",
        "نامه را به news@example.ir بفرستید.",
        "کتابخانه Node.js و زبان ASP.NET در U.S.A رایج است.",
    ],
)
def test_no_split_inside_numbers_addresses_and_abbreviations(sentence: str) -> None:
    assert split_sentences(sentence) == [sentence]
