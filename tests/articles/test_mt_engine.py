"""The batched CTranslate2 engine, driven with the tiny random-weight test model.

Random weights give gibberish, so these tests check what does not depend on quality: one output
per input, in input order, empty in → empty out, long inputs split, the model loaded once.
"""

import pytest

from articles.mt.engine import Engine, EngineConfig, decoding_bound, get_engine, prepare_source

SENTENCES = [
    "روحانی: ائتلافی بین ایران و روسیه برای مبارزه با داعش وجود ندارد",
    "حسن روحانی، رییس جمهوری ایران",
    "رابطه ایران و آمریکا",
    "او گفت که ایران با روسیه همکاری می‌کند.",
    "پایگاه هوایی همدان",
]


@pytest.fixture
def engine(mt_model) -> Engine:
    return Engine.load(mt_model.path, label=mt_model.label, config=EngineConfig(batch_size=2))


def test_each_segment_gets_its_own_translation_in_order(engine):
    texts = [*SENTENCES, "", "   ", SENTENCES[0]]

    out = engine.translate(texts)

    assert len(out) == len(texts)
    assert out[5] == "" and out[6] == ""
    assert all(out[i] for i in range(5))
    # The same source gives the same output wherever it stands.
    assert out[7] == out[0]


def test_order_of_the_input_does_not_change_what_each_segment_gets(engine):
    forward = engine.translate(SENTENCES)
    backward = engine.translate(list(reversed(SENTENCES)))

    assert backward == list(reversed(forward))


def test_more_segments_than_a_batch_keep_their_alignment(mt_model):
    small = Engine.load(mt_model.path, config=EngineConfig(batch_size=3))
    texts = [f"{sentence} {n}" for n in range(4) for sentence in SENTENCES]

    out = small.translate(texts)

    assert len(out) == 20 and all(out)
    assert small.translate(list(reversed(texts))) == list(reversed(out))


def test_a_segment_longer_than_the_input_limit_is_split_at_clauses(mt_model):
    limited = Engine.load(mt_model.path, config=EngineConfig(max_input_tokens=12))
    long = "، ".join(SENTENCES[:4])
    tokenizer = limited._tokenizer
    assert len(tokenizer.encode(long)) > 12

    pieces = limited._pieces(prepare_source(long))

    assert len(pieces) > 1
    assert all(len(piece) <= 12 for piece in pieces)
    # Nothing is dropped: the pieces hold every word of the source.
    joined = " ".join(tokenizer.decode(piece) for piece in pieces)
    assert joined.split() == prepare_source(long).replace("\u200c", " ").split()
    assert limited.translate([long])[0]


def test_a_clause_longer_than_the_limit_is_split_between_words(mt_model):
    limited = Engine.load(mt_model.path, config=EngineConfig(max_input_tokens=6))
    long = " ".join(["ایران"] * 30)

    pieces = limited._pieces(long)

    assert len(pieces) > 1 and all(len(piece) <= 6 for piece in pieces)


def test_persian_digits_and_guillemets_reach_the_model_in_ascii():
    assert prepare_source("«سلام»  در ۱۳۹۵ و ٢٠١٦، ۳٫۵") == '"سلام" در 1395 و 2016، 3.5'


def test_decoding_is_bounded_by_the_source_length():
    assert decoding_bound(10) == 25
    assert decoding_bound(0) == 10


def test_the_model_is_loaded_once_per_process(mt_model, monkeypatch):
    first = get_engine()
    loads = []
    load = Engine.load

    def counted_load(*args, **kwargs):
        loads.append(args)
        return load(*args, **kwargs)

    monkeypatch.setattr(Engine, "load", counted_load)

    second = get_engine()

    assert second is first
    assert loads == []
    assert first.label == "translate-fa_en-test-tiny@1.0"


def test_each_translation_carries_the_models_confidence_and_its_least_sure_words(engine):
    scored = engine.translate_scored([*SENTENCES, ""])

    assert [s.text for s in scored] == engine.translate([*SENTENCES, ""])
    assert scored[-1].confidence is None and scored[-1].low == []
    for item in scored[:-1]:
        # Random weights spread probability over the whole vocabulary: every word is unsure.
        assert 0 < item.confidence < 0.2
        assert item.low
        for start, end in item.low:
            word = item.text[start:end]
            assert word and " " not in word
            assert start == 0 or item.text[start - 1] == " "
            assert end == len(item.text) or item.text[end] == " "


def test_a_sure_model_marks_no_words(engine):
    sure = Engine(
        translator=engine._translator,
        tokenizer=engine._tokenizer,
        label=engine.label,
        target_prefix="",
        config=EngineConfig(low_confidence=0.0),
    )
    assert all(item.low == [] for item in sure.translate_scored(SENTENCES))


def test_low_words_are_whole_words_of_the_decoded_text():
    from articles.mt.engine import _low_words

    tokens = ["▁The", "▁pres", "ident", "▁said", "▁no", "."]
    log_probs = [-0.1, -0.1, -3.0, -0.2, -0.05, -2.5, -9.0]  # the last is end-of-sentence
    text = "The president said no."

    spans = _low_words(tokens, log_probs, 0.2)

    assert [text[start:end] for start, end in spans] == ["president", "no."]
