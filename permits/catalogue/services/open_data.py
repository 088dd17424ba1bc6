"""Open-data files of a published permit edition, written once to storage and served from there.

A published edition is locked, so a file named after the edition's identity and last change (its
"state") never goes stale; writing row by row keeps memory flat however large the catalogue is.
With several app servers MEDIA_ROOT is shared storage, so each file is written once for all.

The files of a state are written by one process at a time, under an flock on `<state>.lock` that
the kernel releases if the writer dies. With OPEN_DATA_BACKGROUND on (the default) that writer is
`manage.py open_data_build` in a process of its own, started by a publish or by the first download
that finds a file missing: a large catalogue is never cut off by the server's request timeout. A
request waits for its file at most REQUEST_WAIT seconds, then the view answers 503.
"""
import fcntl
import gzip
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings

from permits.kernel.exporting import export_write
from permits.kernel.selectors import current_published
from permits.catalogue.selectors.export import permit_export_spec

logger = logging.getLogger(__name__)

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
    """Another process is writing the file and did not finish within the wait."""


# Raise when the same data would give other file contents (columns, layout): a deploy then replaces
# the files and ETags of the earlier version instead of serving them.
FILE_VERSION = 1


def open_data_stamp(edition):
    """The state part of file names and ETags: the edition's last change in ms, and FILE_VERSION."""
    return f"{int(edition.updated_at.timestamp() * 1000)}v{FILE_VERSION}"


def _folder():
    return Path(settings.MEDIA_ROOT) / "open-data"


def _write(edition, fmt, path):
    export_write(permit_export_spec(edition), fmt, path)


def _gzip(source, target):
    with open(source, "rb") as raw, gzip.open(target, "wb", compresslevel=6) as packed:
        shutil.copyfileobj(raw, packed, 1024 * 1024)


def _write_once(path, write):
    """Write beside and rename, so a reader never sees half a file (call with the state's lock)."""
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


def _ensure(edition, folder, state, fmt, compressed):
    """Write the plain file if missing, then its .gz if asked and missing (call with the state's lock)."""
    plain = _path(folder, state, fmt)
    if not plain.exists():
        _write_once(plain, lambda target: _write(edition, fmt, target))
    packed = _path(folder, state, fmt, compressed=True)
    if compressed and not packed.exists():
        _write_once(packed, lambda target: _gzip(plain, target))


def _lock(handle, wait, done=lambda: False):
    """Take the flock of an open lock file, held until the file is closed: True once held, False
    if done() came true while waiting, StillWriting after `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if done():
                return False
            if time.monotonic() > deadline:
                raise StillWriting(Path(handle.name).name) from None
            time.sleep(WAIT_STEP)


def _being_written(lock_path):
    """Whether some process holds this lock right now."""
    with open(lock_path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released as the file closes
        except BlockingIOError:
            return True
        return False


def _prune(folder, keep, among="permits-"):
    """Remove the files, partial files and locks named `among…` whose names do not start with `keep`."""
    for old in folder.glob(f"{among}*"):
        if not old.name.startswith(keep):
            old.unlink(missing_ok=True)


def open_data_file(edition, fmt, *, stamp, compressed=False, wait=None):
    """The path of the `fmt` file of `edition` in state `stamp` (its .gz with `compressed`, for csv
    and json), once written; StillWriting if that takes longer than `wait` seconds."""
    if fmt not in FORMATS or (compressed and fmt not in GZIP_FORMATS):
        raise ValueError(fmt)
    wait = REQUEST_WAIT if wait is None else wait
    folder = _folder()
    state = f"permits-{edition.pk}-{stamp}"
    path = _path(folder, state, fmt, compressed)
    if path.exists():  # the common case: nothing more to do
        return path
    folder.mkdir(parents=True, exist_ok=True)
    lock_path = folder / f"{state}.lock"
    deadline = time.monotonic() + wait
    started = False
    while not path.exists():
        # Nobody is writing: start the writer process, or (when that is off) write here.
        if not started and not _being_written(lock_path):
            started = open_data_build_start(edition, first=fmt) is not None
            if not started:
                with open(lock_path, "a") as lock:
                    if _lock(lock, deadline - time.monotonic(), done=path.exists):
                        _ensure(edition, folder, state, fmt, compressed)
                _prune(folder, keep=f"{state}.", among=f"permits-{edition.pk}-")
                break
        if time.monotonic() > deadline:
            raise StillWriting(path.name)
        time.sleep(WAIT_STEP)
    return path


def open_data_build(edition, *, first=None, wait=3600):
    """Write every open-data file of `edition` in its current state, then remove the files of every
    edition and state but the one served now (this one, unless a newer one was published); the
    paths, plain before compressed, in FORMATS order but the `first` format (one waited for) first."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    state = f"permits-{edition.pk}-{open_data_stamp(edition)}"
    lock_path = folder / f"{state}.lock"
    with open(lock_path, "a") as lock:
        _lock(lock, wait)
        for fmt, compressed in _files(first):
            _ensure(edition, folder, state, fmt, compressed)
        # Every file exists now: whoever takes a lock on this state after us finds them all.
        lock_path.unlink(missing_ok=True)
    # Decided now, from the database (a remembered read may be another process's stale one): a newer
    # edition published meanwhile keeps its files.
    current = current_published(type(edition), scope=getattr(edition, type(edition).scope_field))
    if current is not None and current.pk != edition.pk:
        _prune(folder, keep=f"permits-{current.pk}-")
    else:
        _prune(folder, keep=f"{state}.")
    return [_path(folder, state, fmt, compressed) for fmt, compressed in _files(first)]


def open_data_build_start(edition, *, first=None):
    """Start `manage.py open_data_build` for `edition` in a process of its own, with this process's
    environment; None if OPEN_DATA_BACKGROUND is off or the process cannot be started."""
    if not settings.OPEN_DATA_BACKGROUND:
        return None
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "open_data_build", "--edition", str(edition.pk)]
    if first:
        command += ["--first", first]
    try:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True,
        )
    except OSError:
        logger.exception("could not start open_data_build for edition %s", edition.pk)
        return None
    # Reaps the finished process, so none is left as a zombie of this worker.
    threading.Thread(target=process.wait, daemon=True).start()
    return process
