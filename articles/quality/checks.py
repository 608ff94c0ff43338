"""The built-in checks: each reads the Persian source and the English target of one segment.

They run on machine output, imports and every save, so each is a few regular expressions over
one sentence, never a model or a lookup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from articles.quality.base import Context, Finding, register
from articles.quality.numbers import source_numbers, target_values

# Persian and Arabic letters (not digits, which the numbers check reads, nor punctuation).
_ARABIC_LETTER = (
    "\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc"
)
# A run of Persian words: letters, with diacritics, ZWNJ and spaces between them.
_PERSIAN_LETTERS = re.compile(
    f"[{_ARABIC_LETTER}](?:[{_ARABIC_LETTER}\u064b-\u065f\u0670\u200c ]*[{_ARABIC_LETTER}])?"
)
_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
# Usual target/source length ratio (characters) of news translated from Persian into English,
# used until the desk has enough reviewed segments of its own to measure it.
DEFAULT_LENGTH_RANGE = (0.55, 2.8)
# Too short for a ratio to mean anything.
MIN_LENGTH_FOR_RATIO = 25
_PAIRS = (("(", ")"), ("[", "]"), ("“", "”"))
_QUESTION_END = re.compile(r"[؟?]\s*[»\")”]*\s*$")
# Words that are fine twice in a row in English ("that that", "had had").
_ALLOWED_REPEATS = frozenset({"that", "had", "is", "was"})


@register("untranslated")
def untranslated(source: str, target: str, context: Context) -> Iterator[Finding]:
    if source.strip() and not target.strip():
        yield Finding("untranslated", "The translation is empty.")
    elif target.strip() and target.strip() == source.strip():
        yield Finding("untranslated", "The translation is the Persian text itself.", 0, len(target))


@register("numbers")
def numbers(source: str, target: str, context: Context) -> Iterator[Finding]:
    if not target.strip():
        return
    present, percents = target_values(target)
    reported: set[str] = set()
    for number in source_numbers(source):
        if number.text in reported:
            continue
        if not number.values & present:
            reported.add(number.text)
            shown = f"{number.value:f}"
            yield Finding(
                "numbers", f"The number {number.text} ({shown}) is missing from the translation."
            )
        elif number.percent and not number.values & percents:
            reported.add(number.text)
            yield Finding(
                "numbers",
                f"{number.text} is a percentage in the Persian («درصد»), not in the translation.",
            )


@register("persian_script")
def persian_script(source: str, target: str, context: Context) -> Iterator[Finding]:
    for match in _PERSIAN_LETTERS.finditer(target):
        if target.strip() == source.strip():
            return  # the untranslated check says it once
        yield Finding(
            "persian_script",
            f"Persian letters left in the English: «{match.group()}».",
            match.start(),
            match.end(),
        )


@register("length")
def length(source: str, target: str, context: Context) -> Iterator[Finding]:
    source_length, target_length = len(source.strip()), len(target.strip())
    if source_length < MIN_LENGTH_FOR_RATIO or not target_length:
        return  # too short for a ratio; an empty translation is the untranslated check's
    low, high = context.length_range or DEFAULT_LENGTH_RANGE
    ratio = target_length / source_length
    if ratio < low:
        yield Finding(
            "length",
            f"The translation is {ratio:.1f}× the length of the Persian; "
            f"usually at least {low:.1f}×: is a part missing?",
        )
    elif ratio > high:
        yield Finding(
            "length",
            f"The translation is {ratio:.1f}× the length of the Persian; "
            f"usually at most {high:.1f}×: is something repeated or added?",
        )


def _unbalanced(text: str, opener: str, closer: str) -> Iterator[int]:
    """Offsets of the brackets in `text` that have no partner."""
    open_at: list[int] = []
    for index, char in enumerate(text):
        if char == opener:
            open_at.append(index)
        elif char == closer:
            if open_at:
                open_at.pop()
            else:
                yield index
    yield from open_at


@register("punctuation")
def punctuation(source: str, target: str, context: Context) -> Iterator[Finding]:
    if not target.strip():
        return
    for opener, closer in _PAIRS:
        for index in _unbalanced(target, opener, closer):
            partner = closer if target[index] == opener else opener
            yield Finding(
                "punctuation", f"{target[index]} has no matching {partner}.", index, index + 1
            )
    quotes = [index for index, char in enumerate(target) if char == '"']
    if len(quotes) % 2:
        yield Finding(
            "punctuation",
            'An odd number of " marks: one quote is not closed.',
            quotes[-1],
            quotes[-1] + 1,
        )
    if "«" in target or "»" in target:
        index = min(i for i in (target.find("«"), target.find("»")) if i >= 0)
        yield Finding(
            "punctuation",
            'Persian quotation marks «» in the English: use “” or "".',
            index,
            index + 1,
        )
    if _QUESTION_END.search(source) and "?" not in target:
        yield Finding("punctuation", "The Persian is a question; the translation is not.")


@register("repeated_words")
def repeated_words(source: str, target: str, context: Context) -> Iterator[Finding]:
    words = [(m.group().casefold(), m.start(), m.end()) for m in _WORD.finditer(target)]
    reported_until = -1
    for i in range(1, len(words)):
        word, start, end = words[i]
        previous = words[i - 1]
        gap = target[previous[2] : start]
        if word == previous[0] and gap.strip() == "" and word not in _ALLOWED_REPEATS:
            yield Finding(
                "repeated_words", f"“{target[start:end]}” twice in a row.", previous[1], end
            )
            reported_until = i
    # The same three words (or more) twice back to back: "of the city of the city".
    for size in (3, 4, 5):
        for i in range(len(words) - 2 * size + 1):
            if i + size <= reported_until:
                continue
            first = [w[0] for w in words[i : i + size]]
            second = [w[0] for w in words[i + size : i + 2 * size]]
            if first == second:
                start, end = words[i][1], words[i + 2 * size - 1][2]
                phrase = target[words[i][1] : words[i + size - 1][2]]
                yield Finding("repeated_words", f"“{phrase}” repeated back to back.", start, end)
                reported_until = i + 2 * size
