"""Restore the zero-width non-joiner (U+200C) that scrapers strip from Persian text.

Without it «می‌خواهد» reads «میخواهد» and «رسانه‌ها» reads «رسانهها». The restorer is driven by the
word lists shipped with the `shekar` package (read as files: importing shekar pulls in onnxruntime)
and favours precision: a word it is unsure about is left as it came.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from articles.text.chars import ZWNJ

# A run of Arabic-script letters and harakat (ZWNJ included): the unit the rules look at.
_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u065f\u0670-\u06d3\u06d5\u200c]+")

# Letters that never join the next one: a ZWNJ after them changes nothing, so Persian omits it.
_NON_JOINING = frozenset("ءآأؤإاةدذرزژوۀٱ")
# After these letters a final ه is a consonant (راه، کوه), not the vowel of خانه.
_SILENT_HEH_BLOCKERS = frozenset("اآو")
# Demonstratives take neither plural ها apart nor تر: آنها, and اینتر is a name.
_DEMONSTRATIVES = frozenset(("این", "آن", "همین", "همان"))
# When stem + base is itself a common plain word (آنها، کمتر) the whole chain stays joined.
_CHAIN_BASES = ("ها", "تر")
# A derived word is spelt like its base: پژوهشگران follows پژوهشگر.
_DERIVATION_SUFFIXES = ("ان", "یان")

# Personal endings of the present (after the present stem) and of the past (after the past stem).
_PRESENT_ENDINGS = ("م", "ی", "د", "یم", "ید", "ند")
_PAST_ENDINGS = ("", "م", "ی", "یم", "ید", "ند")
# Impersonal forms without an ending: می‌توان، می‌بایست.
_BARE_VERB_BODIES = ("توان", "بایست")
_CONTINUOUS_PREFIXES = ("می", "نمی")
# Verbal prefixes that come before می: برمی‌گردد، درمی‌آورد.
_PREVERBS = ("", "بر", "در", "باز", "فرو", "فرا", "وا")

# Preposition به and privative بی are written apart from the noun: به‌دلیل، بی‌توجه.
_PREFIXES = ("به", "بی")
# Surname endings, written apart after an adjective in ی or ه: کریمی‌پور، توکلی‌نژاد.
_SURNAME_ENDINGS = ("پور", "نژاد", "زاده", "کیا", "نیا", "راد", "فر")
# Conjunctions written apart from the word before: درحالی‌که، به‌طوری‌که.
_CONJUNCTION = "که"
# Persian names of Latin letters, as acronyms are spelt out: اف‌بی‌آی، سی‌ان‌ان، آی‌سی‌یو.
# fmt: off
_LETTER_NAMES = frozenset((
    "ای", "بی", "سی", "دی", "اف", "جی", "اچ", "آی", "کی", "ال", "ام", "ان", "او", "پی", "کیو",
    "آر", "اس", "تی", "یو", "وی", "دبلیو", "ایکس", "وای", "زد",
))
# Cardinal numbers, written apart from what they count: سه‌شنبه، هفت‌ساله، یک‌ماهه.
_NUMERALS = (
    "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه", "ده", "یازده", "دوازده", "سیزده",
    "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده", "بیست", "سی", "چهل", "پنجاه", "شصت",
    "هفتاد", "هشتاد", "نود", "صد", "هزار", "چند", "نیم",
)
# fmt: on

_MIN_STEM_FREQ = 20_000
_MIN_VERB_BODY_FREQ = 20_000
_MIN_PREFIX_REST_FREQ = 1_000_000
# A compound head must end this many compounds of the lexicon, and both parts be this long.
_MIN_TAIL_COUNT = 5
# A two-letter compound head must end this many: -بر، -گو، -کن, not -چی of names (کرباسچی).
_MIN_SHORT_TAIL_COUNT = 21
# A compound's first part must begin this many compounds of the lexicon.
_MIN_HEAD_COUNT = 8
# The second part of a compound the lexicon does not know must be this common a word.
_MIN_UNKNOWN_TAIL_FREQ = 1_000_000
# A word the lexicon lacks reads as a plural only when what is left is this long.
_MIN_UNKNOWN_PLURAL_STEM = 3
_MIN_COMPOUND_PART = 3
# A ZWNJ spelling wins over the plain one when at least this share as frequent.
_JOINED_RATIO = 0.6
# A word the counts saw only this rarely, and only with a ZWNJ, is too rare to judge (often a
# name: the surname قالیباف against the carpet-weaver قالی‌باف): it is left as it came.
_RARE_JOINED_FREQ = 10_000
# Weight of a stem in ه + vowel clitic against stem + ها (نامه‌ای against نام‌های).
_HEH_WEIGHT = 2.3
# Share of a stem's frequency below which a competing whole-word reading counts as rare.
_RARE_SHARE = 0.03


@dataclass(frozen=True)
class _Suffix:
    """A suffix and where Persian spelling puts it relative to the stem."""

    text: str
    apart: bool  # preceded by a ZWNJ when the stem ends in a joining letter
    after: str = ""  # the stem must end in one of these letters, read as a vowel
    perfect: bool = False  # only after a past participle: گفته‌ام
    weight: float = 1.0


# Plural ها and comparative تر(ین) are written apart from the stem.
_PLURAL = ("ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "هاست")
_PLURAL_LONGEST_FIRST = tuple(sorted(_PLURAL, key=len, reverse=True))
_COMPARATIVE = ("تر", "ترین", "تری")
# After a final ه the vowel-initial clitics are written apart too: شده‌اند، هسته‌ای، نامه‌اش.
_AFTER_HEH = ("ای", "اند", "اش", "ایم", "اید")
# Verbal endings that after a past participle beat the plural reading (رفته‌ایم, not رفت‌هایم).
_PERFECT = ("اند", "ام", "ایم", "اید")
_SUFFIXES = (
    *(_Suffix(text, apart=True) for text in _PLURAL + _COMPARATIVE),
    *(_Suffix(text, apart=True, after="ه", weight=_HEH_WEIGHT) for text in _AFTER_HEH),
    _Suffix("ام", apart=True, after="ه", perfect=True),
    # After a final ی the possessive اش: زندگی‌اش.
    _Suffix("اش", apart=True, after="ی"),
    # Plural possessives after a final vowel: خانه‌شان، زندگی‌تان.
    *(_Suffix(text, apart=True, after="هی") for text in ("شان", "مان", "تان")),
    # Suffixes that join the stem: they matter only when the stem holds a ZWNJ (گفت‌وگویی).
    *(_Suffix(text, apart=False) for text in ("ی", "یی", "ان", "یان")),
)


@dataclass(frozen=True)
class _Lexicon:
    """shekar's word lists, arranged for the rules below."""

    plain: dict[str, int]  # words written without ZWNJ → frequency
    joined: dict[str, tuple[str, int]]  # ZWNJ-free form → (best ZWNJ spelling, frequency)
    verb_bodies: frozenset[str]  # what may follow می/نمی
    past_stems: frozenset[str]
    stopwords: frozenset[str]
    compound_tails: frozenset[str]  # frequent second parts of compounds
    compound_heads: frozenset[str]  # frequent first parts of compounds
    number_tails: frozenset[str]  # what the lexicon writes apart after a numeral: شنبه، ساله


