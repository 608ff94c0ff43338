"""`manage.py import_articles PATH ...`: import files from the command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles.import_runs import run_batch
from articles.importers.formats import FORMATS
from articles.importers.source import ImportSource
from articles.models import ImportBatch
from articles.mt.packages import PackageError, require_model
from articles.tasks import translate_imported


class Command(BaseCommand):
    help = (
        "Import Persian articles from txt, html, json, jsonl, csv or zip files. "
        "Exit status: 0 all imported, 1 some records failed, 2 unusable arguments or file."
    )
    # The system checks (URLs, admin, models: half a second) are for `check`, `migrate` and the
    # servers; an import is waited for, and runs against a project they already passed.
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--format",
            default="auto",
            choices=("auto", *FORMATS),
            help="file format (default: by extension)",
        )
        parser.add_argument("--source-language", default="fa")
        parser.add_argument(
            "--translate",
            action="store_true",
            help="queue machine translation of the imported articles (run by db_worker)",
        )
        parser.add_argument(
            "--quiet-errors", action="store_true", help="do not list failed records"
        )
        # Accepted as with other commands; there are no checks to skip.
        parser.add_argument("--skip-checks", action="store_true", help=argparse.SUPPRESS)

    def handle(
        self,
        *args,
        paths: list[str],
        format: str,
        source_language: str,
        translate: bool,
        **options,
    ):
        if translate:
            try:
                require_model()
            except PackageError as error:
                raise CommandError(f"--translate: {error}", returncode=2) from None
        sources = []
        for raw in paths:
            path = Path(raw)
            if not path.is_file():
                raise CommandError(f"{raw}: no such file", returncode=2)
            if not os.access(path, os.R_OK):
                raise CommandError(f"{raw}: permission denied", returncode=2)
            sources.append(ImportSource.from_path(path))

        batch = ImportBatch.objects.create(
            filename=", ".join(Path(p).name for p in paths)[:255],
            format=format,
            source_language=source_language,
            translate=translate,
        )
        show_bar = sys.stderr.isatty() and options.get("verbosity", 1) > 0
        # No monitor thread: a large file is prepared in forked processes, forked from a process
        # without threads (articles/import_prepare.py).
        tqdm.monitor_interval = 0
        bar = tqdm(
            total=sum(s.size for s in sources),
            unit="B",
            unit_scale=True,
            desc="importing",
            disable=not show_bar,
            file=sys.stderr,
        )
        summary = run_batch(batch=batch, sources=sources, on_read=bar.update)
        bar.close()
        translate_imported(batch)

        if not options["quiet_errors"]:
            for error in summary.errors:
                self.stderr.write(f"failed: {error['record']}: {error['reason']}")
            for warning in summary.warnings:
                self.stderr.write(f"note: {warning['record']}: {warning['reason']}")
        for unusable in summary.unusable:
            self.stderr.write(f"unusable: {unusable['record']}: {unusable['reason']}")
        self.stdout.write(summary.line())
        if translate:
            queued = batch.articles.count()
            self.stdout.write(f"queued {queued} article(s) for translation; db_worker runs it")
        if summary.unusable:
            sys.exit(2)
        if summary.failed:
            sys.exit(1)
