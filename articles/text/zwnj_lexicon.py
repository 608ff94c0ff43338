"""What the ZWNJ restorer knows of Persian spelling: the suffixes and how they attach, the closed
lists (numerals, letter names, surname endings), the thresholds, and shekar's word lists arranged
for the rules in articles/text/zwnj.py (read once, as files: importing shekar pulls in
onnxruntime)."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from articles.text.chars import ZWNJ

# A run of Arabic-script letters and harakat (ZWNJ included): the unit the rules look at.
WORD_RE = re.compile("[\u0621-\u063a\u0641-\u065f\u0670-\u06d3\u06d5\u200c]+")

# Letters that never join the next one: a ZWNJ after them changes nothing, so Persian omits it.
NON_JOINING = frozenset("ءآأؤإاةدذرزژوۀٱ")
# After these letters a final ه is a consonant (راه، کوه), not the vowel of خانه.
SILENT_HEH_BLOCKERS = frozenset("اآو")
# Demonstratives take neither plural ها apart nor تر: آنها, and اینتر is a name.
DEMONSTRATIVES = frozenset(("این", "آن", "همین", "همان"))
# When stem + base is itself a common plain word (آنها، کمتر) the whole chain stays joined.
CHAIN_BASES = ("ها", "تر")
# A derived word is spelt like its base: پژوهشگران follows پژوهشگر.
DERIVATION_SUFFIXES = ("ان", "یان")

# Personal endings of the present (after the present stem) and of the past (after the past stem).
PRESENT_ENDINGS = ("م", "ی", "د", "یم", "ید", "ند")
PAST_ENDINGS = ("", "م", "ی", "یم", "ید", "ند")
# Impersonal forms without an ending: می‌توان، می‌بایست.
BARE_VERB_BODIES = ("توان", "بایست")
CONTINUOUS_PREFIXES = ("می", "نمی")
# Verbal prefixes that come before می: برمی‌گردد، درمی‌آورد.
PREVERBS = ("", "بر", "در", "باز", "فرو", "فرا", "وا")

# Preposition به and privative بی are written apart from the noun: به‌دلیل، بی‌توجه.
PREFIXES = ("به", "بی")
# Surname endings, written apart after an adjective in ی or ه: کریمی‌پور، توکلی‌نژاد.
SURNAME_ENDINGS = ("پور", "نژاد", "زاده", "کیا", "نیا", "راد", "فر")
# Conjunctions written apart from the word before: درحالی‌که، به‌طوری‌که.
CONJUNCTION = "که"
# Persian names of Latin letters, as acronyms are spelt out: اف‌بی‌آی، سی‌ان‌ان، آی‌سی‌یو.
# fmt: off
LETTER_NAMES = frozenset((
    "ای", "بی", "سی", "دی", "اف", "جی", "اچ", "آی", "کی", "ال", "ام", "ان", "او", "پی", "کیو",
    "آر", "اس", "تی", "یو", "وی", "دبلیو", "ایکس", "وای", "زد",
))
# Cardinal numbers, written apart from what they count: سه‌شنبه، هفت‌ساله، یک‌ماهه.
NUMERALS = (
    "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه", "ده", "یازده", "دوازده", "سیزده",
    "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده", "بیست", "سی", "چهل", "پنجاه", "شصت",
    "هفتاد", "هشتاد", "نود", "صد", "هزار", "چند", "نیم",
)
# fmt: on

# shekar's word lists the lexicon is built from.
LEXICON_FILES = ("vocab.csv", "compound_words.csv", "verbs.csv", "stopwords.csv")

MIN_STEM_FREQ = 20_000
MIN_VERB_BODY_FREQ = 20_000
MIN_PREFIX_REST_FREQ = 1_000_000
# A compound head must end this many compounds of the lexicon, and both parts be this long.
MIN_TAIL_COUNT = 5
# A two-letter compound head must end this many: -بر، -گو، -کن, not -چی of names (کرباسچی).
MIN_SHORT_TAIL_COUNT = 21
# A compound's first part must begin this many compounds of the lexicon.
MIN_HEAD_COUNT = 8
# The second part of a compound the lexicon does not know must be this common a word.
MIN_UNKNOWN_TAIL_FREQ = 1_000_000
# A word the lexicon lacks reads as a plural only when what is left is this long.
MIN_UNKNOWN_PLURAL_STEM = 3
MIN_COMPOUND_PART = 3
# A ZWNJ spelling wins over the plain one when at least this share as frequent.
JOINED_RATIO = 0.6
# A word the counts saw only this rarely, and only with a ZWNJ, is too rare to judge (often a
# name: the surname قالیباف against the carpet-weaver قالی‌باف): it is left as it came.
RARE_JOINED_FREQ = 10_000
# Weight of a stem in ه + vowel clitic against stem + ها (نامه‌ای against نام‌های).
HEH_WEIGHT = 2.3
# Share of a stem's frequency below which a competing whole-word reading counts as rare.
RARE_SHARE = 0.03


@dataclass(frozen=True)
class Suffix:
    """A suffix and where Persian spelling puts it relative to the stem."""

    text: str
    apart: bool  # preceded by a ZWNJ when the stem ends in a joining letter
    after: str = ""  # the stem must end in one of these letters, read as a vowel
    perfect: bool = False  # only after a past participle: گفته‌ام
    weight: float = 1.0


# Plural ها and comparative تر(ین) are written apart from the stem.
PLURAL = ("ها", "های", "هایی", "هایم", "هایت", "هایش", "هایمان", "هایتان", "هایشان", "هاست")
PLURAL_LONGEST_FIRST = tuple(sorted(PLURAL, key=len, reverse=True))
COMPARATIVE = ("تر", "ترین", "تری")
# After a final ه the vowel-initial clitics are written apart too: شده‌اند، هسته‌ای، نامه‌اش.
AFTER_HEH = ("ای", "اند", "اش", "ایم", "اید")
# Verbal endings that after a past participle beat the plural reading (رفته‌ایم, not رفت‌هایم).
PERFECT = ("اند", "ام", "ایم", "اید")
SUFFIXES = (
    *(Suffix(text, apart=True) for text in PLURAL + COMPARATIVE),
    *(Suffix(text, apart=True, after="ه", weight=HEH_WEIGHT) for text in AFTER_HEH),
    Suffix("ام", apart=True, after="ه", perfect=True),
    # After a final ی the possessive اش: زندگی‌اش.
    Suffix("اش", apart=True, after="ی"),
    # Plural possessives after a final vowel: خانه‌شان، زندگی‌تان.
    *(Suffix(text, apart=True, after="هی") for text in ("شان", "مان", "تان")),
    # Suffixes that join the stem: they matter only when the stem holds a ZWNJ (گفت‌وگویی).
    *(Suffix(text, apart=False) for text in ("ی", "یی", "ان", "یان")),
)


@dataclass(frozen=True)
class Lexicon:
    """shekar's word lists, arranged for the rules below."""

    plain: dict[str, int]  # words written without ZWNJ → frequency
    joined: dict[str, tuple[str, int]]  # ZWNJ-free form → (best ZWNJ spelling, frequency)
    verb_bodies: frozenset[str]  # what may follow می/نمی
    past_stems: frozenset[str]
    stopwords: frozenset[str]
    compound_tails: frozenset[str]  # frequent second parts of compounds
    compound_heads: frozenset[str]  # frequent first parts of compounds
    number_tails: frozenset[str]  # what the lexicon writes apart after a numeral: شنبه، ساله


