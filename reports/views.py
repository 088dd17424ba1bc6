"""Public pages of annual reports: the list, one report as HTML, and its PDF."""
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseNotModified
from django.shortcuts import render

from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from permits.kernel.cache import public_cache

from .selectors import report_for_year, report_list_for
from .services import report_content, report_document, report_render_html
from .services.content import missing_figures
from .services.pdf import report_filename


@public_cache("reports")
@require_safe
def report_list(request):
    return render(request, "reports/reports.html", {"reports": list(report_list_for(request.user))})


@public_cache("reports", "permits", "intermediaries", "powers", "onethings")
@require_safe
def report_detail(request, year):
    report = report_for_year(year, request.user)
    content = report_content(report)
    response = render(request, "reports/report.html", {
        "report": report,
        "body": report_render_html(report, content=content, request=request),
        "missing": [] if report.is_published else missing_figures(content),
    })
    if not report.is_published:
        patch_cache_control(response, private=True, no_cache=True)
    return response


CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ofd": "application/ofd",
}


def _download(request, year, extension):
    report = report_for_year(year, request.user)
    path, key = report_document(report, extension)
    etag = f'"{key}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    response = FileResponse(default_storage.open(path, "rb"), content_type=CONTENT_TYPES[extension],
                            filename=report_filename(report, extension), as_attachment=extension != "pdf")
    response["ETag"] = etag
    if report.is_published:
        patch_cache_control(response, public=True, max_age=3600)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def report_pdf_download(request, year):
    return _download(request, year, "pdf")


@require_safe
def report_docx_download(request, year):
    return _download(request, year, "docx")


@require_safe
def report_ofd_download(request, year):
    return _download(request, year, "ofd")
