"""Characters of Persian text the pipeline, the matchers and the exports agree on.

The zero-width non-joiner, how Persian and Arabic-Indic digits fold to ASCII, what counts as a
character of a word, and the word tokens of a text. Python's `\\w` and `\\b` alone treat a ZWNJ as
a word break (می‌خواهد would be two words); the rules here never do.
"""

from __future__ import annotations

import re
from unicodedata import category

# U+200C, written inside Persian words between letters that must not join (می‌خواهد, رسانه‌ها).
ZWNJ = "\u200c"

# Persian ۰–۹ and Arabic-Indic ٠–٩ (copied text brings the latter) as ASCII digits, one for one.
ASCII_DIGITS = str.maketrans(
    {
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        **{chr(0x0660 + i): str(i) for i in range(10)},
    }
)
# The digits with the Arabic decimal (٫) and thousands (٬) separators: how numbers fold for
# matching and reach the MT model.
ASCII_NUMBERS = ASCII_DIGITS | str.maketrans({"\u066b": ".", "\u066c": ","})


def is_word_char(char: str) -> bool:
    """A letter, a digit, or a ZWNJ joining two parts of one word."""
    return char == ZWNJ or category(char)[0] in "LN"


def _continues_word(char: str) -> bool:
    # Beyond letters, digits and ZWNJ: the underscore `\w` counts, and combining marks (tanwin,
    # kasra, shadda, an accent), which belong to the letter before them.
    return is_word_char(char) or char == "_" or category(char)[0] == "M"


# A run of letters and digits joined by ZWNJ, or a single other non-space character. Combining
# marks are not \w and come out single: tokens() glues them to their word.
_TOKEN = re.compile(rf"[\w{ZWNJ}]+|[^\w\s]")


def tokens(text: str) -> list[tuple[int, int]]:
    """Token spans (code points): words with their diacritics and ZWNJ joins, and single
    punctuation marks. `اخیراً` is one word, not `اخیرا` and a stray tanwin."""
    spans: list[tuple[int, int]] = []
    glued = False  # whether the last span ends in word characters
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        in_word = _continues_word(text[start])
        if glued and in_word and spans[-1][1] == start:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
        glued = in_word
    return spans