def data_dir() -> Path:
    spec = importlib.util.find_spec("shekar")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the `shekar` package (its word lists) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "files"


def read_lines(name: str) -> list[str]:
    text = (data_dir() / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def clean_spelling(word: str) -> str:
    """Normalise a lexicon spelling: no # marks, no stray, doubled or invisible ZWNJs."""
    word = word.replace("#", "").strip(ZWNJ)
    while ZWNJ + ZWNJ in word:
        word = word.replace(ZWNJ + ZWNJ, ZWNJ)
    return "".join(
        char for i, char in enumerate(word) if char != ZWNJ or word[i - 1] not in NON_JOINING
    )


def verb_bodies(rows: list[list[str]], joined: dict[str, tuple[str, int]]) -> frozenset[str]:
    """Everything that may follow می in a conjugated verb: stem plus personal ending."""
    bodies = set(BARE_VERB_BODIES)
    for row in rows:
        present, past = row[0], row[1] if len(row) > 1 else ""
        if present and ZWNJ not in present:
            bodies.update(present + ending for ending in PRESENT_ENDINGS)
            if present[-1] in "آاوی":
                bodies.update(present + "ی" + ending for ending in PRESENT_ENDINGS)
        if past and ZWNJ not in past:
            bodies.update(past + ending for ending in PAST_ENDINGS)
            bodies.add(past + "ه")  # می‌کرده
    for spelling, freq in joined.values():
        prefix, _, body = spelling.partition(ZWNJ)
        if prefix in CONTINUOUS_PREFIXES and ZWNJ not in body and freq >= MIN_VERB_BODY_FREQ:
            bodies.add(body)
            # A present third person (می‌ارزد) gives the stem for the other persons (می‌ارزند).
            if body.endswith("د") and len(body) >= 3:
                bodies.update(body[:-1] + ending for ending in PRESENT_ENDINGS)
    return frozenset(bodies)


def compound_tails(joined: dict[str, tuple[str, int]]) -> frozenset[str]:
    counts = Counter(spelling.rpartition(ZWNJ)[2] for spelling, _ in joined.values())
    return frozenset(
        tail
        for tail, count in counts.items()
        if tail not in SURNAME_ENDINGS
        and (
            (count >= MIN_TAIL_COUNT and len(tail) >= MIN_COMPOUND_PART)
            # Two-letter heads that end many compounds, but not suffixes (ها، ای، تر) or تا.
            or (count >= MIN_SHORT_TAIL_COUNT and len(tail) == 2 and not is_suffix(tail))
        )
    )


def is_suffix(text: str) -> bool:
    return any(suffix.text == text for suffix in SUFFIXES) or text == "تا"


def compound_heads(joined: dict[str, tuple[str, int]]) -> frozenset[str]:
    counts = Counter(spelling.partition(ZWNJ)[0] for spelling, _ in joined.values())
    return frozenset(
        head
        for head, count in counts.items()
        if count >= MIN_HEAD_COUNT
        and len(head) >= MIN_COMPOUND_PART
        and head not in CONTINUOUS_PREFIXES
        and head not in NUMERALS
    )


def number_tails(joined: dict[str, tuple[str, int]]) -> frozenset[str]:
    tails = set()
    for spelling, _ in joined.values():
        head, _, tail = spelling.partition(ZWNJ)
        if head in NUMERALS and ZWNJ not in tail and len(tail) >= MIN_COMPOUND_PART:
            tails.add(tail)
    return frozenset(tails)


@functools.cache
def lexicon() -> Lexicon:
    """The lexicon, from the cache a first build left in the project's var/ when there is one
    (a twentieth of the build's time: every command and worker starts faster)."""
    path = _cache_path()
    if path is not None:
        try:
            with path.open("rb") as cached:
                return pickle.load(cached)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            pass
    built = build_lexicon()
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
            partial.replace(path)
        except OSError:
            pass
    return built


def _cache_path() -> Path | None:
    """Where the built lexicon is kept: named after what it is built from (these rules and
    shekar's files), so a change to either builds it anew. None outside a configured project."""
    from django.conf import settings

    if not settings.configured or not getattr(settings, "VAR_DIR", None):
        return None
    key = hashlib.sha256(Path(__file__).read_bytes())
    for name in LEXICON_FILES:
        stat = (data_dir() / name).stat()
        key.update(f"{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return Path(settings.VAR_DIR) / "cache" / f"zwnj-lexicon-{key.hexdigest()[:16]}.pickle"


def build_lexicon() -> Lexicon:
    plain: dict[str, int] = {}
    spellings: dict[str, int] = {}
    for line in read_lines("vocab.csv"):
        word, _, count = line.rpartition(",")
        if word and count.isdigit():
            (spellings if ZWNJ in word else plain)[word] = int(count)
    for word in read_lines("compound_words.csv"):
        spellings.setdefault(word, 0)
    joined: dict[str, tuple[str, int]] = {}
    for raw, freq in spellings.items():
        spelling = clean_spelling(raw)
        key = spelling.replace(ZWNJ, "")
        if ZWNJ not in spelling:
            plain.setdefault(key, MIN_STEM_FREQ)
        elif key not in joined or joined[key][1] < freq:
            joined[key] = (spelling, freq)
    rows = [line.split(",") for line in read_lines("verbs.csv")]
    past_stems = frozenset(row[1] for row in rows if len(row) > 1 and row[1] and ZWNJ not in row[1])
    return Lexicon(
        plain=plain,
        joined=joined,
        verb_bodies=verb_bodies(rows, joined),
        past_stems=past_stems,
        stopwords=frozenset(read_lines("stopwords.csv")),
        compound_tails=compound_tails(joined),
        compound_heads=compound_heads(joined),
        number_tails=number_tails(joined),
    )
