"""Open-data files of a published permit edition, written once to storage and served from there.

A published edition is locked, so a file named after the edition's identity and last change never
goes stale; writing row by row keeps a worker's memory flat however large the catalogue is.
With several app servers MEDIA_ROOT is shared storage, so each file is written once for all.
"""
import gzip
import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from permits.importing.formats import write_csv_to, write_xlsx_to
from permits.selectors.catalogue import permit_catalogue_json_chunks
from permits.selectors.export import PERMIT_HEADERS, permit_export_rows

FORMATS = ("csv", "xlsx", "json")


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


def open_data_file(edition, fmt, *, stamp, compressed=False):
    """The path of the `fmt` file of `edition` in state `stamp` (its .gz with `compressed`, for csv
    and json), writing it first if missing."""
    if fmt not in FORMATS or (compressed and fmt not in GZIP_FORMATS):
        raise ValueError(fmt)
    folder = Path(settings.MEDIA_ROOT) / "open-data"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"permits-{edition.pk}-{stamp}.{fmt}"
    if not path.exists():
        _write_once(path, lambda target: _write(edition, fmt, target))
        for old in folder.glob(f"permits-{edition.pk}-*.{fmt}*"):
            if old.name not in (path.name, path.name + ".gz"):
                old.unlink(missing_ok=True)
    if not compressed:
        return path
    packed = path.with_name(path.name + ".gz")
    if not packed.exists():
        _write_once(packed, _gzip(path))
    return packed
