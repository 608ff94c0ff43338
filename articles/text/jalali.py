"""Jalali (Solar Hijri) dates in Persian text, turned into aware datetimes in Tehran time."""

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from persiantools.jdatetime import JalaliDate

from articles.text.normalize import normalize_chars

TEHRAN = ZoneInfo("Asia/Tehran")

_DIGIT = "[0-9\u06f0-\u06f9\u0660-\u0669]"
_TO_ASCII = str.maketrans(
    {**{chr(0x06F0 + i): str(i) for i in range(10)}, **{chr(0x0660 + i): str(i) for i in range(10)}}
)
# Between the parts of a compound word Persian writes a space, a ZWNJ or nothing.
_JOIN = "[ \u200c]?"
_GAP = "[ \u200c]*"

_MONTHS = {
    "فروردین": 1,
    "اردیبهشت": 2,
    "خرداد": 3,
    "تیر": 4,
    "مرداد": 5,
    "امرداد": 5,
    "شهریور": 6,
    "مهر": 7,
    "آبان": 8,
    "آذر": 9,
    "دی": 10,
    "بهمن": 11,
    "اسفند": 12,
}
_UNITS = ["یکم", "دوم", "سوم", "چهارم", "پنجم", "ششم", "هفتم", "هشتم", "نهم"]
_TEENS = [
    "دهم",
    "یازدهم",
    "دوازدهم",
    "سیزدهم",
    "چهاردهم",
    "پانزدهم",
    "شانزدهم",
    "هفدهم",
    "هجدهم",
    "نوزدهم",
]
_ORDINALS: dict[str, int] = {
    "اول": 1,
    "پونزدهم": 15,
    "هیجدهم": 18,
    "بیستم": 20,
    "سی\u200cام": 30,
    **{word: i for i, word in enumerate(_UNITS, 1)},
    **{word: i for i, word in enumerate(_TEENS, 10)},
    **{f"بیست و {word}": 20 + i for i, word in enumerate(_UNITS, 1)},
    "سی و یکم": 31,
}
_WEEKDAYS = ["شنبه", "یک شنبه", "دو شنبه", "سه شنبه", "چهار شنبه", "پنج شنبه", "جمعه", "آدینه"]


def _compact(word: str) -> str:
    return word.replace(" ", "").replace("\u200c", "")


def _spaced(word: str) -> str:
    """A regex for a word whose parts may be joined by a space, a ZWNJ or nothing."""
    return _JOIN.join(re.escape(part) for part in re.split("[ \u200c]", word))


def _alternation(words: object) -> str:
    return "|".join(_spaced(w) for w in sorted(words, key=len, reverse=True))


_ORDINAL_VALUES = {_compact(word): day for word, day in _ORDINALS.items()}
_MONTH_VALUES = {_compact(word): month for word, month in _MONTHS.items()}

_BEFORE = r"(?<![\w\u200c])"
_AFTER = r"(?![\w\u200c])"
_CLOCK = rf"""
    (?P<h>{_DIGIT}{{1,2}}):(?P<m>{_DIGIT}{{2}})(?::(?P<s>{_DIGIT}{{2}}))?{_AFTER}
    (?:\s*(?P<mer>[قب]\.?\s?ظ\.?|صبح|عصر|بعد\s?از\s?ظهر|قبل\s?از\s?ظهر))?
"""
# Some sites print the time first: «۰۳:۰۶ - ۱۰ فروردین ۱۴۰۳».
_CLOCK_FIRST = rf"(?:(?P<bh>{_DIGIT}{{1,2}}):(?P<bm>{_DIGIT}{{2}})[\s,،|\-–—]*)?"
_SEP = r"[\s,،|\-–—/]*"
_PLACE = r"[^\s0-9\u06f0-\u06f9\u0660-\u0669:]+"

