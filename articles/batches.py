"""Starting an import from an uploaded file: the checks, the batch, and its task after commit.

The API and the admin both take uploads; their validators call the checks here and their save
calls `start_import`, so a file the one refuses the other refuses too, with the same words.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from articles.importers.bounds import size_text
from articles.models import ImportBatch
from articles.mt.packages import PackageError, require_model
from articles.tasks import run_import_batch


def check_file(upload: File | None) -> None:
    """Refuse a missing, empty or oversized upload (ValidationError, saying what to do)."""
    if not upload:
        raise ValidationError("Choose a file to import.")
    if upload.size == 0:
        raise ValidationError("The file is empty.")
    limit = settings.MAX_IMPORT_UPLOAD_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"The file is larger than {size_text(limit)}; import it with the command line."
        )


def check_translate(translate: bool) -> None:
    """Refuse to promise machine translation when no model is installed to do it."""
    if translate:
        try:
            require_model()
        except PackageError as error:
            raise ValidationError(str(error)) from None


def start_import(*, batch: ImportBatch, user) -> ImportBatch:
    """Save a new batch built from an upload (file, format, language, translate) and queue its
    import once the transaction commits, so the worker never looks for a batch not yet there."""
    check_file(batch.file)
    batch.created_by = user
    batch.filename = batch.file.name.rsplit("/", 1)[-1][:255]
    batch.bytes_total = batch.file.size
    batch.save()
    transaction.on_commit(lambda: run_import_batch.enqueue(batch.pk))
    return batch
