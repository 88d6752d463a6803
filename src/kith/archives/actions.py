"""Importing and deleting archives: every change to an archive happens here.

An import reads the whole archive first, staging its records in an anonymous temporary file
(bounded memory, progress reported as it reads), and writes them in one transaction only once
all were read: a bad archive leaves nothing behind. The same content imported twice by the
same person is recognised by its hash and not imported again.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kith.archives.metrics import archive_figures
from kith.archives.models import (
    Archive,
    ArchiveContact,
    ArchiveInvitation,
    ArchiveMark,
    ArchiveMessage,
    ArchivePost,
    Network,
    Status,
)
from kith.archives.parsers import parser_for
from kith.archives.parsers.base import Parser
from kith.archives.records import (
    Account,
    ContactRecord,
    InvitationRecord,
    MarkRecord,
    MessageRecord,
    PostRecord,
)
from kith.archives.sources import ArchiveError, Source, file_digest, open_source

log = logging.getLogger(__name__)
Progress = Callable[[float], None]
BATCH = 2000
PROGRESS_EVERY = 500  # records between progress reports
READ_SHARE = 0.9  # of the progress bar: reading; the rest is writing
MODELS = {
    PostRecord: ArchivePost,
    ContactRecord: ArchiveContact,
    MessageRecord: ArchiveMessage,
    InvitationRecord: ArchiveInvitation,
    MarkRecord: ArchiveMark,
}


def uploads_dir() -> Path:
    """Return the folder where web uploads wait for their import (created on first use)."""
    folder = settings.VAR_DIR / "archive-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def content_digest(path: Path, parser: Parser) -> str:
    """Return the SHA-256 identifying an archive's content (a folder: its files' digests)."""
    if path.is_dir() and parser.loose is not None:
        digest = hashlib.sha256()
        for item in sorted(path.iterdir()):
            if parser.loose.search(item.name) and item.is_file() and not item.is_symlink():
                digest.update(f"{item.name}\0{file_digest(item)}\n".encode())
        return digest.hexdigest()
    if not path.is_file():
        raise ArchiveError("no such file", file=path.name)
    return file_digest(path)


def _columns(record_type) -> list[str]:
    return [f.name for f in fields(record_type)]


COLUMNS = {record_type: _columns(record_type) for record_type in MODELS}
# Longest value each column takes (None: unbounded): PostgreSQL refuses longer ones.
LIMITS = {
    record_type: [getattr(model._meta.get_field(name), "max_length", None) for name in names]
    for record_type, model in MODELS.items()
    for names in [COLUMNS[record_type]]
}
ORDER = list(MODELS)  # staged rows name their record type by its index here
CHUNK = 1000  # rows pickled together


def _db_value(value, limit: int | None, adapt):
    """Return `value` as the database takes it: NUL-free text within its column's length."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        return value[:limit] if limit else value
    if isinstance(value, datetime):
        return adapt(value)
    return value


