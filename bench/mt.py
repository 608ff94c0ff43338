#!/usr/bin/env python
"""MT throughput benchmark: the project's engine against raw CTranslate2 and stock Argos Translate.

Builds the base-size random-weight test package (`articles/mt/testmodel.py`: transformer-base,
6+6 layers, d_model 512), takes --sentences distinct Persian sentences from the Hamshahri corpus
and translates them three ways, each in its own child process so imports and memory do not mix:

    engine  articles.mt.engine, the worker's path: get_engine(), then Engine.translate
    raw     ctranslate2.Translator.translate_batch: length-sorted batches, beam 2, asynchronous
            so every replica works; the ceiling the engine is measured against
    stock   argostranslate.translate.translate, one call per sentence, Argos's own defaults,
            run offline (blank spaCy pipeline in the package); slow, so only --stock-sample
            sentences, on which engine and raw are timed too

Random weights never emit end-of-sentence, so every way stops at the engine's bound,
1.5 x longest input + 10 tokens (stock gets it through a wrapped Translator). Each child warms
up once, then times --repeat runs (stock --stock-repeat: one run is already 40 separate calls
and a minute long), engine and raw taking turns so that other load on the machine hits both
alike; the table shows medians and each child's peak RSS from os.wait4. The
tokenizer also learns from the corpus headlines, which are never translated, so sentences cost
about what they cost a real model (--seed-vocab: built-in text only, ~1.7 x the tokens).
Goals: engine >= 15 x stock, engine >= 0.9 x raw, engine worker peak RSS < 600 MB.
About five minutes with the defaults on an idle two-core machine.

    .venv/bin/python bench/mt.py [--corpus ../shared/corpus/hamshahri.json] [--sentences 320]
                                 [--stock-sample 40] [--repeat 3] [--stock-repeat 1]
                                 [--batch-size 8] [--seed-vocab]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

from common import CORPUS, ROOT

CORES = len(os.sched_getaffinity(0))
BEAM_SIZE = 2
STOCK_WARMUP = 2
GOAL_VS_STOCK = 15.0
GOAL_VS_RAW = 0.9
GOAL_RSS_MB = 600.0
WAYS = ("engine", "raw", "stock")

Translate = Callable[[list[str]], list[str]]


def decoding_bound(tokens: int) -> int:
    """The engine's bound, applied to every way: random weights would otherwise never stop."""
    return int(1.5 * tokens + 10)


# --- parent: runs the children, prints the report -----------------------------------------------
# It imports nothing heavy: on Linux a child's ru_maxrss starts from its parent's RSS at fork.


class Child:
    """One step in a fresh interpreter: it prints a JSON line when ready, then times on request.

    Engine and raw stay loaded side by side and take turns, so that other work on the machine
    weighs on both alike; the idle one waits on its stdin and uses no CPU.
    """

    def __init__(self, way: str, args: argparse.Namespace, workdir: Path) -> None:
        cmd = [sys.executable, __file__, "--way", way, "--work", str(workdir)]
        cmd += ["--corpus", str(args.corpus), "--sentences", str(args.sentences)]
        cmd += ["--stock-sample", str(args.stock_sample), "--batch-size", str(args.batch_size)]
        cmd += ["--seed-vocab"] if args.seed_vocab else []
        self.way = way
        self.err_path = workdir / f"{way}.err"
        with self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=child_env(way, workdir, args.batch_size),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        self.report: dict = self.read()
        self.rates: dict[str, list[float]] = {"all": [], "subset": []}

    def read(self) -> dict:
        for line in self.proc.stdout:
            if line.startswith("{"):
                return json.loads(line)
        self.proc.wait()
        tail = self.err_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        sys.exit(f"{self.way}: exit {self.proc.returncode} before reporting; stderr ends:\n{tail}")

    def time(self, which: str) -> None:
        self.proc.stdin.write(f"{which}\n")
        self.proc.stdin.flush()
        self.rates[which].append(self.read()["rate"])

    def finish(self) -> dict:
        """Let the child exit; add its median rates and peak RSS (MB) to its report."""
        self.proc.stdin.close()
        self.proc.stdout.read()
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        if self.proc.returncode:
            sys.exit(f"{self.way}: exit {self.proc.returncode}; see {self.err_path}")
        for which, rates in self.rates.items():
            if rates:
                self.report[which] = statistics.median(rates)
        self.report["rss_mb"] = usage.ru_maxrss / 1024
        return self.report


