import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.text.normalize import fold, fold_words, normalize_chars

ZWNJ = "\u200c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("علي", "علی"),  # Arabic yeh
        ("موسى", "موسی"),  # alef maksura
        ("كتاب", "کتاب"),  # Arabic kaf
        ("بزرگــــراه", "بزرگراه"),  # tatweel
        ("دولة", "دولة"),  # teh marbuta is a real letter in Persian loanwords
    ],
)
def test_arabic_letters_become_persian(raw: str, expected: str) -> None:
    assert normalize_chars(raw) == expected


def test_nfc_composes_hamza_before_mapping_yeh() -> None:
    # ي + hamza above is ئ (one code point), not ی followed by a hamza.
    assert normalize_chars("مسا\u064a\u0654ل") == "مسائل"


def test_presentation_forms_become_letters() -> None:
    assert normalize_chars("\ufeeb\ufee0\ufe8e\ufedf") == "هلال"


def test_digits_are_kept_as_written() -> None:
    text = "۱۴۰۳ و ١٤٠٣ و 1403 و ۳٫۵"
    assert normalize_chars(text) == text


def test_zwnj_inside_a_word_is_kept() -> None:
    assert normalize_chars(f"می{ZWNJ}خواهد") == f"می{ZWNJ}خواهد"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"رسانه{ZWNJ}{ZWNJ}ها", f"رسانه{ZWNJ}ها"),
        (f"کتاب{ZWNJ} خوب", "کتاب خوب"),
        (f"کتاب {ZWNJ}خوب", "کتاب خوب"),
        (f"{ZWNJ}کتاب خوب{ZWNJ}", "کتاب خوب"),
    ],
)
def test_stray_zwnj_is_collapsed(raw: str, expected: str) -> None:
    assert normalize_chars(raw) == expected


def test_whitespace_inside_lines_is_one_space_and_lines_are_kept() -> None:
    raw = "  سلام\t\u00a0 دنیا  \r\nخط\u2003دوم \n\n"
    assert normalize_chars(raw) == "سلام دنیا\nخط دوم\n\n"


def test_invisible_characters_are_removed() -> None:
    raw = "\ufeffتهران\u200b\u200f امروز\u200e"
    assert normalize_chars(raw) == "تهران امروز"


def test_normalize_is_idempotent() -> None:
    raw = "  كتابهاي  \u200cقديمي\u0640 ۱۲ \n"
    once = normalize_chars(raw)
    assert normalize_chars(once) == once


@pytest.mark.parametrize(
    "variant",
    [f"می{ZWNJ}خواهد", "میخواهد", "می خواهد", "مي\u200cخواهد", " می  خواهد "],
)
def test_fold_ignores_zwnj_and_space_variants(variant: str) -> None:
    assert fold(variant) == fold("میخواهد")


def test_fold_unifies_letters_digits_and_case() -> None:
    assert fold("كيلومتر ۲۴") == fold("کیلومتر 24") == fold("کیلومتر ٢٤")
    assert fold("ISIS") == fold("isis")
    assert fold("آمریکا") == fold("امریکا")
    assert fold("مَدرِسه") == fold("مدرسه")
    assert fold("خانۀ ما") == fold("خانه\u0654 ما") == fold("خانه ما")


def test_fold_keeps_different_words_apart() -> None:
    assert fold("ایران") != fold("روسیه")


@pytest.mark.parametrize(
    "variant", [f"می{ZWNJ}خواهد", "میخواهد", "مي\u200cخواهد", "مي\u200dخواهد", "میخــواهد"]
)
def test_fold_words_joins_zwnj_variants(variant: str) -> None:
    assert fold_words(variant) == "میخواهد"


def test_fold_words_keeps_words_apart_with_one_space() -> None:
    assert fold_words("  روحاني\tگفت:\n«داعش»، ISIS!  ") == "روحانی گفت داعش isis"


def test_fold_words_folds_like_fold() -> None:
    assert fold_words("كيلومتر ۲۴") == fold_words("کیلومتر 24") == "کیلومتر 24"
    assert fold_words("آمریکا و خانۀ ما") == "امریکا و خانه ما"
    assert fold_words("مَدرِسه") == "مدرسه"


def test_fold_words_without_spaces_is_fold_of_letters_and_digits() -> None:
    text = "گفت\u200cوگوی هسته\u200cای ايران و امريكا در ۱۴۰۳"
    assert fold_words(text).replace(" ", "") == fold(text)


def test_fold_words_of_punctuation_only_is_empty() -> None:
    assert fold_words(" «» ، ؟ ... ") == ""


# The canon as a plain sequence of rewrites, each applied whether or not the text needs it:
# `normalize_chars` looks before it rewrites, and must give exactly this.
def _canon_rewrite_by_rewrite(text: str) -> str:
    import re
    import unicodedata

    text = re.sub(
        "[\u200b\u2060\ufeff\u00ad\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]+", "", text
    )
    text = re.sub(
        "[\ufb50-\ufdff\ufe70-\ufefe]", lambda m: unicodedata.normalize("NFKC", m.group()), text
    )
    text = unicodedata.normalize("NFC", text)
    text = text.translate({0x064A: "\u06cc", 0x0649: "\u06cc", 0x0643: "\u06a9", 0x0640: None})
    text = re.sub("\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text)
    text = re.sub("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+", " ", text)
    text = re.sub(" ?\u200c+ ?", lambda m: " " if " " in m.group() else ZWNJ, text)
    text = re.sub("^\u200c+|\u200c+$", "", text, flags=re.MULTILINE)
    return "\n".join(line.strip(" ") for line in text.split("\n"))


_PIECES = [
    *"ابی ی\u064a\u0643\u0640\u200c\u200b\u200f\u2067\ufeff\u00a0\t\r\n\u2028\x0b",
    *["\u064a\u0654", "\ufeeb", "\ufe8e", "۱۲", "  ", "\u200c\u200c", " \u200c ", "\r\n"],
]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_normalize_gives_the_canon_of_every_rewrite_applied(text: str) -> None:
    assert normalize_chars(text) == _canon_rewrite_by_rewrite(text)


@given(st.text(alphabet=st.sampled_from(list("ابی ی\u064a\u200c\u0629۱")), max_size=30))
def test_fold_and_fold_words_answer_alike_when_asked_again(text: str) -> None:
    # Folding is remembered for short texts: the second answer is the first.
    assert (fold(text), fold_words(text)) == (fold(text), fold_words(text))
