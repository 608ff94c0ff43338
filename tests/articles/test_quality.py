"""Quality checks on sentences of the kind the desk translates (written for these tests)."""

import pytest

from articles.quality import Context, run_checks


def failing(source: str, target: str, *, check: str | None = None, **context) -> list:
    findings = run_checks(source, target, Context(**context))
    return [f for f in findings if check is None or f.check == check]


# numbers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("نرخ تورم به ۲۲ درصد رسید.", "The inflation rate reached 22 percent."),
        ("نرخ تورم به ۲۲ درصد رسید.", "The inflation rate reached 22%."),
        ("نرخ تورم به ۲۲ درصد رسید.", "The inflation rate reached 22 per cent."),
        ("قیمت هر بشکه ۸۵٫۵ دلار بود.", "A barrel cost $85.5."),
        ("قیمت هر بشکه ۸۵/۵ دلار بود.", "A barrel cost 85.5 dollars."),
        ("صادرات ۱٬۲۵۰ تن افزایش یافت.", "Exports rose by 1,250 tonnes."),
        ("صادرات ١٢٥٠ تن افزایش یافت.", "Exports rose by 1250 tonnes."),  # Arabic-Indic digits
        ("۳ میلیون نفر در انتخابات شرکت کردند.", "Three million people voted."),
        ("۳ میلیون نفر در انتخابات شرکت کردند.", "3,000,000 people voted."),
        ("۲ وزیر استعفا دادند.", "Two ministers resigned."),
        ("این نشست روز جمعه ۱۰ فروردین ۱۴۰۳ برگزار شد.", "The meeting was held on March 29, 2024."),
        ("این نشست در ۱۴۰۳/۰۱/۱۰ برگزار شد.", "The meeting was held on 2024-03-29."),
        ("او در سال ۱۳۵۷ به ایران بازگشت.", "He returned to Iran in 1979."),
        ("پایگاه هوایی همدان", "Hamedan air base"),
    ],
)
def test_numbers_that_the_translation_keeps_pass(source, target):
    assert failing(source, target, check="numbers") == []


def test_a_number_missing_from_the_translation_is_named():
    findings = failing(
        "نیروهای روسی ۱۲ روز در پایگاه همدان ماندند.",
        "Russian forces stayed at the Hamedan base for days.",
        check="numbers",
    )
    assert [f.message for f in findings] == ["The number ۱۲ (12) is missing from the translation."]


def test_a_wrong_number_fails_even_when_another_is_right():
    findings = failing(
        "در این حمله ۱۵ نفر کشته و ۳۰ نفر زخمی شدند.",
        "In the attack 15 people were killed and 13 wounded.",
        check="numbers",
    )
    assert [f.message for f in findings] == ["The number ۳۰ (30) is missing from the translation."]


def test_a_percentage_translated_as_a_plain_number_is_flagged():
    findings = failing("سهم ایران ۴۰ درصد است.", "Iran's share is 40.", check="numbers")
    assert findings and "percentage" in findings[0].message


# persian_script, untranslated -------------------------------------------------------------


def test_persian_words_left_in_the_english_are_marked_where_they_are():
    target = "Rouhani said the coalition with روسیه does not exist."
    [finding] = failing("روحانی گفت ائتلافی با روسیه وجود ندارد.", target, check="persian_script")
    assert target[finding.start : finding.end] == "روسیه"


def test_a_persian_phrase_with_a_zwnj_is_one_finding():
    target = "He said می‌خواهد هم‌زمان twice."
    findings = failing("او گفت", target, check="persian_script")
    assert [target[f.start : f.end] for f in findings] == ["می‌خواهد هم‌زمان"]


def test_an_empty_translation_or_the_source_itself_is_untranslated():
    source = "ایران و روسیه ائتلافی ندارند."
    assert [f.message for f in failing(source, "", check="untranslated")] == [
        "The translation is empty."
    ]
    copied = failing(source, source)
    assert [f.check for f in copied] == ["untranslated"]  # not also "Persian script" word by word


# length --------------------------------------------------------------------------------------


def test_a_translation_far_shorter_than_usual_is_flagged():
    source = "رئیس جمهوری روز جمعه در نشست خبری گفت که هیچ ائتلافی بین دو کشور شکل نگرفته است."
    [finding] = failing(source, "He said nothing.", check="length")
    assert "is a part missing" in finding.message


def test_a_translation_far_longer_than_usual_is_flagged():
    source = "رئیس جمهوری گفت که ائتلافی وجود ندارد."
    target = "The president said that no coalition exists. " * 4
    [finding] = failing(source, target, check="length")
    assert "is something repeated" in finding.message


def test_the_desks_own_length_range_is_used_when_given():
    source = "رئیس جمهوری گفت که ائتلافی وجود ندارد."
    target = "The president said that there is no coalition at all."
    assert failing(source, target, check="length") == []
    assert failing(source, target, check="length", length_range=(0.5, 1.2)) != []


# punctuation ---------------------------------------------------------------------------------


def test_a_question_that_is_no_longer_a_question():
    findings = failing("آیا ایران با روسیه ائتلاف دارد؟", "Iran has a coalition with Russia.")
    assert [f.message for f in findings if f.check == "punctuation"] == [
        "The Persian is a question; the translation is not."
    ]
    assert (
        failing("آیا ایران با روسیه ائتلاف دارد؟", "Does Iran have a coalition with Russia?") == []
    )


def test_unbalanced_brackets_and_quotes_are_marked():
    target = 'The group (ISIS said "no to talks.'
    findings = failing("گروه (داعش) گفت «نه به مذاکره».", target, check="punctuation")
    assert sorted((target[f.start : f.end], f.message) for f in findings) == [
        ('"', 'An odd number of " marks: one quote is not closed.'),
        ("(", "( has no matching )."),
    ]


def test_persian_quotation_marks_in_the_english():
    target = "He called it «a mistake»."
    findings = failing("او آن را «اشتباه» خواند.", target, check="punctuation")
    assert [target[f.start : f.end] for f in findings] == ["«"]


# repeated_words ------------------------------------------------------------------------------


def test_a_word_twice_in_a_row():
    target = "Russia used the the Hamedan air base."
    [finding] = failing("روسیه از پایگاه هوایی همدان استفاده کرد.", target, check="repeated_words")
    assert target[finding.start : finding.end] == "the the"


def test_a_phrase_repeated_back_to_back():
    target = "The minister of the interior of the interior said."
    [finding] = failing("وزیر کشور گفت.", target, check="repeated_words")
    assert target[finding.start : finding.end] == "of the interior of the interior"


def test_words_english_may_repeat_are_left_alone():
    assert failing("او گفت که آن کار را کرده بود.", "He said that that he had had it.") == []


def test_a_good_translation_passes_every_check():
    source = "حسن روحانی، رئیس جمهوری ایران، روز جمعه گفت ائتلافی بین ایران و روسیه وجود ندارد."
    target = (
        "Hassan Rouhani, the president of Iran, said on Friday that there is no coalition "
        "between Iran and Russia."
    )
    assert failing(source, target) == []
