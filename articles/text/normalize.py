"""Character-level canon for Persian text, and the folded key used for matching."""

import re
import unicodedata
from functools import lru_cache

from articles.text.chars import ASCII_NUMBERS, ZWNJ

# Arabic code points that scrapers and Arabic keyboards leave in Persian text.
_PERSIAN_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh → Persian yeh
        "\u0649": "\u06cc",  # alef maksura → Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf → keheh
        "\u0640": None,  # tatweel (kashida) is decoration, never part of a word
    }
)

# Invisible characters that carry no meaning in stored text: zero-width space, word joiner,
# BOM, soft hyphen, and the bidi marks/embeddings/isolates that copy-paste drags along.
_INVISIBLE_CHARS = "\u200b\u2060\ufeff\u00ad\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e" + (
    "\u2066\u2067\u2068\u2069"
)
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]+")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_ODD_BREAKS = re.compile("[\r\u2028\u2029\x0b\x0c\x85]")
# Runs of spaces become one space; a lone plain space is left alone (most of them: cheaper).
_SPACES = re.compile(
    "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}"
    "|[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
)
_ODD_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# A ZWNJ only joins two letters: beside a space, at a line edge or doubled it is noise.
_SPACED_ZWNJ = re.compile(" \u200c+ ?|\u200c+ ")
_EDGE_ZWNJ = re.compile("^\u200c+|\u200c+$", re.MULTILINE)

_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_FOLD_TABLE = ASCII_NUMBERS | str.maketrans(
    {
        "\u0629": "\u0647",  # teh marbuta → heh
        "\u06c0": "\u0647",  # heh with yeh above (ۀ) → heh
        "\u0623": "\u0627",  # alef with hamza above → alef
        "\u0625": "\u0627",  # alef with hamza below → alef
        "\u0622": "\u0627",  # alef with madda (آمریکا / امریکا) → alef
        "\u0671": "\u0627",  # alef wasla → alef
    }
)
_FOLD_DROP = re.compile(r"[\s\u200c\u200d]+")
# str.translate looks up every character: cheaper to first ask whether any would change.
_ARABIC_LETTERS = re.compile("[" + re.escape("".join(map(chr, _PERSIAN_LETTERS))) + "]")
_FOLDED_CHARS = re.compile("[" + re.escape("".join(map(chr, _FOLD_TABLE))) + "]")
# The character folds that keep length (one character for one): for matching in place, where a
# match's offsets must be the stored text's offsets (the entity gazetteer).
SAME_LENGTH_FOLDS = {
    **{key: value for key, value in _PERSIAN_LETTERS.items() if value is not None},
    **_FOLD_TABLE,
}


def normalize_chars(text: str) -> str:
    """Return the canonical form stored for source text, so equal words are equal strings.

    Persian letters for Arabic ones, NFC, one space between words; ZWNJ and all digits are kept.
    Each rewrite runs only where a plain look (`in`, one character class) finds its work: most
    text needs none of them, and most text comes through here more than once.
    """
    if any(char in text for char in _INVISIBLE_CHARS):
        text = _INVISIBLE.sub("", text)
    if _PRESENTATION_FORMS.search(text):
        text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    # NFC first: ي + hamza above composes to ئ, which must not become ی + hamza.
    text = unicodedata.normalize("NFC", text)
    if _ARABIC_LETTERS.search(text):
        text = text.translate(_PERSIAN_LETTERS)
    if _ODD_BREAKS.search(text):
        text = _LINE_BREAKS.sub("\n", text)
    if "  " in text or _ODD_SPACES.search(text):
        text = _SPACES.sub(" ", text)
    if ZWNJ in text:
        # A ZWNJ beside a space goes (the space stays), a doubled one is one, one at a line's
        # edge goes.
        if f" {ZWNJ}" in text or f"{ZWNJ} " in text:
            text = _SPACED_ZWNJ.sub(" ", text)
        while ZWNJ + ZWNJ in text:
            text = text.replace(ZWNJ + ZWNJ, ZWNJ)
        if text[:1] == ZWNJ or text[-1:] == ZWNJ or f"\n{ZWNJ}" in text or f"{ZWNJ}\n" in text:
            text = _EDGE_ZWNJ.sub("", text)
    if "\n" not in text:
        return text.strip(" ")
    return "\n".join(line.strip(" ") for line in text.split("\n"))


def _fold_chars(text: str) -> str:
    return text.translate(_FOLD_TABLE) if _FOLDED_CHARS.search(text) else text


def _folding(text: str) -> str:
    """What `fold` and `fold_words` share: canonical characters in compatibility form, without
    diacritics, letter variants and digits folded."""
    text = unicodedata.normalize("NFKC", normalize_chars(text))
    return _fold_chars(_DIACRITICS.sub("", text))


# An import folds each segment twice (its matching key, its search words), an edit the texts
# around it again: the folding of texts up to this long is remembered for a while.
_REMEMBERED_LENGTH = 4000
_remembered_folding = lru_cache(maxsize=512)(_folding)


def _shared_folding(text: str) -> str:
    return _remembered_folding(text) if len(text) <= _REMEMBERED_LENGTH else _folding(text)


def fold(text: str) -> str:
    """Return a matching key that ignores spelling variants (ZWNJ/space, ي/ی, ك/ک, digits, case).

    For gazetteer, translation-memory and duplicate lookups only; never store it as text.
    """
    return _FOLD_DROP.sub("", _shared_folding(text)).casefold()


# Anything that is not a letter or digit separates words in the search text (ZWNJ is gone by then).
_NON_WORD = re.compile(r"[\W_]+")


def fold_words(text: str) -> str:
    """Return the folded words of `text`, one space apart, for word-by-word search.

    The same folding as `fold`, but words stay apart: ZWNJ joins (می‌خواهد → میخواهد), spaces
    and punctuation separate. Use it on both the stored search text and the query.
    """
    text = _shared_folding(text).replace(ZWNJ, "").replace("\u200d", "").casefold()
    return _NON_WORD.sub(" ", text).strip()
