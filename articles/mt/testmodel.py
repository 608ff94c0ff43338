"""Build a random-weight fa→en Argos Translate package, for tests and benchmarks only.

Real models are downloads of hundreds of megabytes; tests and benchmarks need a package that is
built offline in seconds yet loads and runs exactly like one. Its output is gibberish, and its
metadata says so, so that nobody mistakes it for a translation model.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ctranslate2.specs import TransformerSpec
    from ctranslate2.specs.attention_spec import MultiHeadAttentionSpec
    from ctranslate2.specs.common_spec import LayerNormSpec, LinearSpec
    from ctranslate2.specs.transformer_spec import FeedForwardSpec

SEED_ARTICLE = Path(__file__).resolve().parent.parent / "demo" / "seed_article.txt"

# A little English, so the shared vocabulary holds target-side pieces too.
ENGLISH_TEXT = """\
The city council met on Monday evening to discuss the new budget for public transport.
Several members asked why the price of a bus ticket had risen twice in a single year.
The mayor said that fuel costs and repairs to old vehicles explained most of the increase.
Reporters from three newspapers waited outside the building until the meeting ended.
In the morning, heavy rain closed two roads in the north of the country.
Officials expect the weather to improve by the end of the week, according to a statement.
A spokesman for the ministry told journalists that talks with neighbouring states would continue.
Prices of bread, rice and cooking oil were stable, while the cost of housing kept growing.
Students returned to their classes after a holiday of two weeks.
The president did not answer questions about the agreement, saying only that work was going on.
"""

WEIGHT_STD = 0.02
FOLDER_NAME = "translate-fa_en-test-{size}"
DESCRIPTION = (
    "random weights, built for tests and benchmarks: its output is gibberish, never a translation"
)


@dataclass(frozen=True)
class ModelSize:
    """The shape of a test model; `vocab` is asked of SentencePiece, which may give fewer."""

    layers: int
    d_model: int
    heads: int
    ffn: int
    vocab: int


SIZES: dict[str, ModelSize] = {
    "tiny": ModelSize(layers=2, d_model=64, heads=4, ffn=128, vocab=400),
    # Transformer-base, as in Argos's own OpenNMT-py models. Of the 8,000 pieces asked, the
    # built-in text alone yields about 2,000; `extra_text` makes up the rest.
    "base": ModelSize(layers=6, d_model=512, heads=8, ffn=2048, vocab=8000),
}


def build_test_package(
    path: Path, *, size: str = "tiny", seed: int = 0, extra_text: Iterable[str] = ()
) -> Path:
    """Write a random-weight fa→en `.argosmodel` file at `path` and return `path`.

    The zip holds one folder, `translate-fa_en-test-<size>/`, with metadata.json, README.md,
    sentencepiece.model and a CTranslate2 model/ (int8). The model never emits end-of-sentence,
    so callers must bound decoding (`max_decoding_length`). `extra_text` lines join the
    tokenizer's training text: the built-in text is small, so its pieces are short, and a
    benchmark that wants real-model token counts passes some news text of its own.
    """
    if size not in SIZES:
        raise ValueError(f"unknown test model size {size!r}; choose one of {', '.join(SIZES)}")
    shape = SIZES[size]
    path = Path(path)
    name = FOLDER_NAME.format(size=size)
    sp_model = train_sentencepiece(vocab_size=shape.vocab, extra_text=extra_text)
    with tempfile.TemporaryDirectory(prefix="testmodel-") as scratch:
        folder = Path(scratch) / name
        (folder / "model").mkdir(parents=True)
        (folder / "sentencepiece.model").write_bytes(sp_model)
        (folder / "metadata.json").write_text(
            json.dumps(_metadata(name, size, seed), ensure_ascii=False, indent=2) + "\n",
            encoding="utf-8",
        )
        (folder / "README.md").write_text(_readme(name, size, seed), encoding="utf-8")
        spec = _random_spec(shape, _pieces(sp_model), np.random.default_rng(seed))
        spec.save(str(folder / "model"))
        _zip_folder(folder, path)
    return path


def train_sentencepiece(*, vocab_size: int, extra_text: Iterable[str] = ()) -> bytes:
    """Train a SentencePiece model on the seed article, a little English and `extra_text`.

    Single-threaded and unshuffled so the same corpus always gives the same pieces.
    """
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=_corpus_lines(extra_text),
        model_writer=model,
        model_type="bpe",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        character_coverage=1.0,
        num_threads=1,
        shuffle_input_sentence=False,
        minloglevel=2,
    )
    return model.getvalue()


def _corpus_lines(extra_text: Iterable[str] = ()) -> Iterator[str]:
    texts = (SEED_ARTICLE.read_text(encoding="utf-8"), ENGLISH_TEXT, *extra_text)
    for text in texts:
        for line in text.splitlines():
            if line.strip():
                yield line.strip()


def _pieces(sp_model: bytes) -> list[str]:
    """The SentencePiece vocabulary in id order: <unk>, <s>, </s> first, as CTranslate2 expects."""
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    return [processor.id_to_piece(index) for index in range(processor.get_piece_size())]


def _random_spec(shape: ModelSize, pieces: list[str], rng: np.random.Generator) -> TransformerSpec:
    """A pre-norm Transformer spec (as OpenNMT-py builds them) filled with random weights."""
    from ctranslate2.specs import TransformerSpec

    d, vocab = shape.d_model, len(pieces)
    spec = TransformerSpec.from_config(shape.layers, shape.heads)
    encoder, decoder = spec.encoder, spec.decoder
    # Position encodings stay unset: CTranslate2 then makes sinusoidal ones itself, for any
    # length, where a stored table would fail past its last row and weigh on the package.

    encoder.embeddings[0].weight = _normal(rng, vocab, d)
    _fill_norm(encoder.layer_norm, d)
    for layer in encoder.layer:
        _fill_attention(layer.self_attention, d, rng, cross=False)
        _fill_ffn(layer.ffn, d, shape.ffn, rng)

    decoder.embeddings.weight = _normal(rng, vocab, d)
    _fill_norm(decoder.layer_norm, d)
    for layer in decoder.layer:
        _fill_attention(layer.self_attention, d, rng, cross=False)
        _fill_attention(layer.attention, d, rng, cross=True)
        _fill_ffn(layer.ffn, d, shape.ffn, rng)
    _fill_linear(decoder.projection, vocab, d, rng)
    # Forbid </s> (id 2): a random model would otherwise stop at random lengths, and every run
    # should do the same, worst-case work up to the caller's decoding bound.
    decoder.projection.bias[2] = -1e4

    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    spec.optimize(quantization="int8")
    return spec


def _normal(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.standard_normal(shape, dtype=np.float32) * np.float32(WEIGHT_STD)


def _fill_linear(linear: LinearSpec, out_dim: int, in_dim: int, rng: np.random.Generator) -> None:
    linear.weight = _normal(rng, out_dim, in_dim)
    linear.bias = _normal(rng, out_dim)


def _fill_norm(norm: LayerNormSpec, d: int) -> None:
    norm.gamma = np.ones(d, dtype=np.float32)
    norm.beta = np.zeros(d, dtype=np.float32)


def _fill_attention(
    attention: MultiHeadAttentionSpec, d: int, rng: np.random.Generator, *, cross: bool
) -> None:
    """Self-attention fuses Q, K, V in one [3d, d] linear; cross-attention has Q, then fused KV."""
    _fill_norm(attention.layer_norm, d)
    if cross:
        _fill_linear(attention.linear[0], d, d, rng)
        _fill_linear(attention.linear[1], 2 * d, d, rng)
        _fill_linear(attention.linear[2], d, d, rng)
    else:
        _fill_linear(attention.linear[0], 3 * d, d, rng)
        _fill_linear(attention.linear[1], d, d, rng)


def _fill_ffn(ffn: FeedForwardSpec, d: int, inner: int, rng: np.random.Generator) -> None:
    _fill_norm(ffn.layer_norm, d)
    _fill_linear(ffn.linear_0, inner, d, rng)
    _fill_linear(ffn.linear_1, d, inner, rng)


def _metadata(name: str, size: str, seed: int) -> dict:
    return {
        "package_version": "1.0",
        "argos_version": "1.11",
        "from_code": "fa",
        "from_name": "Persian",
        "to_code": "en",
        "to_name": "English",
        "code": name,
        "type": "translate",
        "test_model": True,
        "test_model_size": size,
        "test_model_seed": seed,
        "description": DESCRIPTION,
        "links": [],
    }


def _readme(name: str, size: str, seed: int) -> str:
    return (
        f"# {name}\n\n"
        f"A TEST MODEL, not a translation model: a {size} Transformer with random weights "
        f"(seed {seed}), built by `articles/mt/testmodel.py` for tests and benchmarks. "
        "Whatever it outputs is gibberish; install a real fa→en package to translate.\n"
    )


def _zip_folder(folder: Path, path: Path) -> None:
    """Zip `folder` as the archive's one top-level folder, with fixed dates for stable bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(
                file.relative_to(folder.parent).as_posix(), date_time=(1980, 1, 1, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, file.read_bytes())