def child_env(way: str, workdir: Path, batch_size: int) -> dict:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("PYTEST_VERSION", None)
    if way == "engine":
        env.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            DEBUG="1",
            NEWSROOM_VAR_DIR=str(workdir / "var"),
            ARGOS_PACKAGES_DIR=str(workdir / "packages"),
            MT_BEAM_SIZE=str(BEAM_SIZE),
            MT_BATCH_SIZE=str(batch_size),
            MT_INTER_THREADS=str(CORES),
            MT_INTRA_THREADS="1",
            MT_COMPUTE_TYPE="int8",
        )
    if way == "stock":
        # Argos reads these when first imported; its spaCy cache must look filled, or importing
        # argostranslate.sbd tries to download a model.
        xdg = {name: workdir / "xdg" / name.lower() for name in ("CACHE", "DATA", "CONFIG")}
        (xdg["CACHE"] / "argos-translate" / "spacy" / "senter" / "model").mkdir(parents=True)
        env.update({f"XDG_{name}_HOME": str(path) for name, path in xdg.items()})
        env.update(ARGOS_CHUNK_TYPE="SPACY", ARGOS_PACKAGES_DIR=str(workdir / "packages"))
    return env


def run(args: argparse.Namespace, workdir: Path) -> tuple[dict, dict[str, dict]]:
    """Prepare, then time engine and raw in turns, then stock; return the plan and reports."""
    preparer = Child("prepare", args, workdir)
    plan = preparer.finish()
    print(
        f"base test package built in {plan['build_seconds']:.1f} s "
        f"({plan['package_mb']:.1f} MB, vocabulary {plan['vocabulary']}); {CORES} cores, "
        f"beam {BEAM_SIZE}, batch {args.batch_size}, repeat {args.repeat} "
        f"(stock {args.stock_repeat})",
        flush=True,
    )
    engine, raw = Child("engine", args, workdir), Child("raw", args, workdir)
    for which in ("all", "subset"):
        for round_ in range(max(1, args.repeat)):
            for child in (engine, raw) if round_ % 2 == 0 else (raw, engine):
                child.time(which)
    print(f"  engine and raw: {max(1, args.repeat)} timed runs each, in turns", flush=True)
    reports = {"engine": engine.finish(), "raw": raw.finish()}
    stock = Child("stock", args, workdir)
    for _ in range(max(1, args.stock_repeat)):
        stock.time("subset")
    reports["stock"] = stock.finish()
    return plan, reports


