"""Installed Argos Translate packages: find the one serving a language pair, install new ones.

Argos keeps packages as folders under ARGOS_PACKAGES_DIR; `argostranslate.package` reads them.
Installing is done here rather than by `argostranslate.package.install_from_path`, which extracts
any zip as it is: a package file is checked first, so a bad file leaves nothing half-installed.
"""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings

INDEX_TIMEOUT_SECONDS = 10


class PackageError(Exception):
    """A package file or the package index cannot be used; the message says why."""


@dataclass(frozen=True)
class PackageInfo:
    """What the site needs to know of an installed package."""

    path: Path
    code: str
    version: str
    from_code: str
    to_code: str
    is_test_model: bool
    description: str

    @property
    def label(self) -> str:
        """Stored in `Segment.mt_model`: which package, which version produced a translation."""
        return f"{self.code}@{self.version}" if self.version else self.code


def packages_dir() -> Path:
    path = Path(settings.ARGOS_PACKAGES_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _info(package) -> PackageInfo:
    metadata = json.loads((Path(package.package_path) / "metadata.json").read_text("utf-8"))
    from_code, to_code = package.from_code or "", package.to_code or ""
    return PackageInfo(
        path=Path(package.package_path),
        code=package.code or f"{package.type}-{from_code}_{to_code}",
        version=package.package_version or "",
        from_code=from_code,
        to_code=to_code,
        is_test_model=bool(metadata.get("test_model")),
        description=str(metadata.get("description", "")),
    )


def installed_packages() -> list[PackageInfo]:
    """Every package under ARGOS_PACKAGES_DIR, in folder-name order.

    Folders being installed (dot names) and stray folders without metadata are passed over,
    where `argostranslate.package.get_installed_packages` would fail on them.
    """
    from argostranslate.package import Package

    return [
        _info(Package(folder))
        for folder in sorted(packages_dir().iterdir())
        if not folder.name.startswith(".") and (folder / "metadata.json").is_file()
    ]


def find_package(from_code: str | None = None, to_code: str | None = None) -> PackageInfo | None:
    """The package serving the pair (fa→en by default): a real model before a test model."""
    from_code = from_code or settings.MT_SOURCE_LANGUAGE
    to_code = to_code or settings.MT_TARGET_LANGUAGE
    candidates = [
        info
        for info in installed_packages()
        if info.from_code == from_code and info.to_code == to_code
    ]
    candidates.sort(key=lambda info: info.is_test_model)
    return candidates[0] if candidates else None


def require_model() -> PackageInfo:
    """The installed fa→en package, or a PackageError that says how to install one."""
    package = find_package()
    if package is None:
        raise PackageError(
            f"no {settings.MT_SOURCE_LANGUAGE}→{settings.MT_TARGET_LANGUAGE} translation model "
            "is installed: run manage.py mt install --file PATH.argosmodel"
        )
    return package


def _check_archive(archive: zipfile.ZipFile) -> tuple[str, dict]:
    """Return the package's one top-level folder and its metadata, or raise PackageError."""
    names = archive.namelist()
    tops = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts or "\\" in name:
            raise PackageError(f"unsafe path in package: {name!r}")
        tops.add(parts[0])
    if len(tops) != 1:
        raise PackageError(
            f"a package holds exactly one top-level folder; this one holds {len(tops)}"
        )
    top = tops.pop()
    try:
        metadata = json.loads(archive.read(f"{top}/metadata.json").decode("utf-8"))
    except KeyError:
        raise PackageError(f"no {top}/metadata.json in the package") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PackageError(f"{top}/metadata.json is not valid JSON: {error}") from None
    if (
        not isinstance(metadata, dict)
        or not metadata.get("from_code")
        or not metadata.get("to_code")
    ):
        raise PackageError("metadata.json names no from_code and to_code")
    required = [f"{top}/model/model.bin"]
    if f"{top}/sentencepiece.model" not in names and f"{top}/bpe.model" not in names:
        required.append(f"{top}/sentencepiece.model")
    missing = [name for name in required if name not in names]
    if missing:
        raise PackageError(f"not a translation package: missing {', '.join(missing)}")
    return top, metadata


def install_file(path: Path) -> PackageInfo:
    """Install a `.argosmodel` file, replacing an installed package of the same folder name."""
    path = Path(path)
    if not path.is_file():
        raise PackageError(f"no such file: {path}")
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{path.name} is not an Argos package (not a zip archive)")
    target_root = packages_dir()
    with zipfile.ZipFile(path) as archive:
        top, _ = _check_archive(archive)
        # Unpack beside the packages, then swap folders: readers never see half a package.
        with tempfile.TemporaryDirectory(dir=target_root, prefix=".installing-") as scratch:
            try:
                archive.extractall(scratch)
            except (zipfile.BadZipFile, OSError) as error:
                raise PackageError(f"cannot unpack {path.name}: {error}") from None
            destination = target_root / top
            old = target_root / f".replaced-{top}"
            if destination.exists():
                destination.rename(old)
            Path(scratch, top).rename(destination)
            shutil.rmtree(old, ignore_errors=True)
    from argostranslate.package import Package

    return _info(Package(destination))


def install_from_index(from_code: str | None = None, to_code: str | None = None) -> PackageInfo:
    """Download and install the pair's package from the Argos index (needs the internet)."""
    from argostranslate import package as argos_package
    from argostranslate import settings as argos_settings

    from_code = from_code or settings.MT_SOURCE_LANGUAGE
    to_code = to_code or settings.MT_TARGET_LANGUAGE
    url = argos_settings.remote_package_index
    try:
        with urllib.request.urlopen(url, timeout=INDEX_TIMEOUT_SECONDS) as response:
            data = response.read()
        Path(argos_settings.local_package_index).write_bytes(data)
    except OSError as error:  # URLError and timeouts are OSErrors
        reason = getattr(error, "reason", error)
        raise PackageError(
            f"cannot reach the Argos package index at {url} ({reason}); "
            "offline, install a package file with: manage.py mt install --file PATH.argosmodel"
        ) from None
    available = [
        package
        for package in argos_package.get_available_packages()
        if package.from_code == from_code and package.to_code == to_code
    ]
    if not available:
        raise PackageError(f"the Argos index has no {from_code}→{to_code} package")
    previous_timeout = socket.getdefaulttimeout()
    socket.setdefaulttimeout(60)
    try:
        downloaded = available[0].download()
    except Exception as error:  # Argos raises a bare Exception when every mirror fails.
        raise PackageError(f"download failed: {error}") from None
    finally:
        socket.setdefaulttimeout(previous_timeout)
    try:
        return install_file(downloaded)
    finally:
        Path(downloaded).unlink(missing_ok=True)


def is_test_model_label(label: str) -> bool:
    """Whether an `mt_model` label names a random-weight test model, installed or not."""
    if not label:
        return False
    installed = {info.label: info.is_test_model for info in installed_packages()}
    return installed.get(label, "-test-" in label.split("@")[0])
