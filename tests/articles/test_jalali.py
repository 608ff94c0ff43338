from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from persiantools.jdatetime import JalaliDate

from articles.text.jalali import find_jalali_datetime, is_date_line, parse_datetime

TEHRAN = ZoneInfo("Asia/Tehran")


def tehran(*args: int) -> datetime:
    return datetime(*args, tzinfo=TEHRAN)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("جمعه ۱۰ فروردین ۱۴۰۳ تهران ۰۳:۰۶", tehran(2024, 3, 29, 3, 6)),
        ("۱۰ فروردین ۱۴۰۳", tehran(2024, 3, 29)),
        ("۱۴۰۳/۰۱/۱۰ ۰۳:۰۶", tehran(2024, 3, 29, 3, 6)),
        ("سوم مهر ۱۳۹۴", tehran(2015, 9, 25)),
        ("10 فروردین 1403", tehran(2024, 3, 29)),
        ("١٠ فروردين ١٤٠٣", tehran(2024, 3, 29)),
        ("۱۰ فروردین‌ماه ۱۴۰۳", tehran(2024, 3, 29)),
        ("۱۴۰۳-۰۱-۱۰", tehran(2024, 3, 29)),
        ("۱۰/۰۱/۱۴۰۳", tehran(2024, 3, 29)),
        ("۱۲:۳۰ - ۱۴۰۳/۰۱/۱۰", tehran(2024, 3, 29, 12, 30)),
        ("بیست و یکم دی ۱۴۰۱ ساعت ۵:۳۰ ب.ظ", tehran(2023, 1, 11, 17, 30)),
    ],
)
def test_find_jalali_datetime(text: str, expected: datetime) -> None:
    assert find_jalali_datetime(text) == expected


def test_result_is_aware_tehran_time() -> None:
    value = find_jalali_datetime("جمعه ۱۰ فروردین ۱۴۰۳ تهران ۰۳:۰۶")
    assert value is not None
    assert value.tzinfo == TEHRAN
    assert value.utcoffset() == timedelta(hours=3, minutes=30)
    assert value.astimezone(UTC) == datetime(2024, 3, 28, 23, 36, tzinfo=UTC)


def test_date_found_inside_a_sentence() -> None:
    text = "نمایشگاه کتاب از دوازدهم اردیبهشت ۱۴۰۲ در مصلی برگزار می‌شود."
    assert find_jalali_datetime(text) == tehran(2023, 5, 2)


@pytest.mark.parametrize(
    ("day_word", "day"),
    [
        ("یکم", 1),
        ("اول", 1),
        ("دوم", 2),
        ("سوم", 3),
        ("نهم", 9),
        ("دهم", 10),
        ("پانزدهم", 15),
        ("هجدهم", 18),
        ("هیجدهم", 18),
        ("بیستم", 20),
        ("بیست و یکم", 21),
        ("بیست‌ویکم", 21),
        ("بیست و نهم", 29),
        ("سی‌ام", 30),
        ("سی ام", 30),
        ("سی و یکم", 31),
    ],
)
def test_ordinal_days(day_word: str, day: int) -> None:
    expected = tehran(2023, 8, 23) + timedelta(days=day - 1)  # 1 Shahrivar 1402 = 23 August
    assert find_jalali_datetime(f"{day_word} شهریور ۱۴۰۲") == expected


@pytest.mark.parametrize("weekday", ["پنج‌شنبه", "پنجشنبه", "پنج شنبه", "پنج‌شنبه،", "روز پنجشنبه"])
def test_weekday_variants(weekday: str) -> None:
    assert find_jalali_datetime(f"{weekday} ۹ فروردین ۱۴۰۳ ۱۸:۴۵") == tehran(2024, 3, 28, 18, 45)


def test_all_months() -> None:
    months = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور"]
    months += ["مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
    for number, month in enumerate(months, start=1):
        value = find_jalali_datetime(f"۵ {month} ۱۴۰۰")
        assert value is not None
        assert value.date() == JalaliDate(1400, number, 5).to_gregorian()


def test_date_without_year_needs_a_default_year() -> None:
    assert find_jalali_datetime("روز جمعه سوم مهر گفت") is None
    assert find_jalali_datetime("روز جمعه سوم مهر گفت", default_year=1394) == tehran(2015, 9, 25)


@pytest.mark.parametrize(
    "text",
    [
        "۳۱ مهر ۱۴۰۲",  # the autumn months have 30 days
        "۳۰ اسفند ۱۴۰۲",  # 1402 is not a leap year
        "۱۰ فروردین ۱۴۰۳ ساعت ۲۵:۰۰",
        "۱۰ دیدار ۱۴۰۳",  # دی only as a whole word
        "2024/03/29",  # Gregorian
        "هیچ تاریخی اینجا نیست",
    ],
)
def test_no_date(text: str) -> None:
    assert find_jalali_datetime(text) is None


@pytest.mark.parametrize(
    "line",
    [
        "جمعه ۱۰ فروردین ۱۴۰۳ تهران ۰۳:۰۶",
        "۱۰ فروردین ۱۴۰۳",
        "تاریخ انتشار: ۱۴۰۳/۰۱/۱۰ - ۰۳:۰۶",
        "آخرین به‌روزرسانی: پنجشنبه ۹ فروردین ۱۴۰۳",
        "جمعه ۱۰ فروردین ۰۳:۰۶",
    ],
)
def test_is_date_line(line: str) -> None:
    assert is_date_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "روحانی روز جمعه ۱۰ فروردین ۱۴۰۳ به نیویورک سفر کرد و با خبرنگاران گفت‌وگو کرد",
        "وزیر گفت قرارداد در ۱۰ فروردین ۱۴۰۳ امضا شد.",
        "۲۲ بهمن",  # a yearless date alone is more likely a heading
        "رابطه ایران و آمریکا",
        "",
    ],
)
def test_is_not_date_line(line: str) -> None:
    assert not is_date_line(line)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-29T03:06:00", tehran(2024, 3, 29, 3, 6)),
        ("2024-03-29", tehran(2024, 3, 29)),
        ("2024-03-28T23:36:00Z", datetime(2024, 3, 28, 23, 36, tzinfo=UTC)),
        (
            "2024-03-29T03:06:00+02:00",
            datetime(2024, 3, 29, 3, 6, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("1403-01-10T03:06:00", tehran(2024, 3, 29, 3, 6)),  # Jalali written as ISO
        ("1403-02-31", tehran(2024, 5, 20)),
        ("جمعه ۱۰ فروردین ۱۴۰۳ - ۰۳:۰۶", tehran(2024, 3, 29, 3, 6)),
        ("۱۴۰۳/۰۱/۱۰", tehran(2024, 3, 29)),
    ],
)
def test_parse_datetime(value: str, expected: datetime) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("value", ["", "   "])
def test_parse_datetime_empty_is_unknown(value: str) -> None:
    assert parse_datetime(value) is None


@pytest.mark.parametrize(
    "value",
    ["yesterday", "2024-13-45", "سوم مهر", "امروز ۱۰ فروردین ۱۴۰۳ وزیر به نیویورک رفت و گفت"],
)
def test_parse_datetime_rejects_non_dates_with_a_clear_message(value: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601") as error:
        parse_datetime(value)
    assert repr(value) in str(error.value)
