"""Restore the zero-width non-joiner (U+200C) that scrapers strip from Persian text.

Without it «می‌خواهد» reads «میخواهد» and «رسانه‌ها» reads «رسانهها». The restorer is driven by the
word lists shipped with the `shekar` package (read as files: importing shekar pulls in onnxruntime)
and favours precision: a word it is unsure about is left as it came.
"""

from __future__ import annotations

import functools

from articles.text.chars import ZWNJ
from articles.text.zwnj_lexicon import (
    CHAIN_BASES,
    CONJUNCTION,
    CONTINUOUS_PREFIXES,
    DEMONSTRATIVES,
    DERIVATION_SUFFIXES,
    JOINED_RATIO,
    LETTER_NAMES,
    MIN_COMPOUND_PART,
    MIN_PREFIX_REST_FREQ,
    MIN_STEM_FREQ,
    MIN_UNKNOWN_PLURAL_STEM,
    MIN_UNKNOWN_TAIL_FREQ,
    NON_JOINING,
    NUMERALS,
    PERFECT,
    PLURAL_LONGEST_FIRST,
    PREFIXES,
    PREVERBS,
    RARE_JOINED_FREQ,
    RARE_SHARE,
    SILENT_HEH_BLOCKERS,
    SUFFIXES,
    SURNAME_ENDINGS,
    WORD_RE,
    Lexicon,
    lexicon,
)


def _joined_usual(word: str, lex: Lexicon) -> bool:
    entry = lex.joined.get(word)
    return entry is not None and entry[1] >= JOINED_RATIO * lex.plain.get(word, 0)


def _lookup(word: str, lex: Lexicon) -> str | None:
    """The lexicon's ZWNJ spelling of the whole word, unless a plain spelling is the usual one."""
    if not _joined_usual(word, lex):
        return None
    spelling, freq = lex.joined[word]
    for suffix in DERIVATION_SUFFIXES:
        base = word[: -len(suffix)]
        if (
            word.endswith(suffix)
            and lex.plain.get(base, 0) >= MIN_STEM_FREQ
            and not _joined_usual(base, lex)
        ):
            return None
    # A rare «Xه‌ای» loses to the plural of a common X: زخم‌های rather than زخمه‌ای.
    if spelling.endswith("ه" + ZWNJ + "ای") and 0 < freq < RARE_SHARE * lex.plain.get(word[:-3], 0):
        return None
    return spelling


def _is_participle(stem: str, lex: Lexicon) -> bool:
    """Past stem + ه, maybe negated or with a preverb: کرده، نشده، بازنگشته."""
    if not stem.endswith("ه"):
        return False
    body = stem[:-1]
    for preverb in PREVERBS:
        if body.startswith(preverb):
            rest = body[len(preverb) :]
            if rest in lex.past_stems or (rest[:1] == "ن" and rest[1:] in lex.past_stems):
                return True
    return False


def _known(stem: str, lex: Lexicon, depth: int) -> tuple[str, int] | None:
    """Spelling and weight of `stem` if it is a word we trust as the base of a suffix."""
    if len(stem) < 2:
        return None
    found = _lookup(stem, lex)
    if found:
        return found, max(lex.joined[stem][1], MIN_STEM_FREQ)
    freq = lex.plain.get(stem, 0)
    if freq >= MIN_STEM_FREQ:
        return stem, freq
    if _is_participle(stem, lex):
        return stem, MIN_STEM_FREQ * 100
    # Relational adjectives in ی (یی after a vowel): دیابت → دیابتی، آمریکا → آمریکایی.
    for ending in ("یی", "ی"):
        base = stem[: -len(ending)]
        after_vowel = base[-1:] in ("ا", "و")
        if (
            stem.endswith(ending)
            and (ending == "یی") == after_vowel
            and lex.plain.get(base, 0) >= MIN_STEM_FREQ
        ):
            return stem, lex.plain[base] // 10
    if depth > 0:
        return _split_suffix(stem, lex, depth - 1)
    return None


def _ends_in_vowel(stem: str, letters: str, lex: Lexicon) -> bool:
    """Whether `stem` is an open-class word ending in one of `letters` read as a vowel."""
    if len(stem) < 3 or stem[-1] not in letters or stem in lex.stopwords:
        return False
    return stem[-1] != "ه" or stem[-2] not in SILENT_HEH_BLOCKERS


