import pytest

from articles.text.zwnj import ZWNJ, restore_zwnj


def strip(text: str) -> str:
    return text.replace(ZWNJ, "")


RESTORED = [
    "می‌خواهد",  # continuous prefix می
    "نمی‌بینم",
    "می‌توانیم",
    "رسانه‌ها",  # plural ها after a joining letter
    "جنگنده‌ها",
    "مقام‌های",
    "گروه‌های",
    "ژنرال‌های",
    "لینک‌های",
    "گام‌هایی",
    "گفت‌وگو",  # compound from the lexicon
    "سوخت‌گیری",
    "هسته‌ای",  # vowel-initial clitic after a final ه
    "داده‌اند",
    "شده‌اند",
]


@pytest.mark.parametrize("word", RESTORED)
def test_stripped_word_is_restored(word: str) -> None:
    assert restore_zwnj(strip(word)) == word


@pytest.mark.parametrize(
    "word",
    [
        # Words that merely start with می.
        "میز",
        "میلیون",
        "میدان",
        "میان",
        "میانه",
        "میراث",
        # Words that merely end in تر, ها or ای.
        "بهتر",
        "دختر",
        "کبوتر",
        "تنها",
        # Plural after a letter that never joins: no ZWNJ is written.
        "کشورها",
        "روزهای",
        "تهران",
        "ایران",
        # The lexicon writes the pronoun plural joined.
        "آنها",
    ],
)
def test_plain_word_is_left_alone(word: str) -> None:
    assert restore_zwnj(word) == word


def test_sentence_with_punctuation_and_quotes() -> None:
    expected = "«رسانه‌ها» می‌گویند گفت‌وگو با (گروه‌های) محلی، به نتیجه نرسید؛ مقام‌های شهر نمی‌دانند."
    assert restore_zwnj(strip(expected)) == expected


def test_existing_zwnj_is_kept_and_not_doubled() -> None:
    text = "می‌خواهد رسانه‌ها را ببیند"
    assert restore_zwnj(text) == text


def test_only_stripped_words_are_touched() -> None:
    # The first word keeps its author's spelling; the second is restored.
    assert restore_zwnj("میخواهند‌ها رسانهها") == "میخواهند‌ها رسانه‌ها"


def test_idempotent() -> None:
    text = strip("نمی‌توانیم بگوییم که گروه‌های تازه‌ای به گفت‌وگو آمده‌اند.")
    once = restore_zwnj(text)
    assert restore_zwnj(once) == once


def test_only_zwnjs_are_added() -> None:
    text = "خبرنگاران در نشستی گفتند که مقامهای محلی درباره سوختگیری هواپیماها چیزی نمیدانند."
    assert strip(restore_zwnj(text)) == text


def test_zwnj_sits_between_letters() -> None:
    restored = restore_zwnj("(رسانههای) «میخواهد» هستهای،")
    assert restored == "(رسانه‌های) «می‌خواهد» هسته‌ای،"
    for i, char in enumerate(restored):
        if char == ZWNJ:
            assert restored[i - 1].isalpha() and restored[i + 1].isalpha()


def test_latin_and_digits_are_untouched() -> None:
    text = "iPhone 15 و ۲۰ دستگاه Samsung-Galaxy در سال 2024 میرسند"
    assert restore_zwnj(text) == "iPhone 15 و ۲۰ دستگاه Samsung-Galaxy در سال 2024 می‌رسند"


def test_mixed_token_keeps_its_attachments() -> None:
    assert restore_zwnj("#رسانهها123") == "#رسانه‌ها123"


def test_empty_and_whitespace() -> None:
    assert restore_zwnj("") == ""
    assert restore_zwnj(" \n\t ") == " \n\t "


# One sentence per class, written for these tests: the stripped text gets its ZWNJs back, and the
# words of the class that the lexicon writes joined stay joined.
CLASS_SENTENCES = {
    "comparative": "سریع‌ترین قطار شهر از قدیمی‌ترین ایستگاه و طولانی‌ترین مسیر گذشت.",
    "number": "جلسه سه‌شنبه برگزار شد و کودک هفت‌ساله و دختر سی‌ساله هم آمدند.",
    "compound": "تصمیم‌گیری درباره سیاست‌گذاری آب در کلان‌شهر به شورا رسید و ماهواره‌بر پرتاب شد.",
    "prefix": "او بی‌شک به‌طور کامل از این طرح بی‌توجه گذشت.",
    "name": "آقای کریمی‌پور و خانم توکلی‌نژاد با علی‌اکبر و قاسمی‌فر دیدار کردند.",
    "acronym": "گزارش اف‌بی‌آی را بی‌بی‌سی منتشر کرد و بیمار به آی‌سی‌یو رفت.",
    "conjunction": "درحالی‌که باران می‌بارید، مردم به خیابان آمدند.",
    "arabic_phrase": "پایگاه عین‌الاسد در حمله‌ای آسیب دید.",
    "loanword_plural": "سلبریتی‌ها درباره ایرلاین‌های خارجی نوشتند.",
}


@pytest.mark.parametrize("sentence", CLASS_SENTENCES.values(), ids=CLASS_SENTENCES.keys())
def test_class_is_restored(sentence: str) -> None:
    assert restore_zwnj(strip(sentence)) == sentence


@pytest.mark.parametrize(
    "sentence",
    [
        # Comparatives the lexicon writes joined, and words merely ending in تر.
        "دختر بهتر از کبوتر پرید و بیشتر و کمتر از همه بدتر شد.",
        # Weekdays the lexicon writes joined.
        "چهارشنبه و پنجشنبه تعطیل است.",
        # Prefix-like starts that belong to the word.
        "بیمار بیکار در همکاری بیان کرد که همزمان به ایران آمد.",
        # Names the lexicon writes joined, and words merely ending in فر or پور.
        "جعفر علیپور و حسینزاده با مسافر به سفر رفتند.",
        # Words the lexicon knows joined: a compound head and a conjunction.
        "اینکه جهانپور آمد زیرا برنامهریزی شده بود.",
        # A surname the lexicon has seen only rarely, and only as a compound (قالی‌باف).
        "آقای قالیباف در جلسه شورا سخن گفت.",
        # Words ending in ها or holding ال that are no plural and no Arabic phrase.
        "تنها رونالدینیو بها داد و او را رها کرد.",
    ],
)
def test_words_the_lexicon_knows_joined_stay_joined(sentence: str) -> None:
    assert restore_zwnj(sentence) == sentence


def test_acronym_needs_letter_names_throughout() -> None:
    # «بیان» (statement) reads as بی + ان but is a word; «افبیآیز» has a leftover letter.
    assert restore_zwnj("بیان") == "بیان"
    assert restore_zwnj("افبیآیز") == "افبیآیز"
