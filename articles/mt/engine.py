"""Batched CTranslate2 translation of segments, one output per input, in input order.

`argostranslate.translate` re-splits and re-joins text (losing the segment alignment editors
need) and translates a sentence at a time. This engine takes the package's CTranslate2 model and
tokenizer and translates a whole article's segments in length-sorted batches, each segment
decoded on its own, so output i is exactly the translation of input i.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from articles.mt.packages import PackageError, PackageInfo, require_model
from articles.text.chars import ASCII_NUMBERS

# Persian and Arabic-Indic digits reach the model as ASCII digits: English output wants them, and
# Argos' training data writes numbers mostly that way.
_DIGITS = ASCII_NUMBERS | str.maketrans({"«": '"', "»": '"'})
_SPACES = re.compile(r"\s+")
# Where a long sentence may be cut: after a comma, semicolon or colon (Persian or Latin).
_CLAUSE_END = re.compile(r"(?<=[،؛,;:])\s+")


def prepare_source(text: str) -> str:
    """The text as the model is given it: ASCII digits, plain quotes, single spaces."""
    return _SPACES.sub(" ", text.translate(_DIGITS)).strip()


def decoding_bound(source_tokens: int) -> int:
    """Random or degenerate models may never emit end-of-sentence: stop them well past any
    plausible translation length."""
    return int(1.5 * source_tokens + 10)


@dataclass(frozen=True)
class Scored:
    """A translation with the model's confidence in it.

    `confidence` is the geometric mean of the output tokens' probabilities, exp(mean log p), as
    CTranslate2 scores a hypothesis with length penalty 1: 0–1, higher is surer. `low` are the
    code-point spans of the words holding a token the model gave less than the low-confidence
    probability (MT_LOW_CONFIDENCE), as Firefox Translations marks words.
    """

    text: str
    confidence: float | None = None
    low: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class EngineConfig:
    beam_size: int = 2
    batch_size: int = 8
    inter_threads: int = 1
    intra_threads: int = 1
    compute_type: str = "int8"
    max_input_tokens: int = 200
    low_confidence: float = 0.2

    @classmethod
    def from_settings(cls) -> EngineConfig:
        return cls(
            beam_size=settings.MT_BEAM_SIZE,
            batch_size=settings.MT_BATCH_SIZE,
            inter_threads=settings.MT_INTER_THREADS,
            intra_threads=settings.MT_INTRA_THREADS,
            compute_type=settings.MT_COMPUTE_TYPE,
            max_input_tokens=settings.MT_MAX_INPUT_TOKENS,
            low_confidence=settings.MT_LOW_CONFIDENCE,
        )


class _SentencePiece:
    def __init__(self, model_file: Path) -> None:
        import sentencepiece

        self._processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))

    def encode(self, text: str) -> list[str]:
        return self._processor.encode(text, out_type=str)

    def decode(self, tokens: list[str]) -> str:
        return self._processor.decode_pieces(tokens)


def _load_tokenizer(package_dir: Path):
    if (package_dir / "sentencepiece.model").is_file():
        return _SentencePiece(package_dir / "sentencepiece.model")
    if (package_dir / "bpe.model").is_file():
        from argostranslate.package import Package

        return Package(package_dir).tokenizer
    raise PackageError(f"{package_dir.name} has neither sentencepiece.model nor bpe.model")


class Engine:
    """One loaded model: build it once per process (see `get_engine`), then call `translate`."""

    def __init__(self, *, translator, tokenizer, label: str, target_prefix: str, config) -> None:
        self._translator = translator
        self._tokenizer = tokenizer
        self.label = label
        self._target_prefix = target_prefix
        self.config: EngineConfig = config

    @classmethod
    def load(
        cls, package_dir: Path, *, label: str | None = None, config: EngineConfig | None = None
    ) -> Engine:
        import json

        import ctranslate2

        config = config or EngineConfig()
        package_dir = Path(package_dir)
        metadata = json.loads((package_dir / "metadata.json").read_text("utf-8"))
        translator = ctranslate2.Translator(
            str(package_dir / "model"),
            device="cpu",
            compute_type=config.compute_type,
            inter_threads=config.inter_threads,
            intra_threads=config.intra_threads,
        )
        return cls(
            translator=translator,
            tokenizer=_load_tokenizer(package_dir),
            label=label or package_dir.name,
            target_prefix=metadata.get("target_prefix", "") or "",
            config=config,
        )

    def _pieces(self, text: str) -> list[list[str]]:
        """Tokenised input, split at clause boundaries (then words) when over the input limit."""
        limit = self.config.max_input_tokens
        tokens = self._tokenizer.encode(text)
        if len(tokens) <= limit:
            return [tokens]
        chunks: list[str] = []
        for clause in _CLAUSE_END.split(text):
            if chunks and self._fits(f"{chunks[-1]} {clause}"):
                chunks[-1] = f"{chunks[-1]} {clause}"
            elif self._fits(clause):
                chunks.append(clause)
            else:
                chunks.extend(self._split_words(clause))
        return [self._tokenizer.encode(chunk)[:limit] for chunk in chunks]

    def _fits(self, text: str) -> bool:
        return len(self._tokenizer.encode(text)) <= self.config.max_input_tokens

    def _split_words(self, text: str) -> list[str]:
        chunks: list[str] = []
        for word in text.split(" "):
            if chunks and self._fits(f"{chunks[-1]} {word}"):
                chunks[-1] = f"{chunks[-1]} {word}"
            else:
                chunks.append(word)
        return chunks

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Translate each text on its own; empty texts give empty translations."""
        return [scored.text for scored in self.translate_scored(texts)]

    def translate_scored(self, texts: Sequence[str]) -> list[Scored]:
        """Translate each text on its own, with the model's confidence in each and the words it
        was least sure of; empty texts give empty translations."""
        prepared = [prepare_source(text) for text in texts]
        unique = sorted({text for text in prepared if text})
        # (unique text index, piece tokens) for every piece of every distinct text.
        pieces = [
            (index, tokens) for index, text in enumerate(unique) for tokens in self._pieces(text)
        ]
        order = sorted(range(len(pieces)), key=lambda i: len(pieces[i][1]))
        size = max(1, self.config.batch_size)
        pending = []
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            tokens = [pieces[i][1] for i in batch]
            prefix = [[self._target_prefix] for _ in batch] if self._target_prefix else None
            # Asynchronous calls let every model replica (inter_threads) work on its own batch.
            results = self._translator.translate_batch(
                tokens,
                target_prefix=prefix,
                beam_size=self.config.beam_size,
                max_batch_size=size,
                max_input_length=0,
                max_decoding_length=decoding_bound(max(len(t) for t in tokens)),
                replace_unknowns=True,
                return_scores=True,
                asynchronous=True,
            )
            pending.append((batch, tokens, results))
        outputs: list[list[str]] = [[] for _ in pieces]
        scores: list[float | None] = [None] * len(pieces)
        token_scores: list[list[float] | None] = [None] * len(pieces)
        scoring = []
        for batch, tokens, results in pending:
            hypotheses = []
            for piece_index, result in zip(batch, results, strict=True):
                found = result.result()
                outputs[piece_index] = self._without_prefix(found.hypotheses[0])
                scores[piece_index] = found.scores[0] if found.scores else None
                hypotheses.append(found.hypotheses[0])
            if self._word_level:
                # The decoder again over its own output: each token's log-probability.
                scoring.append(
                    (
                        batch,
                        self._translator.score_batch(
                            tokens,
                            hypotheses,
                            max_batch_size=size,
                            max_input_length=0,
                            offset=1 if self._target_prefix else 0,
                            asynchronous=True,
                        ),
                    )
                )
        for batch, results in scoring:
            for piece_index, result in zip(batch, results, strict=True):
                token_scores[piece_index] = list(result.result().log_probs)
        by_text: dict[str, list[tuple[list[str], float | None, list[float] | None]]] = {}
        for (index, _), out, score, per_token in zip(
            pieces, outputs, scores, token_scores, strict=True
        ):
            by_text.setdefault(unique[index], []).append((out, score, per_token))
        return [self._assemble(by_text[text]) if text else Scored("") for text in prepared]

    @property
    def _word_level(self) -> bool:
        return isinstance(self._tokenizer, _SentencePiece)

    def _without_prefix(self, tokens: list[str]) -> list[str]:
        if self._target_prefix and tokens and tokens[0] == self._target_prefix:
            return tokens[1:]
        return tokens

    def _assemble(self, parts: list[tuple[list[str], float | None, list[float] | None]]) -> Scored:
        """One text's pieces joined, with a token-weighted confidence and the low words' spans."""
        texts: list[str] = []
        low: list[tuple[int, int]] = []
        weighted, counted = 0.0, 0
        offset = 0
        for tokens, score, per_token in parts:
            text = self._detokenize(tokens)
            if not text:
                continue
            if texts:
                offset += 1  # the space joining pieces
            joined = "".join(piece.replace("\u2581", " ") for piece in tokens)
            if per_token is not None and _SPACES.sub(" ", joined).strip() == text:
                low += [
                    (offset + start, offset + end)
                    for start, end in _low_words(tokens, per_token, self.config.low_confidence)
                ]
            if score is not None:
                weighted += score * max(1, len(tokens))
                counted += max(1, len(tokens))
            texts.append(text)
            offset += len(text)
        confidence = round(math.exp(weighted / counted), 4) if counted else None
        return Scored(" ".join(texts).strip(), confidence, low)

    def _detokenize(self, tokens: list[str]) -> str:
        return _SPACES.sub(" ", self._tokenizer.decode(self._without_prefix(tokens))).strip()