def _written_apart(stem: str, suffix: str, lex: Lexicon) -> bool:
    """Whether a suffix written apart really gets a ZWNJ after this stem."""
    if stem[-1] in NON_JOINING or stem in DEMONSTRATIVES:
        return False
    base = next((base for base in CHAIN_BASES if suffix.startswith(base)), None)
    return base is None or stem + base not in lex.plain or _lookup(stem + base, lex) is not None


def _split_suffix(word: str, lex: Lexicon, depth: int = 1) -> tuple[str, int] | None:
    """The most plausible stem + suffix reading of `word`: its spelling and weight."""
    best: tuple[str, int] | None = None
    for suffix in SUFFIXES:
        stem = word[: -len(suffix.text)]
        if not word.endswith(suffix.text) or len(stem) < 2:
            continue
        if suffix.after and not _ends_in_vowel(stem, suffix.after, lex):
            continue
        participle = suffix.text in PERFECT and _is_participle(stem, lex)
        if suffix.perfect and not participle:
            continue
        known = _known(stem, lex, depth)
        if not known:
            continue
        spelling, weight = known
        weight = int(weight * suffix.weight * (1000 if participle else 1))
        gap = ZWNJ if suffix.apart and _written_apart(stem, suffix.text, lex) else ""
        if best is None or weight > best[1]:
            best = (spelling + gap + suffix.text, weight)
    return best


def _as_verb(word: str, lex: Lexicon) -> str | None:
    """می/نمی + a conjugated stem: میخواهد → می‌خواهد, برنمیگردد → برنمی‌گردد."""
    for preverb in PREVERBS:
        if not word.startswith(preverb):
            continue
        rest = word[len(preverb) :]
        for prefix in CONTINUOUS_PREFIXES:
            if rest.startswith(prefix) and rest[len(prefix) :] in lex.verb_bodies:
                return preverb + prefix + ZWNJ + rest[len(prefix) :]
    return None


def _as_surname(word: str, lex: Lexicon) -> str | None:
    """Surnames built on an adjective in ی or ه: کریمی‌پور، توکلی‌نژاد (but علیپور)."""
    for ending in SURNAME_ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 4 and _ends_in_vowel(stem, "هی", lex):
            return stem + ZWNJ + ending
    return None


def _as_compound(word: str, lex: Lexicon) -> str | None:
    """A known word + a frequent compound head: ثابت‌شده، مصرف‌کنندگان."""
    for i in range(MIN_COMPOUND_PART, len(word) - 1):
        head, tail = word[:i], word[i:]
        if (
            tail in lex.compound_tails
            and head[-1] not in NON_JOINING
            and lex.plain.get(head, 0) >= MIN_STEM_FREQ
        ):
            return head + ZWNJ + tail
    return None


def _with_prefix(word: str, lex: Lexicon) -> str | None:
    """به or بی + a common word: بهدلیل → به‌دلیل."""
    for prefix in PREFIXES:
        rest = word[len(prefix) :]
        if (
            word.startswith(prefix)
            and len(rest) >= 3
            and lex.plain.get(rest, 0) >= MIN_PREFIX_REST_FREQ
        ):
            return prefix + ZWNJ + rest
    return None


def _is_known(word: str, lex: Lexicon) -> bool:
    return word in lex.plain or word in lex.joined or word in lex.stopwords


