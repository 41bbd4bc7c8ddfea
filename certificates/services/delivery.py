"""All of an event's certificates as one ZIP, streamed: no copy in memory or on disk."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO, cast

from django.core.files.storage import default_storage
from django.utils.text import slugify

from certificates.models import Certificate
from webinar.models import Event

CHUNK = 256 * 1024


class _Pipe:
    """A write-only file whose contents are collected and handed out as they are written."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


def zip_member_name(certificate: Certificate) -> str:
    # Names are user text: an ASCII slug cannot climb out of the folder or fool an unzipper.
    return f"{certificate.number}-{slugify(certificate.name)[:60] or 'certificate'}.pdf"


def certificates_zip_chunks(*, event: Event) -> Iterator[bytes]:
    """The event's valid, rendered certificates; PDFs are stored, not compressed again."""
    pipe = _Pipe()
    rows = (
        Certificate.objects.filter(event=event, revoked_at=None)
        .exclude(file="")
        .order_by("name", "pk")
        .only("number", "name", "file")
    )
    # Not seekable on purpose: zipfile then writes each member's sizes after its data.
    target = cast(IO[bytes], pipe)
    with zipfile.ZipFile(target, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in rows.iterator(chunk_size=200):
            try:
                source = default_storage.open(str(certificate.file.name), "rb")
            except FileNotFoundError:
                continue
            with source, archive.open(zip_member_name(certificate), "w") as member:
                while block := source.read(CHUNK):
                    member.write(block)
                    yield pipe.take()
            yield pipe.take()
    yield pipe.take()
