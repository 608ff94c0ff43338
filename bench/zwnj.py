"""Benchmark ZWNJ restoration on whole articles, as the import leaves them.

Usage: .venv/bin/python bench/zwnj.py [CORPUS_JSON] [--examples N] [--class NAME]

Every record of the corpus (title and summary, ZWNJs intact) is stripped of U+200C and run
through the import's text pipeline (`prepare_record`: normalise, restore ZWNJ, segment). The text
of all its segments is then aligned letter by letter with the normalised original: a ZWNJ counts
when it sits between two letters, at the same place among the letters. Letters the pipeline
dropped (a body line repeating the title) are left out of the count, and reported.

The corpus is split by record index, fixed: records whose index (0-based) is a multiple of 4 are
the held-apart part, never looked at while tuning; the others are the tuning part. Examples
(--examples) are only ever drawn from the tuning part.

Each ZWNJ is put in one class by the shape of its word (the gold spelling for hits and misses,
the output's for false insertions) and the two parts it separates:
comparative (-تر, -ترین, -تری), number (weekdays, number compounds), prefix (به، بی، هم),
name (surname endings, compound given names), acronym (letter names, transliterations: parts
the lexicon does not know), compound (two words the lexicon knows), other (plurals, clitics,
verb prefixes and the rest).
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT

from articles.text.chars import ZWNJ
from articles.text.normalize import normalize_chars
from articles.text.pipeline import prepare_record
from articles.text.zwnj_lexicon import lexicon

# ../shared beside the checkout, or beside the folder of worktrees.
CORPUS_CANDIDATES = [
    ROOT.parent / "shared" / "corpus" / "hamshahri.json",
    ROOT.parent.parent / "shared" / "corpus" / "hamshahri.json",
]
HELD_APART_EVERY = 4  # record i is held apart when i % 4 == 0

CLASSES = ("comparative", "number", "compound", "prefix", "name", "acronym", "other")
_COMPARATIVE = ("تر", "ترین", "تری", "ترها", "ترند")
_NUMBERS = frozenset(
    [
        "یک",
        "دو",
        "سه",
        "چهار",
        "پنج",
        "شش",
        "هفت",
        "هشت",
        "نه",
        "ده",
        "یازده",
        "دوازده",
        "سیزده",
        "چهارده",
        "پانزده",
        "شانزده",
        "هفده",
        "هجده",
        "نوزده",
        "بیست",
        "سی",
        "چهل",
        "پنجاه",
        "شصت",
        "هفتاد",
        "هشتاد",
        "نود",
        "صد",
        "دویست",
        "سیصد",
        "پانصد",
        "هزار",
        "میلیون",
        "میلیارد",
        "چند",
        "نیم",
    ]
)
_PREFIXES = ("به", "بی", "هم")
_NAME_ENDINGS = ("پور", "زاده", "نژاد", "فر", "کیا", "نیا", "راد", "وند", "زادگان")
# Persian names of Latin letters, as acronyms are spelt: اف‌بی‌آی، سی‌ان‌ان.
_LETTER_NAMES = frozenset(
    [
        "ای",
        "بی",
        "سی",
        "دی",
        "اف",
        "جی",
        "اچ",
        "آی",
        "جی",
        "کی",
        "ال",
        "ام",
        "ان",
        "او",
        "پی",
        "کیو",
        "آر",
        "اس",
        "تی",
        "یو",
        "وی",
        "دبلیو",
        "ایکس",
        "وای",
        "زد",
        "زی",
    ]
)
_SUFFIXES = frozenset(
    [
        "ها",
        "های",
        "هایی",
        "هایم",
        "هایت",
        "هایش",
        "هایمان",
        "هایتان",
        "هایشان",
        "هاست",
        "ای",
        "اند",
        "ام",
        "ایم",
        "اید",
        "اش",
        "ی",
        "یی",
        "ان",
        "یان",
        "شان",
        "مان",
        "تان",
        "است",
    ]
)


def default_corpus() -> Path:
    return next((path for path in CORPUS_CANDIDATES if path.exists()), CORPUS_CANDIDATES[0])


def _known_word(part: str) -> bool:
    """Whether the lexicon knows `part`, maybe with a plural or adjective ending."""
    lex = lexicon()
    for ending in ("", "ها", "های", "ی", "ان", "یان", "گان"):
        stem = part[: len(part) - len(ending)] if ending else part
        known = stem in lex.plain or stem in lex.joined or stem in lex.stopwords
        if part.endswith(ending) and len(stem) >= 2 and known:
            return True
    return False


def classify(word: str, index: int) -> str:
    """The class of the ZWNJ at `index` of `word` (a run of letters and ZWNJs)."""
    left = word[:index].rpartition(ZWNJ)[2]
    right = word[index + 1 :].partition(ZWNJ)[0]
    parts = word.split(ZWNJ)
    if right in _COMPARATIVE:
        return "comparative"
    if left in _NUMBERS or right.startswith("شنبه"):
        return "number"
    if right in _NAME_ENDINGS or right.startswith(("الدین", "الله")):
        return "name"
    if len(parts) >= 2 and all(part in _LETTER_NAMES for part in parts):
        return "acronym"
    if left in _PREFIXES and right not in _SUFFIXES and word[:index] == left:
        return "prefix"
    if right in _SUFFIXES or left in ("می", "نمی") or right.startswith(("ها", "های")):
        return "other"
    if not _known_word(left) or not _known_word(right):
        return "acronym"
    return "compound"


def letters_and_zwnjs(text: str) -> tuple[str, dict[int, tuple[str, int]]]:
    """The letters of `text`, and for each ZWNJ between two letters: its place among the letters
    (the number of letters before it) → its word and its index in the word."""
    letters: list[str] = []
    places: dict[int, tuple[str, int]] = {}
    word_start = 0
    for i, char in enumerate(text):
        if char == ZWNJ:
            if 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
                end = i
                while end < len(text) and (text[end].isalpha() or text[end] == ZWNJ):
                    end += 1
                places[len(letters)] = (text[word_start:end], i - word_start)
        elif char.isalpha():
            if i == 0 or not (text[i - 1].isalpha() or text[i - 1] == ZWNJ):
                word_start = i
            letters.append(char)
    return "".join(letters), places


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self, name: str) -> str:
        return (
            f"  {name:<12} precision {self.precision:.3f}  recall {self.recall:.3f}  "
            f"(tp {self.tp}  fp {self.fp}  fn {self.fn})"
        )


@dataclass
class Part:
    name: str
    records: int = 0
    failed: int = 0
    unaligned: int = 0  # gold ZWNJs in letters the pipeline left out
    seconds: float = 0.0
    total: Score = field(default_factory=Score)
    classes: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    false_pos: list[tuple[str, str]] = field(default_factory=list)
    false_neg: list[tuple[str, str]] = field(default_factory=list)


def _aligned(gold: str, output: str) -> dict[int, int]:
    """Output letter place → gold letter place, for places inside stretches both share."""
    if gold == output:
        return {i: i for i in range(len(output) + 1)}
    mapping: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, gold, output, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        for k in range(1, size):  # a place between two letters of the block
            mapping[b + k] = a + k
    return mapping


def score_record(part: Part, gold_text: str, output_text: str) -> None:
    gold_letters, gold_places = letters_and_zwnjs(gold_text)
    out_letters, out_places = letters_and_zwnjs(output_text)
    mapping = _aligned(gold_letters, out_letters)
    reachable = set(mapping.values())
    got = {mapping[place]: found for place, found in out_places.items() if place in mapping}
    for place, (word, index) in gold_places.items():
        if place not in reachable:
            part.unaligned += 1
            continue
        cls = classify(word, index)
        if place in got:
            part.total.tp += 1
            part.classes[cls].tp += 1
        else:
            part.total.fn += 1
            part.classes[cls].fn += 1
            part.false_neg.append((cls, word.replace(ZWNJ, "·")))
    for place, (word, index) in got.items():
        if place not in gold_places:
            cls = classify(word, index)
            part.total.fp += 1
            part.classes[cls].fp += 1
            part.false_pos.append((cls, word.replace(ZWNJ, "·")))


def run_part(part: Part, records: list[dict]) -> None:
    for record in records:
        title = normalize_chars(str(record.get("title") or ""))
        body = normalize_chars(str(record.get("summary") or ""))
        start = time.perf_counter()
        try:
            prepared = prepare_record(title=title.replace(ZWNJ, ""), body=body.replace(ZWNJ, ""))
        except ValueError:
            part.failed += 1
            continue
        finally:
            part.seconds += time.perf_counter() - start
        part.records += 1
        output = "\n".join(segment.text for segment in prepared.segments)
        score_record(part, f"{title}\n{body}", output)


def report(part: Part) -> None:
    print(
        f"\n{part.name}: {part.records} records ({part.failed} failed), "
        f"pipeline {part.seconds:.2f}s, unaligned gold ZWNJs {part.unaligned}"
    )
    print(part.total.line("overall"))
    for cls in CLASSES:
        print(part.classes[cls].line(cls))


def print_examples(title: str, pairs: list[tuple[str, str]], count: int, only: str | None) -> None:
    pairs = [pair for pair in pairs if only is None or pair[0] == only]
    print(f"\n{title} (tuning part):")
    for cls, word in random.Random(0).sample(pairs, min(count, len(pairs))):
        print(f"  {cls:<12} {word}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=default_corpus())
    parser.add_argument("--examples", type=int, default=0, metavar="N")
    parser.add_argument("--class", dest="only", choices=CLASSES, default=None)
    args = parser.parse_args(argv)

    records = json.loads(args.corpus.read_text(encoding="utf-8"))
    held = [r for i, r in enumerate(records) if i % HELD_APART_EVERY == 0]
    tuning = [r for i, r in enumerate(records) if i % HELD_APART_EVERY != 0]

    start = time.perf_counter()
    prepare_record(title="عنوان", body="میخواهد")  # loads the lexicon
    print(f"corpus {args.corpus}  lexicon load {time.perf_counter() - start:.3f}s")
    print(f"split: held apart = records with index % {HELD_APART_EVERY} == 0, tuning = the rest")

    parts = [Part("held-apart"), Part("tuning")]
    run_part(parts[0], held)
    run_part(parts[1], tuning)
    for part in parts:
        report(part)
    print(f"\npipeline time, both parts: {sum(part.seconds for part in parts):.2f}s")
    if args.examples > 0:
        print_examples("false insertions", parts[1].false_pos, args.examples, args.only)
        print_examples("misses", parts[1].false_neg, args.examples, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
