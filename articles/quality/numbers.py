"""Numbers in Persian and English text, read as values so that ۱٬۲۰۰ and 1,200 are one number.

Persian writes digits ۰–۹ (Arabic-Indic ٠–٩ come in with copied text), the thousands separator
٬ (U+066C) and the decimal separator ٫ (U+066B), and often «/» as a decimal point («۲/۵ درصد»).
Scale words multiply: «۲ میلیون» is 2,000,000, as is "2 million". Dates in the Jalali calendar
are converted by translators («۱۰ فروردین ۱۴۰۳» is "March 29, 2024"), so either spelling counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from articles.text.chars import ASCII_DIGITS
from articles.text.jalali import jalali_dates

_DIGITS = "0-9\u06f0-\u06f9\u0660-\u0669"
# A run of digits with separators between digit groups; the separators are read afterwards.
_NUMBER = re.compile(rf"(?<![{_DIGITS}])[{_DIGITS}]+(?:[.,/\u066b\u066c][{_DIGITS}]+)*")
_PERSIAN_SCALES = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "تریلیون": 10**12}
_ENGLISH_SCALES = {
    "thousand": 10**3,
    "million": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
}
_PERSIAN_SCALE = re.compile(r"\s*(" + "|".join(_PERSIAN_SCALES) + r")(?![\u0600-\u06ff])")
_ENGLISH_SCALE = re.compile(r"[\s-]*(" + "|".join(_ENGLISH_SCALES) + r")\b", re.IGNORECASE)
_PERSIAN_PERCENT = re.compile(r"\s*(?:درصد|٪|%)")
_ENGLISH_PERCENT = re.compile(r"\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b)", re.I)
_SMALL_WORDS = {
    word: index
    for index, word in enumerate(
        (
            *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
            *("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"),
            *("seventeen", "eighteen", "nineteen", "twenty"),
        )
    )
}
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_TENS |= {"ninety": 90, "hundred": 100, "dozen": 12}
_WORD_NUMBER = re.compile(r"\b(" + "|".join([*_SMALL_WORDS, *_TENS]) + r")\b", re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """A number as written (`text` at `start`) and the values a faithful translation may show."""

    text: str
    start: int
    value: Decimal
    values: frozenset[Decimal]
    percent: bool = False


def _value(digits: str) -> Decimal | None:
    """The value of one written number: ٬ and «,» before three digits group thousands, ٫ «.»
    and a lone «/» mark the decimals."""
    text = digits.translate(ASCII_DIGITS)
    text = re.sub(r"[,\u066c](?=\d{3}(?!\d))", "", text)
    text = text.replace("\u066b", ".").replace("/", ".")
    if text.count(".") > 1 or "," in text:
        return None
    try:
        return Decimal(text).normalize()
    except InvalidOperation:
        return None


def _scaled(value: Decimal, after: str, pattern: re.Pattern[str], scales: dict) -> Decimal | None:
    match = pattern.match(after)
    return (value * scales[match.group(1).lower()]).normalize() if match else None


def source_numbers(text: str) -> list[Number]:
    """The numbers of a Persian text with the values a translation may write for each."""
    dates = jalali_dates(text)
    found = []
    for match in _NUMBER.finditer(text):
        written = match.group()
        parts = [written] if written.count("/") < 2 else written.split("/")
        offset = match.start()
        for part in parts:
            value = _value(part)
            if value is None:
                continue
            values = {value}
            scaled = _scaled(value, text[match.end() :], _PERSIAN_SCALE, _PERSIAN_SCALES)
            if scaled is not None:
                values.add(scaled)
            for start, end, when in dates:
                if start <= offset < end:
                    values |= _gregorian(when, value)
            if value == value.to_integral_value() and 1300 <= value < 1500:
                values |= {value + 621, value + 622}  # a Jalali year, as the Gregorian one
            percent = bool(_PERSIAN_PERCENT.match(text, match.end())) or text[
                max(0, match.start() - 1) : match.start()
            ] in ("٪", "%")
            found.append(Number(part, offset, value, frozenset(values), percent))
            offset += len(part) + 1
    return found


def _gregorian(when, value: Decimal) -> set[Decimal]:
    """Within a Jalali date, the Gregorian year, month and day (±1 day) translate it too."""
    days = {when + timedelta(days=shift) for shift in (-1, 0, 1)}
    out: set[Decimal] = {Decimal(when.year), Decimal(when.month)}
    out |= {Decimal(day.day) for day in days}
    if value in (Decimal(when.year - 621), Decimal(when.year - 622)):
        out.add(Decimal(when.year))
    return out


def target_values(text: str) -> tuple[set[Decimal], set[Decimal]]:
    """The values written in an English text (digits, number words, scaled), and those of them
    written as percentages."""
    values: set[Decimal] = set()
    percents: set[Decimal] = set()
    for match in _NUMBER.finditer(text):
        value = _value(match.group())
        if value is None:
            # 1,2,3 or 1.2.3: take the parts one by one.
            parts = re.split(r"[.,/\u066b\u066c]", match.group())
            values |= {v for v in map(_value, parts) if v is not None}
            continue
        values.add(value)
        after = text[match.end() :]
        scaled = _scaled(value, after, _ENGLISH_SCALE, _ENGLISH_SCALES)
        if scaled is not None:
            values.add(scaled)
        if _ENGLISH_PERCENT.match(after):
            percents.add(value)
    for match in _WORD_NUMBER.finditer(text):
        word = match.group().lower()
        value = Decimal(_SMALL_WORDS.get(word, _TENS.get(word, 0)))
        values.add(value)
        scaled = _scaled(value, text[match.end() :], _ENGLISH_SCALE, _ENGLISH_SCALES)
        if scaled is not None:
            values.add(scaled)
        if _ENGLISH_PERCENT.match(text[match.end() :]):
            percents.add(value)
    return values, percents
