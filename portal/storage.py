"""Uploaded files on disk, written whole or not at all."""

import contextlib
import errno
import logging
import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.files import storage
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# The disk (or the account's share of it, or the largest file it allows) is full.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class _Written:
    """A file already on disk: Django's storage moves it into place instead of copying."""

    def __init__(self, path):
        self.path = path

    def temporary_file_path(self):
        return self.path


class FileSystemStorage(storage.FileSystemStorage):
    """Django's file system storage, but a write that fails half-way (a full disk) leaves
    nothing behind: the file is written under a temporary name beside its place and renamed
    into it only once it is complete, so no reader ever sees half a file."""

    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        descriptor, partial = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk.encode() if isinstance(chunk, str) else chunk)
                out.flush()
                os.fsync(out.fileno())
            return super()._save(name, _Written(partial))
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(partial)


def keep_upload(field_file, name, upload):
    """Store ``upload`` in a model's file field (not saving the model); a full disk refuses it
    with a message for the person, and nothing of it stays on disk."""
    try:
        field_file.save(name, upload, save=False)
    except OSError as error:
        if error.errno not in NO_ROOM:
            raise
        logger.error("Upload %r refused, no room on disk: %s", upload.name, error)
        raise ValidationError(
            _(
                "The portal has no room to store this file just now, so nothing was kept. "
                "Please try again later; the team has been told."
            )
        ) from error
