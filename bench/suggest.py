#!/usr/bin/env python
"""Suggestion benchmark: a 120-segment article against a 10,000-entity knowledge base.

Writes a JSON Lines knowledge base of --entities synthetic entities (four aliases each, two per
language: 40,000 aliases for 10,000 entities) beside the starter entities, loads it with
`manage.py load_entities` in a child process (timed; goal under 20 s), builds a 120-segment
article from Hamshahri sentences with English targets, then times `suggest_for_article` --runs
times (suggestions removed between runs; the one-off automaton build is reported apart).
Goal: median under 100 ms.

    .venv/bin/python bench/suggest.py [--entities 10000] [--segments 120] [--runs 15]
                                      [--database sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import CORPUS, child_env, manage, scratch_database, setup_django

# Syllables built on letters that are rare in running text, so synthetic names behave like the
# proper names of a real knowledge base: most never occur in a given article.
FA_SYLLABLES = ["ژو", "ظا", "ثی", "ذر", "غو", "قا", "ضی", "طو", "ژا", "ثو", "ظی", "ذا", "غی", "ضو"]
EN_SYLLABLES = ["zho", "qua", "thy", "dhar", "ghu", "qi", "zoo", "tuv", "zha", "thu", "xi", "vex"]
TYPES = ["PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "MISC"]
# English targets as a news translation has them: a few names a sentence, some none.
ENGLISH = [
    "President Rouhani said Iran and Russia have no coalition against ISIS.",
    "He said there was a long way to go before relations improved.",
    "Reuters reported the remarks from New York.",
    "Officials in Washington did not comment on the report.",
    "The jets refuelled at Hamedan Air Base before flying on to Syria.",
    "Both sides said the talks would continue next week.",
]
# The stress case: eight names in every segment's target.
DENSE = (
    "President Rouhani said Iran and Russia have no coalition against ISIS in Syria, "
    "Reuters reported from New York, where the United Nations General Assembly met."
)


def name(rng: random.Random, syllables: list[str], parts: int) -> str:
    words = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))) for _ in range(parts)]
    return " ".join(words)


def write_kb(path: Path, count: int) -> int:
    rng = random.Random(7)
    aliases = 0
    with path.open("w", encoding="utf-8") as out:
        for index in range(count):
            fa = [name(rng, FA_SYLLABLES, rng.randint(1, 3)) for _ in range(3)]
            en = [name(rng, EN_SYLLABLES, rng.randint(1, 3)).title() for _ in range(3)]
            record = {
                "name_en": f"{en[0]} {index}",
                "name_fa": fa[0],
                "type": TYPES[index % len(TYPES)],
                "aliases_en": en[1:],
                "aliases_fa": fa[1:],
            }
            aliases += 4
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return aliases


def sentences(corpus: Path, count: int) -> list[str]:
    from articles.text.segment import split_sentences

    found: list[str] = []
    for record in json.loads(corpus.read_text("utf-8")):
        for sentence in split_sentences(record.get("summary") or ""):
            found.append(sentence)
            if len(found) == count:
                return found
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--segments", type=int, default=120)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument(
        "--dense", action="store_true", help="every target holds eight names (stress case)"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-suggest-"))
    env = child_env(workdir)
    with scratch_database(args.database, env, label="suggest"):
        measure(args, env, workdir)


def measure(args: argparse.Namespace, env: dict, workdir: Path) -> None:
    kb = workdir / "kb.jsonl"
    aliases = write_kb(kb, args.entities)
    started = time.perf_counter()
    loaded = manage(env, "load_entities", str(kb))
    load_seconds = time.perf_counter() - started

    setup_django(env)
    from annotations.models import Entity, Mention
    from annotations.suggestions import gazetteer, suggest_for_article
    from articles.models import Article, Segment, SegmentKind

    article = Article.objects.create(identity="bench", title="bench", raw_text="bench")
    texts = sentences(args.corpus, args.segments)
    Segment.objects.bulk_create(
        Segment(
            article=article,
            position=n,
            kind=SegmentKind.BODY,
            source_text=text,
            source_key=Segment.key_for(text),
            target_text=DENSE if args.dense else ENGLISH[n % len(ENGLISH)],
        )
        for n, text in enumerate(texts)
    )
    started = time.perf_counter()
    gazetteer()
    build_ms = (time.perf_counter() - started) * 1000
    times, found = [], 0
    for _ in range(args.runs):
        Mention.objects.filter(segment__article=article).delete()
        started = time.perf_counter()
        found = suggest_for_article(article_id=article.pk)
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times)
    sides = Counter(Mention.objects.filter(segment__article=article).values_list("side", flat=True))
    common = Counter(
        Mention.objects.filter(segment__article=article).values_list("text", flat=True)
    ).most_common(5)
    print(
        f"knowledge base: {Entity.objects.count()} entities, {aliases} synthetic aliases "
        f"plus the starter ones; {args.database}"
    )
    print(f"  load_entities: {load_seconds:.1f} s ({loaded.strip()})")
    print(f"  automaton build (once per knowledge-base change): {build_ms:.0f} ms")
    print(
        f"  suggest, {len(texts)} segments: median {median:.1f} ms over {args.runs} runs, "
        f"{found} suggestions{' (dense targets)' if args.dense else ''}"
    )
    print(f"  suggestions by side: {dict(sides)}; most frequent: {common}")
    print(f"  goal suggest median < 100 ms: {'met' if median < 100 else 'NOT met'}")
    print(f"  goal load_entities < 20 s: {'met' if load_seconds < 20 else 'NOT met'}")


if __name__ == "__main__":
    main()