def _low_words(
    tokens: list[str], log_probs: list[float], threshold: float
) -> list[tuple[int, int]]:
    """Spans, in the decoded text, of the words holding a token below `threshold` probability.

    SentencePiece marks a word's first piece with ▁; the decoded text is the pieces joined with ▁
    as a space, leading and doubled spaces dropped. The end-of-sentence token is not a word.
    """
    limit = math.log(threshold) if threshold > 0 else -math.inf
    words: list[list[int]] = []  # [start, end, is_low] in the joined pieces
    position = 0
    for index, piece in enumerate(tokens):
        text = piece.replace("\u2581", " ")
        low = index < len(log_probs) and log_probs[index] < limit
        starts_word = piece.startswith("\u2581") or not words
        lead = len(text) - len(text.lstrip(" "))
        if starts_word:
            words.append([position + lead, position + len(text), low])
        else:
            words[-1][1] = position + len(text)
            words[-1][2] = words[-1][2] or low
        position += len(text)
    joined = "".join(piece.replace("\u2581", " ") for piece in tokens)
    # Map offsets of `joined` to the text as decoded: single spaces, no leading space.
    mapping, kept, previous_space = [], 0, True
    for char in joined:
        mapping.append(kept)
        if char == " " and previous_space:
            continue
        previous_space = char == " "
        kept += 1
    mapping.append(kept)
    return [(mapping[start], mapping[end]) for start, end, low in words if low and end > start]


_lock = threading.Lock()
_cache: dict[tuple, Engine] = {}


def get_engine(package: PackageInfo | None = None) -> Engine:
    """The process's engine for the fa→en package, loaded on first use and kept after."""
    package = package or require_model()
    config = EngineConfig.from_settings()
    model_file = package.path / "model" / "model.bin"
    key = (str(package.path), model_file.stat().st_mtime_ns, config)
    with _lock:
        engine = _cache.get(key)
        if engine is None:
            _cache.clear()
            engine = Engine.load(package.path, label=package.label, config=config)
            _cache[key] = engine
        return engine