def _as_unknown_compound(word: str, lex: Lexicon) -> str | None:
    """A word the lexicon has in no spelling, read as parts it knows: a word + که, a numeral +
    what it counts, letter names, a word + an Arabic phrase, a frequent first part + a word.

    Only words the lexicon never saw come here, so a word it knows joined stays joined.
    """
    if word.endswith(CONJUNCTION):  # درحالیکه → درحالی‌که
        stem = word[: -len(CONJUNCTION)]
        known = _known(stem, lex, 0) if len(stem) >= 3 and stem[-1] not in NON_JOINING else None
        if known:
            return known[0] + ZWNJ + CONJUNCTION
    for numeral in NUMERALS:  # یکماهی → یک‌ماهی, as the lexicon writes یک‌ماه
        rest = word[len(numeral) :]
        # The counted word, maybe with an ending of one or two letters (ماهی، ماهه، ساله).
        bases = (rest, rest[:-1], rest[:-2])
        if (
            word.startswith(numeral)
            and numeral[-1] not in NON_JOINING
            and any(base in lex.number_tails for base in bases)
        ):
            return numeral + ZWNJ + rest
    acronym = _as_acronym(word)
    if acronym:
        return acronym
    # Arabic phrases with the article ال: عینالاسد → عین‌الاسد, as the lexicon writes بین‌المللی.
    article = word.find("ال", MIN_COMPOUND_PART)
    if article != -1 and len(word) - article >= 5:
        head = word[:article]
        noun = word[article + 2 :]  # after the article, a word the lexicon knows
        if (
            head[-1] not in NON_JOINING
            and lex.plain.get(head, 0) >= MIN_STEM_FREQ
            and _known(noun, lex, 1)
        ):
            return head + ZWNJ + word[article:]
    for i in range(len(word) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
        head, tail = word[:i], word[i:]
        if (
            head in lex.compound_heads
            and head[-1] not in NON_JOINING
            and head not in DEMONSTRATIVES
            and tail not in SURNAME_ENDINGS
            and tail not in lex.stopwords
            and lex.plain.get(tail, 0) >= MIN_UNKNOWN_TAIL_FREQ
        ):
            return head + ZWNJ + tail
    return None


def _as_acronym(word: str) -> str | None:
    """Letters spelt out by name: سیانان → سی‌ان‌ان. Every part a letter name."""
    parts: list[str] = []
    rest = word
    while rest:
        for size in (5, 4, 3, 2):
            if rest[:size] in LETTER_NAMES and len(rest) - size != 1:
                parts.append(rest[:size])
                rest = rest[size:]
                break
        else:
            return None
    if len(parts) < 2:
        return None
    out = parts[0]
    for part in parts[1:]:
        out += (ZWNJ if out[-1] not in NON_JOINING else "") + part
    return out


def _analyse(word: str, lex: Lexicon) -> str | None:
    """The ZWNJ spelling of a ZWNJ-free word, or None to leave it alone."""
    entry = lex.joined.get(word)
    if entry and 0 < entry[1] < RARE_JOINED_FREQ and word not in lex.plain:
        return None
    found = _lookup(word, lex)
    if found:
        return found
    verb = _as_verb(word, lex)
    # میدانی is میدان + ی far more often than می‌دانی.
    if verb and not (word.endswith("ی") and lex.plain.get(word[:-1], 0) >= MIN_STEM_FREQ):
        return verb
    if word in lex.plain:
        return None
    split = _split_suffix(word, lex)
    if split:
        return split[0]
    found = _as_surname(word, lex) or _as_compound(word, lex) or _with_prefix(word, lex)
    if found or _is_known(word, lex):
        return found
    return _as_unknown_plural(word, lex) or _as_unknown_compound(word, lex)


def _as_unknown_plural(word: str, lex: Lexicon) -> str | None:
    """The plural of a word the lexicon lacks (a loanword, a name): قطرکهای → قطرک‌های."""
    for plural in PLURAL_LONGEST_FIRST:
        stem = word[: -len(plural)]
        if (
            word.endswith(plural)
            and len(stem) >= MIN_UNKNOWN_PLURAL_STEM
            and stem[-1] not in NON_JOINING
            and not _is_known(stem + "ه", lex)  # رها، بها: a word in ه before the ها
        ):
            return stem + ZWNJ + plural
    return None


def _is_safe(word: str, restored: str) -> bool:
    """Only ZWNJs were added, each between two letters."""
    if restored.replace(ZWNJ, "") != word or ZWNJ + ZWNJ in restored:
        return False
    return all(
        restored[i - 1].isalpha() and restored[i + 1].isalpha()
        for i, char in enumerate(restored)
        if char == ZWNJ
    )


@functools.lru_cache(maxsize=65_536)
def _restore_word(word: str) -> str:
    # A word that already holds a ZWNJ was spelt by someone who knew: keep it as it is.
    if len(word) < 3 or ZWNJ in word:
        return word
    restored = _analyse(word, lexicon())
    return restored if restored and _is_safe(word, restored) else word


def restore_zwnj(text: str) -> str:
    """Insert the ZWNJs a scraper stripped, touching only words the lexicon is sure about."""
    return WORD_RE.sub(lambda match: _restore_word(match.group()), text)