def _data_dir() -> Path:
    spec = importlib.util.find_spec("shekar")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the `shekar` package (its word lists) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "files"


def _read_lines(name: str) -> list[str]:
    text = (_data_dir() / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def _clean_spelling(word: str) -> str:
    """Normalise a lexicon spelling: no # marks, no stray, doubled or invisible ZWNJs."""
    word = word.replace("#", "").strip(ZWNJ)
    while ZWNJ + ZWNJ in word:
        word = word.replace(ZWNJ + ZWNJ, ZWNJ)
    return "".join(
        char for i, char in enumerate(word) if char != ZWNJ or word[i - 1] not in _NON_JOINING
    )


def _verb_bodies(rows: list[list[str]], joined: dict[str, tuple[str, int]]) -> frozenset[str]:
    """Everything that may follow می in a conjugated verb: stem plus personal ending."""
    bodies = set(_BARE_VERB_BODIES)
    for row in rows:
        present, past = row[0], row[1] if len(row) > 1 else ""
        if present and ZWNJ not in present:
            bodies.update(present + ending for ending in _PRESENT_ENDINGS)
            if present[-1] in "آاوی":
                bodies.update(present + "ی" + ending for ending in _PRESENT_ENDINGS)
        if past and ZWNJ not in past:
            bodies.update(past + ending for ending in _PAST_ENDINGS)
            bodies.add(past + "ه")  # می‌کرده
    for spelling, freq in joined.values():
        prefix, _, body = spelling.partition(ZWNJ)
        if prefix in _CONTINUOUS_PREFIXES and ZWNJ not in body and freq >= _MIN_VERB_BODY_FREQ:
            bodies.add(body)
            # A present third person (می‌ارزد) gives the stem for the other persons (می‌ارزند).
            if body.endswith("د") and len(body) >= 3:
                bodies.update(body[:-1] + ending for ending in _PRESENT_ENDINGS)
    return frozenset(bodies)


def _compound_tails(joined: dict[str, tuple[str, int]]) -> frozenset[str]:
    counts = Counter(spelling.rpartition(ZWNJ)[2] for spelling, _ in joined.values())
    return frozenset(
        tail
        for tail, count in counts.items()
        if tail not in _SURNAME_ENDINGS
        and (
            (count >= _MIN_TAIL_COUNT and len(tail) >= _MIN_COMPOUND_PART)
            # Two-letter heads that end many compounds, but not suffixes (ها، ای، تر) or تا.
            or (count >= _MIN_SHORT_TAIL_COUNT and len(tail) == 2 and not _is_suffix(tail))
        )
    )


def _is_suffix(text: str) -> bool:
    return any(suffix.text == text for suffix in _SUFFIXES) or text == "تا"


def _compound_heads(joined: dict[str, tuple[str, int]]) -> frozenset[str]:
    counts = Counter(spelling.partition(ZWNJ)[0] for spelling, _ in joined.values())
    return frozenset(
        head
        for head, count in counts.items()
        if count >= _MIN_HEAD_COUNT
        and len(head) >= _MIN_COMPOUND_PART
        and head not in _CONTINUOUS_PREFIXES
        and head not in _NUMERALS
    )


def _number_tails(joined: dict[str, tuple[str, int]]) -> frozenset[str]:
    tails = set()
    for spelling, _ in joined.values():
        head, _, tail = spelling.partition(ZWNJ)
        if head in _NUMERALS and ZWNJ not in tail and len(tail) >= _MIN_COMPOUND_PART:
            tails.add(tail)
    return frozenset(tails)


@functools.cache
def _lexicon() -> _Lexicon:
    plain: dict[str, int] = {}
    spellings: dict[str, int] = {}
    for line in _read_lines("vocab.csv"):
        word, _, count = line.rpartition(",")
        if word and count.isdigit():
            (spellings if ZWNJ in word else plain)[word] = int(count)
    for word in _read_lines("compound_words.csv"):
        spellings.setdefault(word, 0)
    joined: dict[str, tuple[str, int]] = {}
    for raw, freq in spellings.items():
        spelling = _clean_spelling(raw)
        key = spelling.replace(ZWNJ, "")
        if ZWNJ not in spelling:
            plain.setdefault(key, _MIN_STEM_FREQ)
        elif key not in joined or joined[key][1] < freq:
            joined[key] = (spelling, freq)
    rows = [line.split(",") for line in _read_lines("verbs.csv")]
    past_stems = frozenset(row[1] for row in rows if len(row) > 1 and row[1] and ZWNJ not in row[1])
    return _Lexicon(
        plain=plain,
        joined=joined,
        verb_bodies=_verb_bodies(rows, joined),
        past_stems=past_stems,
        stopwords=frozenset(_read_lines("stopwords.csv")),
        compound_tails=_compound_tails(joined),
        compound_heads=_compound_heads(joined),
        number_tails=_number_tails(joined),
    )


def _joined_usual(word: str, lex: _Lexicon) -> bool:
    entry = lex.joined.get(word)
    return entry is not None and entry[1] >= _JOINED_RATIO * lex.plain.get(word, 0)


def _lookup(word: str, lex: _Lexicon) -> str | None:
    """The lexicon's ZWNJ spelling of the whole word, unless a plain spelling is the usual one."""
    if not _joined_usual(word, lex):
        return None
    spelling, freq = lex.joined[word]
    for suffix in _DERIVATION_SUFFIXES:
        base = word[: -len(suffix)]
        if (
            word.endswith(suffix)
            and lex.plain.get(base, 0) >= _MIN_STEM_FREQ
            and not _joined_usual(base, lex)
        ):
            return None
    # A rare «Xه‌ای» loses to the plural of a common X: زخم‌های rather than زخمه‌ای.
    if spelling.endswith("ه" + ZWNJ + "ای") and 0 < freq < _RARE_SHARE * lex.plain.get(
        word[:-3], 0
    ):
        return None
    return spelling


def _is_participle(stem: str, lex: _Lexicon) -> bool:
    """Past stem + ه, maybe negated or with a preverb: کرده، نشده، بازنگشته."""
    if not stem.endswith("ه"):
        return False
    body = stem[:-1]
    for preverb in _PREVERBS:
        if body.startswith(preverb):
            rest = body[len(preverb) :]
            if rest in lex.past_stems or (rest[:1] == "ن" and rest[1:] in lex.past_stems):
                return True
    return False


def _known(stem: str, lex: _Lexicon, depth: int) -> tuple[str, int] | None:
    """Spelling and weight of `stem` if it is a word we trust as the base of a suffix."""
    if len(stem) < 2:
        return None
    found = _lookup(stem, lex)
    if found:
        return found, max(lex.joined[stem][1], _MIN_STEM_FREQ)
    freq = lex.plain.get(stem, 0)
    if freq >= _MIN_STEM_FREQ:
        return stem, freq
    if _is_participle(stem, lex):
        return stem, _MIN_STEM_FREQ * 100
    # Relational adjectives in ی (یی after a vowel): دیابت → دیابتی، آمریکا → آمریکایی.
    for ending in ("یی", "ی"):
        base = stem[: -len(ending)]
        after_vowel = base[-1:] in ("ا", "و")
        if (
            stem.endswith(ending)
            and (ending == "یی") == after_vowel
            and lex.plain.get(base, 0) >= _MIN_STEM_FREQ
        ):
            return stem, lex.plain[base] // 10
    if depth > 0:
        return _split_suffix(stem, lex, depth - 1)
    return None


def _ends_in_vowel(stem: str, letters: str, lex: _Lexicon) -> bool:
    """Whether `stem` is an open-class word ending in one of `letters` read as a vowel."""
    if len(stem) < 3 or stem[-1] not in letters or stem in lex.stopwords:
        return False
    return stem[-1] != "ه" or stem[-2] not in _SILENT_HEH_BLOCKERS


def _written_apart(stem: str, suffix: str, lex: _Lexicon) -> bool:
    """Whether a suffix written apart really gets a ZWNJ after this stem."""
    if stem[-1] in _NON_JOINING or stem in _DEMONSTRATIVES:
        return False
    base = next((base for base in _CHAIN_BASES if suffix.startswith(base)), None)
    return base is None or stem + base not in lex.plain or _lookup(stem + base, lex) is not None


def _split_suffix(word: str, lex: _Lexicon, depth: int = 1) -> tuple[str, int] | None:
    """The most plausible stem + suffix reading of `word`: its spelling and weight."""
    best: tuple[str, int] | None = None
    for suffix in _SUFFIXES:
        stem = word[: -len(suffix.text)]
        if not word.endswith(suffix.text) or len(stem) < 2:
            continue
        if suffix.after and not _ends_in_vowel(stem, suffix.after, lex):
            continue
        participle = suffix.text in _PERFECT and _is_participle(stem, lex)
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


def _as_verb(word: str, lex: _Lexicon) -> str | None:
    """می/نمی + a conjugated stem: میخواهد → می‌خواهد, برنمیگردد → برنمی‌گردد."""
    for preverb in _PREVERBS:
        if not word.startswith(preverb):
            continue
        rest = word[len(preverb) :]
        for prefix in _CONTINUOUS_PREFIXES:
            if rest.startswith(prefix) and rest[len(prefix) :] in lex.verb_bodies:
                return preverb + prefix + ZWNJ + rest[len(prefix) :]
    return None


def _as_surname(word: str, lex: _Lexicon) -> str | None:
    """Surnames built on an adjective in ی or ه: کریمی‌پور، توکلی‌نژاد (but علیپور)."""
    for ending in _SURNAME_ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 4 and _ends_in_vowel(stem, "هی", lex):
            return stem + ZWNJ + ending
    return None


def _as_compound(word: str, lex: _Lexicon) -> str | None:
    """A known word + a frequent compound head: ثابت‌شده، مصرف‌کنندگان."""
    for i in range(_MIN_COMPOUND_PART, len(word) - 1):
        head, tail = word[:i], word[i:]
        if (
            tail in lex.compound_tails
            and head[-1] not in _NON_JOINING
            and lex.plain.get(head, 0) >= _MIN_STEM_FREQ
        ):
            return head + ZWNJ + tail
    return None


def _with_prefix(word: str, lex: _Lexicon) -> str | None:
    """به or بی + a common word: بهدلیل → به‌دلیل."""
    for prefix in _PREFIXES:
        rest = word[len(prefix) :]
        if (
            word.startswith(prefix)
            and len(rest) >= 3
            and lex.plain.get(rest, 0) >= _MIN_PREFIX_REST_FREQ
        ):
            return prefix + ZWNJ + rest
    return None


def _is_known(word: str, lex: _Lexicon) -> bool:
    return word in lex.plain or word in lex.joined or word in lex.stopwords


def _as_unknown_compound(word: str, lex: _Lexicon) -> str | None:
    """A word the lexicon has in no spelling, read as parts it knows: a word + که, a numeral +
    what it counts, letter names, a word + an Arabic phrase, a frequent first part + a word.

    Only words the lexicon never saw come here, so a word it knows joined stays joined.
    """
    if word.endswith(_CONJUNCTION):  # درحالیکه → درحالی‌که
        stem = word[: -len(_CONJUNCTION)]
        known = _known(stem, lex, 0) if len(stem) >= 3 and stem[-1] not in _NON_JOINING else None
        if known:
            return known[0] + ZWNJ + _CONJUNCTION
    for numeral in _NUMERALS:  # یکماهی → یک‌ماهی, as the lexicon writes یک‌ماه
        rest = word[len(numeral) :]
        # The counted word, maybe with an ending of one or two letters (ماهی، ماهه، ساله).
        bases = (rest, rest[:-1], rest[:-2])
        if (
            word.startswith(numeral)
            and numeral[-1] not in _NON_JOINING
            and any(base in lex.number_tails for base in bases)
        ):
            return numeral + ZWNJ + rest
    acronym = _as_acronym(word)
    if acronym:
        return acronym
    # Arabic phrases with the article ال: عینالاسد → عین‌الاسد, as the lexicon writes بین‌المللی.
    article = word.find("ال", _MIN_COMPOUND_PART)
    if article != -1 and len(word) - article >= 5:
        head = word[:article]
        noun = word[article + 2 :]  # after the article, a word the lexicon knows
        if (
            head[-1] not in _NON_JOINING
            and lex.plain.get(head, 0) >= _MIN_STEM_FREQ
            and _known(noun, lex, 1)
        ):
            return head + ZWNJ + word[article:]
    for i in range(len(word) - _MIN_COMPOUND_PART, _MIN_COMPOUND_PART - 1, -1):
        head, tail = word[:i], word[i:]
        if (
            head in lex.compound_heads
            and head[-1] not in _NON_JOINING
            and head not in _DEMONSTRATIVES
            and tail not in _SURNAME_ENDINGS
            and tail not in lex.stopwords
            and lex.plain.get(tail, 0) >= _MIN_UNKNOWN_TAIL_FREQ
        ):
            return head + ZWNJ + tail
    return None


def _as_acronym(word: str) -> str | None:
    """Letters spelt out by name: سیانان → سی‌ان‌ان. Every part a letter name."""
    parts: list[str] = []
    rest = word
    while rest:
        for size in (5, 4, 3, 2):
            if rest[:size] in _LETTER_NAMES and len(rest) - size != 1:
                parts.append(rest[:size])
                rest = rest[size:]
                break
        else:
            return None
    if len(parts) < 2:
        return None
    out = parts[0]
    for part in parts[1:]:
        out += (ZWNJ if out[-1] not in _NON_JOINING else "") + part
    return out


def _analyse(word: str, lex: _Lexicon) -> str | None:
    """The ZWNJ spelling of a ZWNJ-free word, or None to leave it alone."""
    entry = lex.joined.get(word)
    if entry and 0 < entry[1] < _RARE_JOINED_FREQ and word not in lex.plain:
        return None
    found = _lookup(word, lex)
    if found:
        return found
    verb = _as_verb(word, lex)
    # میدانی is میدان + ی far more often than می‌دانی.
    if verb and not (word.endswith("ی") and lex.plain.get(word[:-1], 0) >= _MIN_STEM_FREQ):
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


def _as_unknown_plural(word: str, lex: _Lexicon) -> str | None:
    """The plural of a word the lexicon lacks (a loanword, a name): قطرکهای → قطرک‌های."""
    for plural in _PLURAL_LONGEST_FIRST:
        stem = word[: -len(plural)]
        if (
            word.endswith(plural)
            and len(stem) >= _MIN_UNKNOWN_PLURAL_STEM
            and stem[-1] not in _NON_JOINING
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
    restored = _analyse(word, _lexicon())
    return restored if restored and _is_safe(word, restored) else word


def restore_zwnj(text: str) -> str:
    """Insert the ZWNJs a scraper stripped, touching only words the lexicon is sure about."""
    return _WORD_RE.sub(lambda match: _restore_word(match.group()), text)