def print_report(plan: dict, reports: dict[str, dict], load: tuple[float, float]) -> None:
    engine, raw, stock = reports["engine"], reports["raw"], reports["stock"]
    total, sample = plan["count"], len(plan["subset"])
    print()
    print(
        f"{'way':7s} {f'sent/s on {total}':>15s} {f'sent/s on {sample}':>14s} "
        f"{'peak RSS MB':>12s} {'load s':>7s}"
    )
    for way in WAYS:
        report = reports[way]
        on_all = f"{report['all']:15.2f}" if "all" in report else f"{'-':>15s}"
        print(
            f"{way:7s} {on_all} {report['subset']:14.2f} "
            f"{report['rss_mb']:12.1f} {report['load_seconds']:7.2f}"
        )
    print()
    print(
        "load s: engine = first get_engine(); raw = Translator and tokenizer; "
        "stock = imports and language lookup (its model loads lazily, in the warm-up)"
    )
    tokens, subset_tokens = plan["tokens"], plan["subset_tokens"]
    print(
        f"source tokens: {tokens} in {total} sentences ({tokens / total:.1f} per sentence), "
        f"{subset_tokens} in the {sample} ({subset_tokens / sample:.1f})"
    )
    if "loads" in engine:
        print(
            f"engine: get_engine() twice -> {engine['loads']} model load(s), same object: "
            f"{engine['same_engine']}; torch imported: {engine['torch']}, "
            f"argostranslate.translate imported: {engine['argos_translate']}"
        )
        print(f"engine: {engine['config']}")
    busy = max(load)
    print(
        f"load average before/after: {load[0]:.1f}/{load[1]:.1f}"
        + (f" (over {CORES} cores: other work competed, figures are noisy)" if busy > CORES else "")
    )
    vs_stock = engine["subset"] / stock["subset"]
    vs_raw = engine["all"] / raw["all"]
    print(
        f"engine on all {total} / stock on the {sample}: {engine['all'] / stock['subset']:.1f} x "
        f"(on the same {sample} sentences: {vs_stock:.1f} x, judged below)"
    )
    goals = [
        (f"engine/stock {vs_stock:6.1f} x", vs_stock >= GOAL_VS_STOCK, f">= {GOAL_VS_STOCK:g}"),
        (f"engine/raw   {vs_raw:6.2f} x", vs_raw >= GOAL_VS_RAW, f">= {GOAL_VS_RAW:g}"),
        (
            f"engine RSS {engine['rss_mb']:6.0f} MB",
            engine["rss_mb"] < GOAL_RSS_MB,
            f"< {GOAL_RSS_MB:g} MB",
        ),
    ]
    for label, met, goal in goals:
        print(f"goal {label} (goal {goal}): {'met' if met else 'NOT MET'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sentences", type=int, default=320)
    parser.add_argument("--stock-sample", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stock-repeat", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument(
        "--seed-vocab", action="store_true", help="train the tokenizer on the built-in text only"
    )
    parser.add_argument("--way", choices=("prepare", *WAYS), help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way == "prepare":
        prepare(args)
    elif args.way:
        child(args.way, args.work, args.batch_size)
    elif not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus}")
    else:
        before = os.getloadavg()[0]
        with tempfile.TemporaryDirectory(prefix="newsroom-bench-mt-") as tmp:
            plan, reports = run(args, Path(tmp))
        print_report(plan, reports, (before, os.getloadavg()[0]))


# --- prepare child: sentences, package ------------------------------------------------------------


