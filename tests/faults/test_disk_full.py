"""A disk that fills while an upload is written: the upload is refused with a message, and
nothing of it is kept, neither a row nor half a file.

The disk is a real one that fills: a small tmpfs mounted as the media folder (needs root and
the right to mount; skipped otherwise). tests/portal/test_storage.py proves the same with a
write that fails half-way on any machine.
"""

import os
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.enums import DocumentKind, MemberRole
from applications.models import ApplicationDocument
from applications.services import start_application
from tests import factories
from tests.faults.conftest import report

pytestmark = [pytest.mark.faults, pytest.mark.django_db]

SIZE = 96 * 1024  # the whole disk


def pdf(size):
    return b"%PDF-1.7\n" + b"0" * (size - 16) + b"\n%%EOF\n"


@pytest.fixture
def small_disk(tmp_path, settings):
    media = tmp_path / "small-disk"
    media.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0755", "tmpfs", str(media)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    settings.MEDIA_ROOT = media
    yield media
    subprocess.run(["umount", "-l", str(media)], check=False)


def files_under(folder):
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, _dirs, names in os.walk(folder)
        for name in names
    )


def free_bytes(folder):
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def test_an_upload_that_fills_the_disk_is_refused_and_nothing_is_kept(small_disk, client):
    owner = factories.CompanyMemberFactory(role=MemberRole.OWNER)
    intake = factories.IntakeFactory()
    factories.DeskOfferFactory(intake=intake)
    draft = start_application(owner.company, intake, by=owner.user)
    client.force_login(owner.user)
    url = reverse("applications:step", args=[draft.pk, "documents"])
    free = free_bytes(small_disk)

    too_big = pdf(2 * SIZE)  # more than the disk holds, far less than the 10 MB limit
    response = client.post(
        url, {"kind": DocumentKind.PITCH_DECK, "file": SimpleUploadedFile("deck.pdf", too_big)}
    )
    assert response.status_code == 200
    assert "The portal has no room to store this file just now, so nothing was kept." in (
        response.text
    )
    assert ApplicationDocument.objects.count() == 0
    assert files_under(small_disk) == []
    assert free_bytes(small_disk) == free

    # The disk was not left fuller: a file that fits goes in whole.
    fits = pdf(8 * 1024)
    response = client.post(
        url,
        {"kind": DocumentKind.PITCH_DECK, "file": SimpleUploadedFile("deck.pdf", fits)},
    )
    assert response.status_code == 302
    document = ApplicationDocument.objects.get()
    assert files_under(small_disk) == [document.file.name]
    assert (small_disk / document.file.name).read_bytes() == fits
    report(
        "disk full while an upload is written",
        uploads_refused=1,
        half_files_left=len(files_under(small_disk)) - 1,
        rows_left=ApplicationDocument.objects.count() - 1,
    )