def _stage(parser: Parser, source: Source, progress: Progress | None):
    """Read every record into a temporary file; return it, the record count and the account.

    Rows are staged as (type index, values ready for the database), a chunk per pickle.
    """
    entries = parser.plan(source)
    total = sum(entry.size for entry in entries) or 1
    readers = []
    adapt = connection.ops.adapt_datetimefield_value
    index = {record_type: i for i, record_type in enumerate(ORDER)}

    @contextmanager
    def open_entry(entry):
        stream = source.open(entry)
        readers.append(stream)
        try:
            yield stream
        finally:
            stream.close()

    staged = tempfile.TemporaryFile()  # noqa: SIM115 - anonymous, closed by the caller
    account, count, chunk = "", 0, []
    try:
        for record in parser.records(source, open_entry):
            kind = type(record)
            if kind is Account:
                account = record.name[:300]
                continue
            values = tuple(
                _db_value(getattr(record, name), limit, adapt)
                for name, limit in zip(COLUMNS[kind], LIMITS[kind], strict=True)
            )
            chunk.append((index[kind], values))
            count += 1
            if len(chunk) >= CHUNK:
                pickle.dump(chunk, staged, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
                if progress:
                    progress(READ_SHARE * min(sum(r.count for r in readers) / total, 1.0))
        if chunk:
            pickle.dump(chunk, staged, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        staged.close()
        raise
    staged.seek(0)
    return staged, count, account


def _insert_sql(record_type) -> str:
    """Return the SQL inserting one row of `record_type`'s model, skipping duplicates.

    Plain executemany: the ORM's bulk_create spends most of an import preparing values.
    `ON CONFLICT DO NOTHING` is understood by SQLite and PostgreSQL alike.
    """
    quote = connection.ops.quote_name
    names = ["archive_id", *COLUMNS[record_type]]
    table = quote(MODELS[record_type]._meta.db_table)
    columns = ", ".join(quote(n) for n in names)
    marks = ", ".join(["%s"] * len(names))
    # Names come from the models, never from the archive; values are parameters.
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING"  # noqa: S608


def _write(archive: Archive, staged, count: int, progress: Progress | None) -> None:
    """Insert the staged rows in batches (duplicates in the archive are stored once)."""
    sql = [_insert_sql(record_type) for record_type in ORDER]
    batches: list[list] = [[] for _ in ORDER]
    written = 0
    with connection.cursor() as cursor:
        while True:
            try:
                chunk = pickle.load(staged)  # noqa: S301 - our own file, written just above
            except EOFError:
                break
            for kind, values in chunk:
                batch = batches[kind]
                batch.append((archive.pk, *values))
                if len(batch) >= BATCH:
                    cursor.executemany(sql[kind], batch)
                    written += len(batch)
                    batch.clear()
                    if progress:
                        progress(READ_SHARE + (1 - READ_SHARE) * written / max(count, 1))
        for kind, batch in enumerate(batches):
            if batch:
                cursor.executemany(sql[kind], batch)


def archive_import(
    *,
    owner,
    network: str,
    path: Path,
    file_name: str | None = None,
    progress: Progress | None = None,
    archive: Archive | None = None,
) -> tuple[Archive, bool]:
    """Import the archive at `path` for `owner`; return it and whether it was imported now.

    Raise ArchiveError (naming the file and line) for an archive that cannot be read; then
    nothing is written. Given `archive` (a web upload), fill that record in.
    """
    if network not in Network.values:
        raise ArchiveError(f"unknown network {network!r}; one of {', '.join(Network.values)}")
    parser = parser_for(network)
    label = Path(file_name or path.name).name[:255]
    content_hash = archive.content_hash if archive else content_digest(path, parser)
    if archive is None:
        done = Archive.objects.filter(
            owner=owner, network=network, content_hash=content_hash, status=Status.DONE
        ).first()
        if done is not None:
            return done, False
    with open_source(path, label=label, loose=parser.loose) as source:
        staged, count, account = _stage(parser, source, progress)
    with staged, transaction.atomic():
        if archive is None:
            archive, _ = Archive.objects.get_or_create(
                owner=owner,
                network=network,
                content_hash=content_hash,
                defaults={"file_name": label},
            )
        for model in MODELS.values():  # a failed or interrupted earlier run starts clean
            model.objects.filter(archive=archive).delete()
        _write(archive, staged, count, progress)
        archive.account = account
        archive.status = Status.DONE
        archive.progress = 100
        archive.error = ""
        archive.finished_at = timezone.now()
        archive.figures = archive_figures(archive)
        archive.save()
    return archive, True


def archive_upload(*, owner, network: str, upload, file_name: str) -> tuple[Archive, bool]:
    """Keep an uploaded file for its import task; return the archive and whether it is new.

    The same content uploaded again by the same person returns the archive already there
    (a failed one is tried again).
    """
    if network not in Network.values:
        raise ArchiveError(f"unknown network {network!r}; one of {', '.join(Network.values)}")
    label = Path(file_name.replace("\\", "/")).name[:255] or "upload"
    digest = hashlib.sha256()
    staging = tempfile.NamedTemporaryFile(  # noqa: SIM115 - moved into place below
        dir=uploads_dir(), suffix=".part", delete=False
    )
    try:
        with staging:
            for chunk in upload.chunks():
                digest.update(chunk)
                staging.write(chunk)
        content_hash = digest.hexdigest()
        with transaction.atomic():
            archive, created = Archive.objects.get_or_create(
                owner=owner,
                network=network,
                content_hash=content_hash,
                defaults={"file_name": label},
            )
            if not created and archive.status != Status.FAILED:
                Path(staging.name).unlink(missing_ok=True)
                return archive, False
            Path(staging.name).replace(upload_path(archive))
            Archive.objects.filter(pk=archive.pk).update(
                status=Status.PENDING, progress=0, error="", file_name=label
            )
            archive.refresh_from_db()
            transaction.on_commit(lambda: _enqueue(archive.pk))
    finally:
        Path(staging.name).unlink(missing_ok=True)
    return archive, True


def upload_path(archive: Archive) -> Path:
    """Return where an archive's upload waits: named by the archive's id, never by the upload."""
    return uploads_dir() / f"{archive.pk}.upload"


def _enqueue(archive_id: int) -> None:
    from kith.archives.tasks import import_archive

    import_archive.enqueue(archive_id=archive_id)


def archive_run(*, archive: Archive) -> Archive:
    """Import a web upload (from its task), recording progress and the outcome on the archive."""
    path = upload_path(archive)
    if archive.status == Status.DONE or not path.exists():
        return archive
    Archive.objects.filter(pk=archive.pk).update(status=Status.RUNNING, progress=0)
    last = [0]

    def progress(fraction: float) -> None:
        percent = min(int(fraction * 100), 99)
        if percent > last[0]:
            last[0] = percent
            Archive.objects.filter(pk=archive.pk).update(progress=percent)

    try:
        archive, _ = archive_import(
            owner=archive.owner,
            network=archive.network,
            path=path,
            file_name=archive.file_name,
            progress=progress,
            archive=archive,
        )
    except ArchiveError as exc:
        Archive.objects.filter(pk=archive.pk).update(
            status=Status.FAILED, error=str(exc), finished_at=timezone.now()
        )
    except Exception:
        log.exception("import of archive %s failed", archive.pk)
        Archive.objects.filter(pk=archive.pk).update(
            status=Status.FAILED,
            error="The archive could not be imported (an internal error, logged).",
            finished_at=timezone.now(),
        )
    finally:
        path.unlink(missing_ok=True)
    archive.refresh_from_db()
    return archive


def archive_delete(*, archive: Archive) -> None:
    """Delete an archive and everything imported with it."""
    upload = upload_path(archive)
    with transaction.atomic():
        archive.delete()
    upload.unlink(missing_ok=True)
