"""The one exporter: every download of a list (public or admin, CSV, XLSX or JSON) is written and sent here.

A catalogue describes its export with an `ExportSpec` (columns, rows, names, the state the data is
in); this module owns everything else: formula escaping, the CSV BOM, the XLSX sheet, JSON, the
file name, the content type, `Content-Disposition`, ETag, Last-Modified and the 304.
"""
import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from django.http import FileResponse, HttpResponse, HttpResponseNotModified
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from urllib.parse import quote

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ofd": "application/ofd",
}
# A cell starting with one of these is run as a formula by Excel/LibreOffice (tab and CR too).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class ExportSpec:
    """What a catalogue declares about one export; `rows` and `document` are called only when a body is needed."""

    name: str  # the file name people see (Chinese), without extension
    slug: str  # ASCII: the fallback file name and the ETag's prefix
    headers: list
    rows: Callable[[], Iterable]
    version: str  # changes whenever the data does (e.g. the edition's pk and last change)
    sheet: str = "Sheet1"
    modified: object = None  # datetime of the last change, for Last-Modified
    document: Callable[[], object] | None = None  # the JSON document
    json_chunks: Callable[[], Iterable[str]] | None = None  # or the JSON text in pieces, for large lists
    formats: tuple = FORMATS
    notes: list | None = None  # rows of a second sheet 说明 (import templates: how to fill the file)


def escape_formula(value):
    """Neutralise cells a spreadsheet would run as formulas: a leading ' makes them text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(text):
    """Undo escape_formula, so that an exported file imports back unchanged."""
    if isinstance(text, str) and len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def write_csv_to(stream, headers, rows):
    """CSV text to an open text stream, row by row (a whole catalogue never sits in memory)."""
    writer = csv.writer(stream)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([escape_formula("" if v is None else v) for v in row])


def write_csv(headers, rows) -> bytes:
    """UTF-8 with BOM, so that Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    write_csv_to(buffer, headers, rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


NOTES_SHEET = "说明"


def write_xlsx_to(target, headers, rows, title="Sheet1", notes=None):
    """An xlsx workbook to a path or binary stream (openpyxl's write-only mode streams rows); `notes`,
    rows of text, become a second sheet 说明."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for row in rows:
        # Codes stay text so Excel keeps their leading zeros.
        sheet.append([escape_formula(v) for v in row])
    if notes:
        help_sheet = workbook.create_sheet(title=NOTES_SHEET)
        for line in notes:
            help_sheet.append([escape_formula(v) for v in (line if isinstance(line, (list, tuple)) else [line])])
    workbook.save(target)


def write_xlsx(headers, rows, title="Sheet1", notes=None) -> bytes:
    buffer = io.BytesIO()
    write_xlsx_to(buffer, headers, rows, title=title, notes=notes)
    return buffer.getvalue()


def _json_chunks(spec):
    if spec.json_chunks is not None:
        return spec.json_chunks()
    return [json.dumps(spec.document(), ensure_ascii=False, indent=1)]


def _beating(pieces, beat):
    """The pieces, calling beat() between them: a long file keeps its background job's heartbeat going."""
    for piece in pieces:
        beat()
        yield piece


def export_write(spec, fmt, path, beat=lambda progress=None: None):
    """Write the `fmt` file of `spec` to `path` (a file name): what open-data files are made with."""
    if fmt == "csv":
        with open(path, "w", encoding="utf-8-sig", newline="") as stream:
            write_csv_to(stream, spec.headers, _beating(spec.rows(), beat))
    elif fmt == "xlsx":
        write_xlsx_to(path, spec.headers, _beating(spec.rows(), beat), title=spec.sheet)
    else:
        with open(path, "w", encoding="utf-8") as stream:
            for piece in _beating(_json_chunks(spec), beat):
                stream.write(piece)


def export_bytes(spec, fmt) -> bytes:
    if fmt == "csv":
        return write_csv(spec.headers, spec.rows())
    if fmt == "xlsx":
        return write_xlsx(spec.headers, spec.rows(), title=spec.sheet, notes=spec.notes)
    return "".join(_json_chunks(spec)).encode("utf-8")


def content_disposition(name, ascii_name):
    """attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded name> (RFC 6266)."""
    name = _UNSAFE_NAME.sub("_", name).strip("_") or ascii_name
    ascii_name = _ASCII_UNSAFE.sub("_", ascii_name).strip("_") or "download"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


# Raise when the same data gives other file contents (columns, layout): every ETag changes with it.
EXPORT_VERSION = 1


def export_etag(spec, fmt, encoding=""):
    """The one ETag scheme: the spec's slug and data version, the format and the transfer encoding, hashed."""
    raw = f"{spec.slug}|{spec.version}|{fmt}|{encoding}|{EXPORT_VERSION}"
    return quote_etag(f"{spec.slug}-{hashlib.sha256(raw.encode()).hexdigest()[:24]}")


def export_response(request, spec, fmt, *, body=None, encoding="", max_age=300):
    """The download of `spec` in `fmt`: a 304 when the client's copy is current, else the file with every header.

    `body()` gives the bytes or an open binary file when the caller keeps them (open-data files),
    else the file is written here. `encoding` ("gzip") is the Content-Encoding of that body.
    `max_age=None` sets no Cache-Control (the admin: its own never-cache applies).
    """
    if fmt not in spec.formats:
        raise ValueError(fmt)
    etag = export_etag(spec, fmt, encoding)
    modified = int(spec.modified.timestamp()) if spec.modified is not None else None
    if request is not None and request.method in ("GET", "HEAD"):
        not_modified = get_conditional_response(request, etag=etag, last_modified=modified)
        if not_modified is not None:
            return _headers(not_modified, spec, fmt, etag, modified, encoding, max_age, body_headers=False)
    content = body() if body is not None else export_bytes(spec, fmt)
    if isinstance(content, (bytes, str)):
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    else:
        response = FileResponse(content, content_type=CONTENT_TYPES[fmt])
    return _headers(response, spec, fmt, etag, modified, encoding, max_age)


def _headers(response, spec, fmt, etag, modified, encoding, max_age, body_headers=True):
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    if body_headers and not isinstance(response, HttpResponseNotModified):
        # Named after the data, never after a stored (possibly .gz) file.
        response["Content-Disposition"] = content_disposition(f"{spec.name}.{fmt}", f"{spec.slug}.{fmt}")
        if encoding:
            response["Content-Encoding"] = encoding
    if encoding or fmt in ("csv", "json"):
        patch_vary_headers(response, ["Accept-Encoding"])
    if max_age is not None:
        patch_cache_control(response, public=True, max_age=max_age)
    return response


def file_response(request, path_or_file, *, name, slug, ext, version, public=True):
    """A stored document (a PDF) sent with the same disposition, ETag scheme and 304."""
    spec = ExportSpec(name=name, slug=slug, headers=[], rows=list, version=version, formats=(ext,))
    response = export_response(request, spec, ext, body=lambda: path_or_file() if callable(path_or_file) else path_or_file,
                               max_age=3600 if public else None)
    if not public:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def edition_version(edition):
    """The data version of an edition for ETags: its identity, last change and status (publish archives the old one)."""
    return f"{edition.pk}-{edition.updated_at.timestamp():.6f}-{edition.status}"