_TEXT_DATE = re.compile(
    rf"""
    {_BEFORE}{_CLOCK_FIRST}
    (?:(?:روز\s+)?(?:{_alternation(_WEEKDAYS)}){_SEP})?
    (?:(?P<dnum>{_DIGIT}{{1,2}})|(?P<dword>{_alternation(_ORDINALS)}))
    \s*(?P<month>{_alternation(_MONTHS)})(?:{_GAP}ماه)?{_AFTER}
    (?:[\s,،]*(?:سال\s+)?(?P<year>{_DIGIT}{{4}}){_AFTER}(?:\s*(?:ه\.?\s?ش\.?|هجری\s+شمسی|خورشیدی))?)?
    (?:{_SEP}(?:{_PLACE}{_SEP}){{0,2}}(?:ساعت\s*)?{_CLOCK})?
    """,
    re.VERBOSE,
)
_NUMERIC_DATE = re.compile(
    rf"""
    (?<![0-9\u06f0-\u06f9\u0660-\u0669/.\-]){_CLOCK_FIRST}
    (?:
        (?P<year>{_DIGIT}{{4}})(?P<sep>[/\-.])
        (?P<month>{_DIGIT}{{1,2}})(?P=sep)(?P<day>{_DIGIT}{{1,2}})
      | (?P<rday>{_DIGIT}{{1,2}})(?P<rsep>[/\-.])
        (?P<rmonth>{_DIGIT}{{1,2}})(?P=rsep)(?P<ryear>{_DIGIT}{{4}})
    )
    (?![0-9\u06f0-\u06f9\u0660-\u0669/])
    (?:(?:[\s,،|\-–—]*|T)(?:ساعت\s*)?{_CLOCK})?
    """,
    re.VERBOSE,
)
_UPDATE = r"به[ \u200c]?روز[ \u200c]?رسانی"
_LABEL = re.compile(
    rf"^(?:آخرین\s+)?(?:تاریخ|انتشار|{_UPDATE})(?:\s+(?:انتشار|خبر|{_UPDATE}))?\s*:?"
)
_STAMP_LEFTOVER = re.compile(r"[\s,،|\-–—:/()]+")
_SENTENCE_END = re.compile(r"[.!?؟…]$")
_JALALI_YEARS = range(1200, 1500)


def _int(digits: str) -> int:
    return int(digits.translate(_TO_ASCII))


def _clock(match: re.Match[str]) -> time | None:
    if match.group("h"):
        hour, minute = _int(match.group("h")), _int(match.group("m"))
        second = _int(match.group("s")) if match.group("s") else 0
    elif match.group("bh"):
        hour, minute, second = _int(match.group("bh")), _int(match.group("bm")), 0
    else:
        return time(0, 0)
    meridiem = match.group("mer") or ""
    if meridiem.startswith(("ق", "صبح")):
        hour = 0 if hour == 12 else hour
    elif meridiem and hour < 12:
        hour += 12  # ب.ظ, عصر, بعد از ظهر: afternoon
    if hour > 23 or minute > 59 or second > 59:
        return None
    return time(hour, minute, second)


def _build(year: int, month: int, day: int, clock: time | None) -> datetime | None:
    if clock is None or year not in _JALALI_YEARS or not JalaliDate.check_date(year, month, day):
        return None
    return datetime.combine(JalaliDate(year, month, day).to_gregorian(), clock, tzinfo=TEHRAN)


def _from_text(match: re.Match[str], default_year: int | None) -> datetime | None:
    year = _int(match.group("year")) if match.group("year") else default_year
    if year is None:
        return None
    if match.group("dnum"):
        day = _int(match.group("dnum"))
    else:
        day = _ORDINAL_VALUES[_compact(match.group("dword"))]
    return _build(year, _MONTH_VALUES[_compact(match.group("month"))], day, _clock(match))


