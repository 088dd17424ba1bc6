"""Open-data files of a published permit edition, written once to storage and served from there.

A published edition is locked, so a file named after the edition's identity and last change (its
"state") never goes stale; writing row by row keeps memory flat however large the catalogue is.
With several app servers MEDIA_ROOT is shared storage, so each file is written once for all.

The files of a state are written by one run at a time: the background job `open_data_build_task`
(permits.catalogue.tasks), queued by a publish or by the first download that finds a file missing, or the
staff command `manage.py open_data_build`, both under the state's job key (permits.kernel.jobs.services).
A large catalogue is never cut off by the server's request timeout; a request waits for its file
at most REQUEST_WAIT seconds, then the view answers 503.
"""
import gzip
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings

from permits.kernel.exporting import export_write
from permits.kernel.selectors import current_published
from permits.catalogue.selectors.export import permit_export_spec
from permits.kernel.jobs.services import job_claim, job_enqueue


# In the order open_data_build writes them: the slowest last.
FORMATS = ("csv", "json", "xlsx")
# Text formats are also kept gzip-compressed (about a tenth of the size) for clients that accept it.
GZIP_FORMATS = ("csv", "json")
# Seconds a request waits for another process's writing: well below gunicorn's 30 s timeout.
REQUEST_WAIT = 20
# Seconds a client turned away with a 503 is asked to wait before asking again.
RETRY_AFTER = 30
WAIT_STEP = 0.05


class StillWriting(Exception):
    """The file is being written by a background job that did not finish within the wait."""


# Raise when the same data would give other file contents (columns, layout): a deploy then replaces
# the files and ETags of the earlier version instead of serving them.
FILE_VERSION = 1


def open_data_stamp(edition):
    """The state part of file names and ETags: the edition's last change in ms, and FILE_VERSION."""
    return f"{int(edition.updated_at.timestamp() * 1000)}v{FILE_VERSION}"


def _folder():
    return Path(settings.MEDIA_ROOT) / "open-data"


def _write(edition, fmt, path, beat=lambda progress=None: None):
    export_write(permit_export_spec(edition), fmt, path, beat=beat)


def _gzip(source, target):
    with open(source, "rb") as raw, gzip.open(target, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(raw, packed, 1024 * 1024)


def _write_once(path, write):
    """Write beside and rename, so a reader never sees half a file (call holding the state's key)."""
    for stale in path.parent.glob(f"{path.name}.*.part"):  # left by a writer that was killed
        stale.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.", suffix=".part")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _path(folder, state, fmt, compressed=False):
    return folder / (f"{state}.{fmt}.gz" if compressed else f"{state}.{fmt}")


def _files(first=None):
    """(format, compressed) of every file of a state, plain before compressed, `first` first."""
    for fmt in sorted(FORMATS, key=lambda fmt: fmt != first):
        yield fmt, False
        if fmt in GZIP_FORMATS:
            yield fmt, True


def _ensure(edition, folder, state, fmt, compressed, beat):
    """Write the plain file if missing, then its .gz if asked and missing (call holding the state's key)."""
    plain = _path(folder, state, fmt)
    if not plain.exists():
        _write_once(plain, lambda target: _write(edition, fmt, target, beat))
    packed = _path(folder, state, fmt, compressed=True)
    if compressed and not packed.exists():
        _write_once(packed, lambda target: _gzip(plain, target))
    beat(f"{packed.name if compressed else plain.name} 已生成")


def _prune(folder, keep, among="permits-"):
    """Remove the files, partial files and locks named `among…` whose names do not start with `keep`."""
    for old in folder.glob(f"{among}*"):
        if not old.name.startswith(keep):
            old.unlink(missing_ok=True)


def open_data_state(edition):
    """The name shared by the files of the edition's current state, and the key of the job writing them."""
    return f"permits-{edition.pk}-{open_data_stamp(edition)}"


def open_data_job_key(edition):
    return f"open-data:{open_data_state(edition)}"


def open_data_file(edition, fmt, *, compressed=False, wait=None):
    """The path of the `fmt` file of `edition` (its .gz with `compressed`, for csv and json), once
    written: a missing file queues the build (once per state) and is waited for; StillWriting if
    that takes longer than `wait` seconds."""
    if fmt not in FORMATS or (compressed and fmt not in GZIP_FORMATS):
        raise ValueError(fmt)
    wait = REQUEST_WAIT if wait is None else wait
    path = _path(_folder(), open_data_state(edition), fmt, compressed)
    if path.exists():  # the common case: nothing more to do
        return path
    open_data_build_start(edition, first=fmt)
    deadline = time.monotonic() + wait
    while not path.exists():
        if time.monotonic() > deadline:
            raise StillWriting(path.name)
        time.sleep(WAIT_STEP)
    return path


def open_data_write(edition, *, first=None, beat=lambda progress=None: None):
    """Write every missing open-data file of `edition` in its current state (call holding the state's
    job key), then remove the files of every edition and state but the one served now (this one,
    unless a newer one was published); the paths, plain before compressed, in FORMATS order but the
    `first` format (one waited for) first."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    state = open_data_state(edition)
    for fmt, compressed in _files(first):
        _ensure(edition, folder, state, fmt, compressed, beat)
    # Decided now, from the database (a remembered read may be another process's stale one): a newer
    # edition published meanwhile keeps its files.
    current = current_published(type(edition), scope=getattr(edition, type(edition).scope_field))
    if current is not None and current.pk != edition.pk:
        _prune(folder, keep=f"permits-{current.pk}-")
    else:
        _prune(folder, keep=f"{state}.")
    return [_path(folder, state, fmt, compressed) for fmt, compressed in _files(first)]


def open_data_build(edition, *, first=None):
    """open_data_write here and now, holding the state's job key (the staff command);
    JobBusy while a background job writes the same state."""
    with job_claim(open_data_job_key(edition)) as beat:
        return open_data_write(edition, first=first, beat=beat)


def open_data_build_start(edition, *, first=None):
    """Queue the background build of `edition`'s files (a publish, a download finding a file missing);
    nothing new if that state's build is already queued or running. The job's row."""
    from permits.catalogue.tasks import open_data_build_task  # the task module imports this one

    return job_enqueue(open_data_build_task, open_data_job_key(edition), edition_id=edition.pk, first=first)