def prepare(args: argparse.Namespace) -> None:
    """Build and unpack the base test package; write the plan every other child reads."""
    import sentencepiece

    from articles.mt.testmodel import build_test_package

    records = json.loads(args.corpus.read_text(encoding="utf-8"))
    sentences = collect_sentences(records, args.sentences)
    # Headlines only: the translated sentences all come from summaries.
    titles = [] if args.seed_vocab else [str(r.get("title") or "") for r in records]
    start = time.perf_counter()
    archive = build_test_package(args.work / "base.argosmodel", size="base", extra_text=titles)
    build_seconds = time.perf_counter() - start
    packages = args.work / "packages"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(packages)
    (folder,) = packages.iterdir()
    package_spacy_pipeline(folder)

    sample = min(args.stock_sample, len(sentences))
    subset = sorted({int(i * len(sentences) / sample) for i in range(sample)})
    processor = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    lengths = [len(processor.encode(text)) for text in sentences]
    plan = {
        "package": str(folder),
        "sentences": sentences,
        "subset": subset,
        "tokens": sum(lengths),
        "subset_tokens": sum(lengths[i] for i in subset),
        "vocabulary": processor.get_piece_size(),
        "build_seconds": build_seconds,
        "package_mb": archive.stat().st_size / 1e6,
    }
    (args.work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    summary = {key: value for key, value in plan.items() if key != "sentences"}
    print(json.dumps({**summary, "count": len(sentences)}))


def collect_sentences(records: list[dict], count: int) -> list[str]:
    """`count` distinct summary sentences across the corpus, in the canon imports store."""
    from articles.text.normalize import normalize_chars
    from articles.text.segment import split_sentences
    from articles.text.zwnj import restore_zwnj

    seen: dict[str, None] = {}
    for record in records:
        text = restore_zwnj(normalize_chars(str(record.get("summary") or "")))
        for sentence in split_sentences(text):
            seen.setdefault(sentence, None)
    sentences = list(seen)
    if len(sentences) < count:
        sys.exit(f"the corpus holds {len(sentences)} distinct sentences; asked for {count}")
    return [sentences[int(i * len(sentences) / count)] for i in range(count)]


def package_spacy_pipeline(folder: Path) -> None:
    """Put a blank Persian spaCy pipeline in the package, so stock Argos needs no download.

    Argos adds the "sentencizer" pipe itself to a packaged pipeline, and refuses a second one,
    so the saved pipeline is left without it.
    """
    import spacy

    spacy.blank("fa").to_disk(folder / "spacy")


# --- timing children: one way each ----------------------------------------------------------------


def child(way: str, workdir: Path, batch_size: int) -> None:
    """Load one way and warm it up, then time one run per request line ("all" or "subset")."""
    plan = json.loads((workdir / "plan.json").read_text(encoding="utf-8"))
    sentences: list[str] = plan["sentences"]
    sets = {"all": sentences, "subset": [sentences[i] for i in plan["subset"]]}
    loader = {"engine": load_engine, "raw": load_raw, "stock": load_stock}[way]
    start = time.perf_counter()
    translate, report = loader(Path(plan["package"]), batch_size)
    report["load_seconds"] = time.perf_counter() - start
    translate(sets["subset"][:STOCK_WARMUP] if way == "stock" else sentences[:batch_size])
    report["torch"] = "torch" in sys.modules
    report["argos_translate"] = "argostranslate.translate" in sys.modules
    print(json.dumps(report), flush=True)
    for line in sys.stdin:
        texts = sets[line.strip()]
        start = time.perf_counter()
        outputs = translate(texts)
        seconds = time.perf_counter() - start
        if len(outputs) != len(texts) or not all(outputs):
            sys.exit(f"{way}: {len(outputs)} outputs for {len(texts)} inputs, or empty outputs")
        print(json.dumps({"rate": len(texts) / seconds}), flush=True)


def load_engine(folder: Path, batch_size: int) -> tuple[Translate, dict]:
    """The worker's own path: Django settings, then the process-wide engine (loaded once)."""
    import django

    django.setup()
    from articles.mt import engine as mt_engine

    if hasattr(mt_engine, "get_engine"):
        first = mt_engine.get_engine()
        second = mt_engine.get_engine()
        report = {
            "same_engine": first is second,
            "config": str(getattr(first, "config", "")),
        }
        return first.translate, report
    config = mt_engine.EngineConfig(
        beam_size=BEAM_SIZE, batch_size=batch_size, inter_threads=CORES, intra_threads=1
    )
    return mt_engine.Engine.load(folder, config=config).translate, {}


def load_raw(folder: Path, batch_size: int) -> tuple[Translate, dict]:
    import ctranslate2
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    translator = ctranslate2.Translator(
        str(folder / "model"),
        device="cpu",
        compute_type="int8",
        inter_threads=CORES,
        intra_threads=1,
    )

    def translate(texts: Sequence[str]) -> list[str]:
        tokens = [processor.encode(text, out_type=str) for text in texts]
        order = sorted(range(len(tokens)), key=lambda i: len(tokens[i]))
        pending = []
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            source = [tokens[i] for i in batch]
            results = translator.translate_batch(
                source,
                beam_size=BEAM_SIZE,
                max_batch_size=batch_size,
                max_decoding_length=decoding_bound(max(len(t) for t in source)),
                asynchronous=True,
            )
            pending.append((batch, results))
        outputs = [""] * len(texts)
        for batch, results in pending:
            for index, result in zip(batch, results, strict=True):
                outputs[index] = processor.decode(result.result().hypotheses[0])
        return outputs

    return translate, {}


def load_stock(folder: Path, batch_size: int) -> tuple[Translate, dict]:
    """Stock Argos, its defaults (batch size too) untouched but for a decoding bound."""
    import ctranslate2

    class BoundedTranslator(ctranslate2.Translator):
        def translate_batch(self, source, *args, **kwargs):
            kwargs.setdefault("max_decoding_length", decoding_bound(max(map(len, source))))
            return super().translate_batch(source, *args, **kwargs)

    # argostranslate.translate builds its Translator as `ctranslate2.Translator(...)`.
    ctranslate2.Translator = BoundedTranslator
    from argostranslate import translate as argos

    if argos.get_translation_from_codes("fa", "en") is None:
        sys.exit("stock Argos does not see the fa→en test package")

    def translate(texts: Sequence[str]) -> list[str]:
        return [argos.translate(text, "fa", "en") for text in texts]

    return translate, {}


if __name__ == "__main__":
    main()
