"""Open-data files of a published permit edition, written once to storage and served from there.

A published edition is locked, so a file named after the edition's identity and last change never
goes stale; writing row by row keeps a worker's memory flat however large the catalogue is.
With several app servers MEDIA_ROOT is shared storage, so each file is written once for all.

Publishing starts `manage.py open_data_build` in a process of its own, so no request waits for the
files and a large catalogue is not cut off by the server's request timeout. A request that finds a
file missing writes it itself; one that finds it being written waits, then answers 503 in time.
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

from permits.importing.formats import write_csv_to, write_xlsx_to
from permits.selectors.catalogue import permit_catalogue_json_chunks
from permits.selectors.export import PERMIT_HEADERS, permit_export_rows

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx", "json")
# Seconds a request waits for another process's writing: well below gunicorn's 30 s timeout.
REQUEST_WAIT = 20
# Seconds a client turned away with a 503 is asked to wait before asking again.
RETRY_AFTER = 30
WAIT_STEP = 0.05


class StillWriting(Exception):
    """Another process is writing the file and did not finish within the wait."""


def open_data_stamp(edition):
    """The state part of the file names: the edition's last change, in milliseconds."""
    return int(edition.updated_at.timestamp() * 1000)


def _write(edition, fmt, path):
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as stream:
            write_csv_to(stream, PERMIT_HEADERS, permit_export_rows(edition))
    elif fmt == "xlsx":
        write_xlsx_to(path, PERMIT_HEADERS, permit_export_rows(edition), title="行政许可事项清单")
    else:
        with open(path, "w", encoding="utf-8") as stream:
            for piece in permit_catalogue_json_chunks(edition):
                stream.write(piece)


# Text formats are also kept gzip-compressed (about a tenth of the size) for clients that accept it.
GZIP_FORMATS = ("csv", "json")


def _write_once(path, write):
    """Write beside and rename: a reader never sees half a file, and two writers cannot clash."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=f"{path.suffix}.part")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _gzip(source):
    def write(target):
        with open(source, "rb") as raw, gzip.open(target, "wb", compresslevel=6) as packed:
            shutil.copyfileobj(raw, packed, 1024 * 1024)

    return write


def _write_alone(path, write, wait):
    """Write `path` unless it exists, one process at a time (an flock, released even if the writer
    dies); the others wait for the file up to `wait` seconds, then raise StillWriting."""
    if path.exists():
        return False
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a") as lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if path.exists():
                    return False
                if time.monotonic() > deadline:
                    raise StillWriting(path.name) from None
                time.sleep(WAIT_STEP)
        try:
            if path.exists():  # written by the process that held the lock before us
                return False
            _write_once(path, write)
            # Safe to remove once the file exists: whoever locks after this finds the file and stops.
            lock_path.unlink(missing_ok=True)
            return True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def open_data_file(edition, fmt, *, stamp, compressed=False, wait=None):
    """The path of the `fmt` file of `edition` in state `stamp` (its .gz with `compressed`, for csv
    and json), writing it first if missing; StillWriting if another process is still at it."""
    if fmt not in FORMATS or (compressed and fmt not in GZIP_FORMATS):
        raise ValueError(fmt)
    wait = REQUEST_WAIT if wait is None else wait
    folder = Path(settings.MEDIA_ROOT) / "open-data"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"permits-{edition.pk}-{stamp}.{fmt}"
    if _write_alone(path, lambda target: _write(edition, fmt, target), wait):
        for old in folder.glob(f"permits-{edition.pk}-*.{fmt}*"):
            if not old.name.startswith(path.name):  # keeps this state's .gz and lock files
                old.unlink(missing_ok=True)
    if not compressed:
        return path
    packed = path.with_name(path.name + ".gz")
    _write_alone(packed, _gzip(path), wait)
    return packed


def open_data_build(edition, *, wait=3600):
    """Write every open-data file of `edition` in its current state and remove those of every other
    permit catalogue (only the current one is served); the paths, in FORMATS order."""
    stamp = open_data_stamp(edition)
    paths = []
    for fmt in FORMATS:
        paths.append(open_data_file(edition, fmt, stamp=stamp, wait=wait))
        if fmt in GZIP_FORMATS:
            paths.append(open_data_file(edition, fmt, stamp=stamp, compressed=True, wait=wait))
    for old in paths[0].parent.glob("permits-*"):
        if not old.name.startswith(f"permits-{edition.pk}-"):
            old.unlink(missing_ok=True)
    return paths


def open_data_build_start(edition):
    """Start `manage.py open_data_build` for `edition` in a process of its own (after a publish)."""
    if not settings.OPEN_DATA_BUILD_AT_PUBLISH:
        return None
    try:
        process = subprocess.Popen(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "open_data_build", "--edition", str(edition.pk)],
            cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True,
        )
    except OSError:  # the first download writes the files instead
        logger.exception("could not start open_data_build for edition %s", edition.pk)
        return None
    # Reaps the finished process, so none is left as a zombie of this worker.
    threading.Thread(target=process.wait, daemon=True).start()
    return process
