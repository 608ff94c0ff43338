"""`manage.py mt status|install|build-test-model|translate`: machine-translation models and runs."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from articles.mt.packages import (
    PackageError,
    find_package,
    install_file,
    install_from_index,
    installed_packages,
    require_model,
)
from articles.mt.translate import apply_translation, pending_articles
from articles.tasks import request_translation
from articles.workers import alive_workers


class Command(BaseCommand):
    help = "Machine translation: list and install Argos models, build a test model, translate."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        commands.add_parser("status", help="installed models and which one serves fa→en")
        install = commands.add_parser(
            "install", help="install a .argosmodel file, or the fa→en package from the Argos index"
        )
        install.add_argument("--file", type=Path, metavar="PATH.argosmodel")
        build = commands.add_parser(
            "build-test-model",
            help="write a random-weight fa→en package for tests and benchmarks (gibberish output)",
        )
        build.add_argument("path", type=Path, metavar="PATH.argosmodel")
        build.add_argument("--size", choices=("tiny", "base"), default="tiny")
        build.add_argument("--seed", type=int, default=0)
        translate = commands.add_parser("translate", help="queue (or with --sync run) MT")
        which = translate.add_mutually_exclusive_group(required=True)
        which.add_argument("--article", type=int, nargs="+", metavar="ID")
        which.add_argument(
            "--pending", action="store_true", help="every article not yet translated"
        )
        translate.add_argument("--sync", action="store_true", help="translate now, in this process")

    def handle(self, *args, action: str, **options) -> None:
        handler = getattr(self, "handle_" + action.replace("-", "_"))
        handler(**options)

    def handle_status(self, **options) -> None:
        self.stdout.write(f"packages: {settings.ARGOS_PACKAGES_DIR}")
        packages = installed_packages()
        if not packages:
            self.stdout.write("  (none installed)")
        for package in packages:
            test = "  TEST MODEL: random weights, output is not a translation" * (
                package.is_test_model
            )
            self.stdout.write(
                f"  {package.label}  {package.from_code}→{package.to_code}  "
                f"{package.path.name}{test}"
            )
        serving = find_package()
        if serving is None:
            self.stdout.write(
                "fa→en: no model installed (manage.py mt install --file PATH.argosmodel)"
            )
        else:
            self.stdout.write(f"fa→en: {serving.label}" + " (test model)" * serving.is_test_model)
        workers = alive_workers().count()
        self.stdout.write(f"task workers alive: {workers}")

    def handle_install(self, *, file: Path | None, **options) -> None:
        try:
            package = install_file(file) if file else install_from_index()
        except PackageError as error:
            self.stderr.write(f"mt install: {error}")
            sys.exit(1)
        note = " (test model: random weights, output is gibberish)" * package.is_test_model
        self.stdout.write(f"installed {package.label} into {package.path}{note}")

    def handle_build_test_model(self, *, path: Path, size: str, seed: int, **options) -> None:
        from articles.mt.testmodel import build_test_package

        if path.suffix != ".argosmodel":
            raise CommandError(f"{path}: name the package file *.argosmodel")
        if not path.parent.is_dir():
            raise CommandError(f"{path.parent}: no such directory")
        build_test_package(path, size=size, seed=seed)
        self.stdout.write(
            f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, {size} test model: random weights, "
            "its output is gibberish, never a translation)"
        )

    def handle_translate(
        self, *, article: list[int] | None, pending: bool, sync: bool, **options
    ) -> None:
        if article:
            found = set(Article.objects.filter(pk__in=article).values_list("pk", flat=True))
            missing = sorted(set(article) - found)
            if missing:
                raise CommandError(f"no article with id {', '.join(map(str, missing))}")
            ids = list(dict.fromkeys(article))
        else:
            ids = list(pending_articles().values_list("pk", flat=True))
        if not ids:
            self.stdout.write("nothing to translate")
            return
        if not sync:
            try:
                request_translation(ids)
            except PackageError as error:
                raise CommandError(str(error)) from None
            workers = alive_workers().count()
            hint = "" if workers else " (no task worker is running: start manage.py db_worker)"
            self.stdout.write(f"queued {len(ids)} article(s) for translation{hint}")
            return
        try:
            require_model()
        except PackageError as error:
            raise CommandError(str(error)) from None
        totals = {"mt": 0, "tm": 0, "kept": 0}
        for article_id in ids:
            result = apply_translation(article_id=article_id).as_dict()
            for key in totals:
                totals[key] += result[key]
            self.stdout.write(
                f"article {article_id}: {result['mt']} machine, {result['tm']} from memory, "
                f"{result['kept']} kept"
            )
        self.stdout.write(
            f"translated {len(ids)} article(s): {totals['mt']} segments by machine, "
            f"{totals['tm']} from translation memory, {totals['kept']} kept as they were"
        )
