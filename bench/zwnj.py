"""Benchmark ZWNJ restoration against a corpus whose text keeps its ZWNJs.

Usage: .venv/bin/python bench/zwnj.py [CORPUS_JSON] [--examples N]

Every title and summary is normalised, stripped of U+200C and restored; the ZWNJs that sit
between two letters in the original are the gold standard.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from articles.text.zwnj import restore_zwnj  # noqa: E402

ZWNJ = "\u200c"
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "hamshahri.json"
CHAR_MAP = str.maketrans({"ي": "ی", "ك": "ک", "\u0640": None})


def normalise(text: str) -> str:
    """Apply the same character normalisation the importer does (Persian ی/ک, no tatweel, NFC)."""
    return unicodedata.normalize("NFC", text.translate(CHAR_MAP))


def zwnj_positions(text: str) -> set[int]:
    """Positions (indices into the ZWNJ-free text) of ZWNJs that sit between two letters."""
    positions = set()
    stripped_index = 0
    for i, char in enumerate(text):
        if char != ZWNJ:
            stripped_index += 1
            continue
        before = text[i - 1] if i > 0 else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if before.isalpha() and after.isalpha():
            positions.add(stripped_index)
    return positions


def load_texts(path: Path) -> list[str]:
    records = json.loads(path.read_text(encoding="utf-8"))
    texts = []
    for record in records:
        for key in ("title", "summary"):
            value = record.get(key) or ""
            if value.strip():
                texts.append(normalise(value))
    return texts


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    broken: int = 0
    false_pos: list[tuple[str, str]] = field(default_factory=list)
    false_neg: list[tuple[str, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def word_at(text: str, position: int) -> str:
    """The whitespace-delimited word of `text` around stripped index `position`, ZWNJ shown as ·."""
    raw = [i for i, char in enumerate(text) if char != ZWNJ]
    start = end = raw[position] if position < len(raw) else len(text)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].replace(ZWNJ, "·")


def score(golds: list[str], outputs: list[str]) -> Score:
    result = Score()
    for gold, output in zip(golds, outputs, strict=True):
        if output.replace(ZWNJ, "") != gold.replace(ZWNJ, ""):
            result.broken += 1
        expected, got = zwnj_positions(gold), zwnj_positions(output)
        result.tp += len(expected & got)
        for pos in sorted(got - expected):
            result.fp += 1
            result.false_pos.append((word_at(output, pos), word_at(gold, pos)))
        for pos in sorted(expected - got):
            result.fn += 1
            result.false_neg.append((word_at(output, pos), word_at(gold, pos)))
    return result


def timed_run(inputs: list[str]) -> tuple[list[str], float]:
    start = time.perf_counter()
    outputs = [restore_zwnj(text) for text in inputs]
    return outputs, time.perf_counter() - start


def print_examples(title: str, pairs: list[tuple[str, str]], count: int) -> None:
    print(f"\n{title} (output → gold):")
    sample = random.Random(0).sample(pairs, min(count, len(pairs)))
    for got, expected in sample:
        print(f"  {got}  →  {expected}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--examples", type=int, default=0, metavar="N")
    args = parser.parse_args(argv)

    golds = load_texts(args.corpus)
    inputs = [gold.replace(ZWNJ, "") for gold in golds]

    start = time.perf_counter()
    restore_zwnj("")
    restore_zwnj("میخواهد")
    load_time = time.perf_counter() - start

    runs = [timed_run(inputs) for _ in range(3)]
    outputs = runs[0][0]
    first = runs[0][1]
    median = statistics.median(seconds for _, seconds in runs)

    result = score(golds, outputs)
    print(
        f"texts {len(golds)}  lexicon load {load_time:.3f}s  "
        f"restore {median:.3f}s (median of 3; first run {first:.3f}s)"
    )
    print(
        f"precision {result.precision:.3f}  recall {result.recall:.3f}  f1 {result.f1:.3f}  "
        f"(tp {result.tp}  fp {result.fp}  fn {result.fn})"
    )
    if result.broken:
        print(f"WARNING: {result.broken} outputs differ from their input beyond ZWNJs")
    if args.examples > 0:
        print_examples("false positives", result.false_pos, args.examples)
        print_examples("false negatives", result.false_neg, args.examples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
