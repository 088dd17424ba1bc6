"""The PDF: WeasyPrint after GB/T 9704-2012, rendered once per state of the data and kept in storage.

The state key is a digest of the report's content (prose, figures, chart data), so any change in
the report, its sections, the year's staff figures or a catalogue figure gives a new PDF; a lock in
the shared cache makes concurrent requests for the same unrendered state render it once.

A publish freezes the content and queues the frozen PDF's render (`report_pdf_freeze_task`, after
commit); a download before that job is done renders the frozen content here, under the cache lock,
as for a draft: a cold render stays under 2 s (bench/report.py), far inside the request timeout,
so a PDF request never needs the open-data files' 503.
"""
import datetime
import logging
import time
from functools import lru_cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from .content import content_key, report_content, report_render_html

logger = logging.getLogger(__name__)

CACHE_DIR = "reports/cache"
LOCK_TIMEOUT = 120  # seconds a renderer may hold the lock before others give up waiting
WAIT_STEP = 0.05
PDF_VARIANT = "pdf/a-3u"
PRUNE_AFTER = datetime.timedelta(hours=1)


@lru_cache(maxsize=1)
def _stylesheet():
    from weasyprint import CSS

    path = finders.find("reports/pdf.css")
    return CSS(string=Path(path).read_text(encoding="utf-8"))


LANGUAGE = "zh-CN"
DC_LANGUAGE = (
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    f'<dc:language><rdf:Bag><rdf:li>{LANGUAGE}</rdf:li></rdf:Bag></dc:language></rdf:Description>'
).encode()


def _with_language(generate):
    # WeasyPrint's XMP has no dc:language: add it inside its one rdf:RDF.
    def wrapped(*args, **kwargs):
        return generate(*args, **kwargs).replace(b"</rdf:RDF>", DC_LANGUAGE + b"</rdf:RDF>")
    return wrapped


def render_pdf_bytes(html):
    """HTML → archival PDF bytes (PDF/A-3u, tagged); metadata comes from the document's head
    (custom <meta> names, such as the draft's status, go into the Info dictionary)."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(Path(__file__).resolve().parent)).render(
        stylesheets=[_stylesheet()], pdf_variant=PDF_VARIANT, pdf_tags=True, custom_metadata=True)
    document.metadata.generate_rdf_metadata = _with_language(document.metadata.generate_rdf_metadata)
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, uncompressed_pdf=False,
                              custom_metadata=True)


def report_build_pdf(report, *, content=None, draft=None):
    """The PDF bytes of a report in its current state (not cached); `draft` False when publishing."""
    content = content or report_content(report)
    return render_pdf_bytes(report_render_html(report, content=content, for_pdf=True, draft=draft))


def cache_path(key, extension="pdf"):
    return f"{CACHE_DIR}/{key}.{extension}"


def _ready(path, lock):
    # While the lock is held the file may still be being written.
    return cache.get(lock) is None and default_storage.exists(path)


def cached_render(key, render, *, wait=LOCK_TIMEOUT, extension="pdf"):
    """Storage path of the file for `key`, calling render() -> bytes only if no one has yet.

    One process takes the cache lock and renders; the others poll storage until the file appears."""
    path = cache_path(key, extension)
    lock = f"reports:{extension}-lock:{key}"
    if _ready(path, lock):
        return path
    deadline = time.monotonic() + wait
    while True:
        if cache.add(lock, 1, timeout=LOCK_TIMEOUT):
            try:
                if not default_storage.exists(path):
                    data = render()
                    # Save under the final name only when complete, so readers never see half a file.
                    default_storage.save(path, ContentFile(data))
                return path
            finally:
                cache.delete(lock)
        time.sleep(WAIT_STEP)
        if _ready(path, lock):
            return path
        if time.monotonic() > deadline:
            logger.warning("%s lock %s held too long; rendering here", extension, key)
            cache.delete(lock)


def report_pdf(report):
    """(storage path, etag) of the PDF to serve: the frozen one if published, else the cached live one."""
    if report.is_published and report.frozen_pdf and default_storage.exists(report.frozen_pdf.name):
        return report.frozen_pdf.name, (report.frozen_figures or {}).get("state") or Path(report.frozen_pdf.name).stem
    # A draft, or a published report whose stored file is gone: render its (frozen) content, cached.
    return report_file(report, "pdf", report_build_pdf)


def report_file(report, extension, build):
    """(storage path, etag) of the report in a format, rendered by build(report, content=…) once per state."""
    content = report_content(report)
    key = f"{report.year}-{content_key(content)}"
    path = cached_render(key, lambda: build(report, content=content), extension=extension)
    _prune(report.year, keep=path, extension=extension)
    return path, key if extension == "pdf" else f"{key}-{extension}"


def _prune(year, *, keep, extension="pdf", older_than=PRUNE_AFTER):
    """Remove this year's cached PDFs of earlier states once nobody can still be downloading them."""
    try:
        _, files = default_storage.listdir(CACHE_DIR)
    except (FileNotFoundError, NotImplementedError):
        return
    limit = timezone.now() - older_than
    for name in files:
        path = f"{CACHE_DIR}/{name}"
        if name.startswith(f"{year}-") and name.endswith(f".{extension}") and path != keep:
            try:
                if default_storage.get_modified_time(path) < limit:
                    default_storage.delete(path)
            except (FileNotFoundError, NotImplementedError):
                pass


def report_pdf_freeze(report, *, beat=lambda progress=None: None):
    """Render a published report's frozen content and keep it as its PDF (the job a publish queues);
    the stored name, or None if the report is not published."""
    from reports.models import AnnualReport

    report = AnnualReport.objects.get(pk=report.pk)
    if not report.is_published:
        return None
    if report.frozen_pdf and default_storage.exists(report.frozen_pdf.name):
        return report.frozen_pdf.name
    content = report.frozen_figures
    data = report_build_pdf(report, content=content, draft=False)
    beat("PDF 已生成")
    # The row's other fields are frozen: only the file's name is written.
    name = default_storage.save(f"reports/{report.year}-{content['state']}.pdf", ContentFile(data))
    AnnualReport.objects.filter(pk=report.pk).update(frozen_pdf=name)
    return name


def report_pdf_job_key(report):
    return f"report-pdf:{report.pk}-{(report.frozen_figures or {}).get('state', '')}"


def report_pdf_freeze_start(report):
    """Queue report_pdf_freeze for a report just published (once per report and state)."""
    from permits.kernel.jobs.services import job_enqueue
    from reports.tasks import report_pdf_freeze_task  # the task module imports this one

    return job_enqueue(report_pdf_freeze_task, report_pdf_job_key(report), report_id=report.pk)


def report_filename(report, extension="pdf"):
    """The download's name: the report's title, as in the document and its metadata."""
    return f"{report.title}.{extension}"


def report_pdf_filename(report):
    return report_filename(report, "pdf")