def _from_numeric(match: re.Match[str], default_year: int | None = None) -> datetime | None:
    fields = ("year", "month", "day") if match.group("year") else ("ryear", "rmonth", "rday")
    year, month, day = (_int(match.group(name)) for name in fields)
    return _build(year, month, day, _clock(match))


def _first_date(text: str, default_year: int | None) -> tuple[datetime, re.Match[str]] | None:
    """The earliest valid date of either spelling, with the match that holds it."""
    best: tuple[datetime, re.Match[str]] | None = None
    for pattern, convert in ((_TEXT_DATE, _from_text), (_NUMERIC_DATE, _from_numeric)):
        for match in pattern.finditer(text):
            if best is not None and match.start() >= best[1].start():
                break
            value = convert(match, default_year)
            if value is not None:
                best = (value, match)
                break
    return best


def _stamp(line: str) -> tuple[datetime | None, bool]:
    """Read a line as a date stamp: (its date, if it has a year; whether it is only a stamp)."""
    if not line or len(line) > 80 or _SENTENCE_END.search(line):
        return None, False
    found = _first_date(line, default_year=1400)
    if found is None:
        return None, False
    value, match = found
    has_year = bool(match.group("year") or match.groupdict().get("ryear"))
    if not has_year and not (match.group("h") or match.group("bh")):
        return None, False  # «۲۲ بهمن» alone is more likely a heading than a stamp
    leftover = _LABEL.sub("", line[: match.start()].strip()) + " " + line[match.end() :]
    is_stamp = len(_STAMP_LEFTOVER.sub(" ", leftover).split()) <= 3
    return (value if has_year else None), is_stamp


def find_jalali_datetime(text: str, *, default_year: int | None = None) -> datetime | None:
    """Return the first Jalali date (with its time, if written) in the text, in Tehran time.

    A date written without a year is ambiguous, so it is ignored unless `default_year` is given.
    """
    found = _first_date(normalize_chars(text), default_year)
    return found[0] if found else None


def is_date_line(line: str) -> bool:
    """Tell whether a line is only a date stamp (date, time, a place or a label), not prose."""
    return _stamp(normalize_chars(line).strip())[1]


def parse_datetime(value: str) -> datetime | None:
    """Parse an imported date field: ISO 8601 (naive means Tehran time) or a Jalali date.

    Empty means unknown (None); anything else that is not a date is an error for the importer.
    """
    text = normalize_chars(value).strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.translate(_TO_ASCII))
    except ValueError:
        parsed = None
    if parsed is not None and parsed.year in _JALALI_YEARS:
        # A Jalali date in ISO form (1403-01-10T03:06): Gregorian years here are never < 1500.
        jalali = _build(parsed.year, parsed.month, parsed.day, parsed.time())
        if jalali is None:
            raise ValueError(f"{value!r} is not a valid Jalali date.")
        return jalali.replace(tzinfo=parsed.tzinfo or TEHRAN)
    if parsed is not None:
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=TEHRAN)
    found, is_stamp = _stamp(text)
    if found is None or not is_stamp:
        raise ValueError(
            f"Cannot read the date {value!r}: write it as ISO 8601 (2024-03-29T03:06:00+03:30) "
            "or as a Jalali date with a year (۱۰ فروردین ۱۴۰۳ or ۱۴۰۳/۰۱/۱۰ ۰۳:۰۶)."
        )
    return found


def jalali_dates(text: str, *, default_year: int = 1403) -> list[tuple[int, int, datetime]]:
    """Every Jalali date written in `text` (already canonical): its span and the Gregorian
    datetime it names. A date without a year is read in `default_year`, so its day and month
    still convert (the day of the Gregorian month moves by one at most between years)."""
    found = []
    for pattern, convert in ((_TEXT_DATE, _from_text), (_NUMERIC_DATE, _from_numeric)):
        for match in pattern.finditer(text):
            value = convert(match, default_year)
            if value is not None:
                found.append((match.start(), match.end(), value))
    return sorted(found, key=lambda item: item[0])
