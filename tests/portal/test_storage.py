"""Uploads are written whole or not at all (portal.storage), and a full disk is a message."""

import errno
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File

from applications.models import ApplicationDocument
from portal.storage import FileSystemStorage, keep_upload


class FillsUp(File):
    """An upload whose second chunk finds the disk full, as a write does when it fills."""

    def __init__(self, error=errno.ENOSPC):
        super().__init__(None, name="deck.pdf")
        self.error, self.size = error, 2048

    def chunks(self, chunk_size=None):
        yield b"%PDF-1.7\n" + b"0" * 1000
        raise OSError(self.error, os.strerror(self.error))


def files_under(folder):
    return sorted(name for _root, _dirs, names in os.walk(folder) for name in names)


def test_a_write_that_fails_half_way_leaves_no_file(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    with pytest.raises(OSError, match="No space left on device"):
        storage.save("applications/1/deck.pdf", FillsUp())
    assert files_under(tmp_path) == []


def test_a_complete_write_is_in_place_whole_and_readable(tmp_path):
    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("applications/1/deck.pdf", ContentFile(b"%PDF-1.7 whole"))
    assert name == "applications/1/deck.pdf"
    assert files_under(tmp_path) == ["deck.pdf"]
    assert (tmp_path / name).read_bytes() == b"%PDF-1.7 whole"
    assert oct((tmp_path / name).stat().st_mode & 0o777) == "0o644"
    # A second file of the same name gets a name of its own; the first is untouched.
    other = storage.save("applications/1/deck.pdf", ContentFile(b"%PDF-1.7 other"))
    assert other != name and (tmp_path / name).read_bytes() == b"%PDF-1.7 whole"


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EDQUOT, errno.EFBIG])
def test_a_full_disk_refuses_the_upload_with_a_message(error):
    document = ApplicationDocument()
    with pytest.raises(ValidationError) as refused:
        keep_upload(document.file, "upload", FillsUp(error))
    assert refused.value.messages == [
        "The portal has no room to store this file just now, so nothing was kept. "
        "Please try again later; the team has been told."
    ]
    assert not document.file


def test_another_disk_error_is_not_dressed_as_a_full_disk():
    document = ApplicationDocument()
    with pytest.raises(PermissionError):
        keep_upload(document.file, "upload", FillsUp(errno.EACCES))
