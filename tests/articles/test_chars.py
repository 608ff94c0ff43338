"""The character rules the canon, the matchers, the exports and the MT engine share."""

from articles.text.chars import ASCII_DIGITS, ASCII_NUMBERS, ZWNJ, is_word_char, tokens


def test_a_zwnj_keeps_a_persian_word_whole():
    word = f"می{ZWNJ}خواهد"
    assert all(is_word_char(char) for char in word)
    text = f"{word}، رسانه{ZWNJ}ها"
    assert [text[start:end] for start, end in tokens(text)] == [
        word,
        "،",
        f"رسانه{ZWNJ}ها",
    ]


def test_persian_and_arabic_indic_digits_fold_to_ascii():
    assert "۱۴۰۳ و ١٢".translate(ASCII_DIGITS) == "1403 و 12"
    assert "۱٬۲۰۰٫۵".translate(ASCII_DIGITS) == "1٬200٫5"
    assert "۱٬۲۰۰٫۵".translate(ASCII_NUMBERS) == "1,200.5"
