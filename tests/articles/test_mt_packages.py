"""Installing Argos packages: a good file installs, a bad one is refused and leaves nothing."""

import json
import zipfile

import pytest

from articles.mt.packages import PackageError, find_package, install_file, installed_packages


def _zip(path, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _metadata(**extra) -> bytes:
    return json.dumps(
        {"from_code": "fa", "to_code": "en", "package_version": "2.0", **extra}
    ).encode()


def test_the_test_model_installs_and_serves_fa_to_en(tiny_model_file, tmp_path, settings):
    settings.ARGOS_PACKAGES_DIR = tmp_path / "packages"

    package = install_file(tiny_model_file)

    assert find_package() == package
    assert package.label == "translate-fa_en-test-tiny@1.0"
    assert package.is_test_model
    # Installing again replaces the package instead of adding a second one.
    install_file(tiny_model_file)
    assert [p.path.name for p in installed_packages()] == ["translate-fa_en-test-tiny"]


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"a/metadata.json": _metadata(), "b/x": b""}, "exactly one top-level folder"),
        ({"../evil/metadata.json": _metadata()}, "unsafe path"),
        ({"p/model/model.bin": b"", "p/sentencepiece.model": b""}, "no p/metadata.json"),
        ({"p/metadata.json": b"{nope", "p/model/model.bin": b""}, "not valid JSON"),
        ({"p/metadata.json": _metadata(), "p/sentencepiece.model": b""}, "model/model.bin"),
        ({"p/metadata.json": b"{}", "p/model/model.bin": b""}, "from_code and to_code"),
    ],
)
def test_a_bad_package_is_refused_and_nothing_is_installed(files, reason, tmp_path, settings):
    settings.ARGOS_PACKAGES_DIR = tmp_path / "packages"
    package = _zip(tmp_path / "bad.argosmodel", files)

    with pytest.raises(PackageError, match=reason):
        install_file(package)

    assert list((tmp_path / "packages").iterdir()) == []


def test_a_file_that_is_not_a_zip_is_refused(tmp_path, settings):
    settings.ARGOS_PACKAGES_DIR = tmp_path / "packages"
    not_zip = tmp_path / "model.argosmodel"
    not_zip.write_text("hello")

    with pytest.raises(PackageError, match="not a zip archive"):
        install_file(not_zip)


def test_a_real_model_is_preferred_to_a_test_model(tiny_model_file, tmp_path, settings):
    settings.ARGOS_PACKAGES_DIR = tmp_path / "packages"
    install_file(tiny_model_file)
    with zipfile.ZipFile(tiny_model_file) as archive:
        files = {
            name.replace("translate-fa_en-test-tiny", "translate-fa_en"): archive.read(name)
            for name in archive.namelist()
        }
    files["translate-fa_en/metadata.json"] = _metadata(code="translate-fa_en")
    install_file(_zip(tmp_path / "real.argosmodel", files))

    assert find_package().label == "translate-fa_en@2.0"
    assert not find_package().is_test_model
