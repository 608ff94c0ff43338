import json
import zipfile
from pathlib import Path

import pytest

from articles.mt.testmodel import build_test_package

PERSIAN = "حسن روحانی، رییس جمهوری ایران، روز جمعه سخن گفت."


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return build_test_package(tmp_path_factory.mktemp("model") / "tiny.argosmodel")


@pytest.fixture(scope="module")
def folder(tiny: Path, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("packages")
    with zipfile.ZipFile(tiny) as archive:
        archive.extractall(target)
    (folder,) = target.iterdir()
    return folder


def test_package_is_a_small_zip_of_one_folder(tiny: Path) -> None:
    with zipfile.ZipFile(tiny) as archive:
        names = archive.namelist()
    assert {name.split("/")[0] for name in names} == {"translate-fa_en-test-tiny"}
    assert "translate-fa_en-test-tiny/model/model.bin" in names
    assert "translate-fa_en-test-tiny/sentencepiece.model" in names
    assert tiny.stat().st_size < 1_000_000


def test_package_names_itself_a_test_model(folder: Path) -> None:
    metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["test_model"] is True
    assert (metadata["from_code"], metadata["to_code"]) == ("fa", "en")
    assert metadata["code"] == "translate-fa_en-test-tiny"
    assert "never a translation" in metadata["description"]
    assert "TEST MODEL" in (folder / "README.md").read_text(encoding="utf-8")


def test_argos_loads_the_package_and_its_tokenizer_encodes_persian(folder: Path) -> None:
    from argostranslate.package import Package

    package = Package(folder)
    assert (package.from_code, package.to_code) == ("fa", "en")
    tokens = package.tokenizer.encode(PERSIAN)
    assert tokens and "<unk>" not in tokens
    assert package.tokenizer.decode(tokens).strip() == PERSIAN


def test_ctranslate2_translates_persian_up_to_the_bound(folder: Path) -> None:
    import ctranslate2
    import sentencepiece

    processor = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    translator = ctranslate2.Translator(str(folder / "model"), compute_type="int8")
    (result,) = translator.translate_batch(
        [processor.encode(PERSIAN, out_type=str)], beam_size=2, max_decoding_length=20
    )
    tokens = result.hypotheses[0]
    assert len(tokens) == 20  # end-of-sentence is never chosen: benchmarks do the full work
    assert processor.decode(tokens).strip()


def test_same_seed_gives_the_same_file_and_another_seed_another(tiny: Path, tmp_path) -> None:
    again = build_test_package(tmp_path / "again.argosmodel")
    other = build_test_package(tmp_path / "other.argosmodel", seed=1)
    assert again.read_bytes() == tiny.read_bytes()
    assert other.read_bytes() != tiny.read_bytes()


def test_unknown_size_is_refused_with_the_sizes_there_are(tmp_path) -> None:
    with pytest.raises(ValueError, match="tiny, base"):
        build_test_package(tmp_path / "x.argosmodel", size="huge")
