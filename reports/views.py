"""Public pages of annual reports: the list, one report as HTML, and its PDF."""
from django.core.files.storage import default_storage
from django.shortcuts import render

from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from permits.kernel.cache import public_cache
from permits.kernel.exporting import file_response

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


def _download(request, year, extension):
    report = report_for_year(year, request.user)
    path, key = report_document(report, extension)
    return file_response(request, lambda: default_storage.open(path, "rb"),
                         name=report_filename(report, extension).removesuffix(f".{extension}"),
                         slug=f"report-{report.year}", ext=extension, version=key, public=report.is_published)


@require_safe
def report_pdf_download(request, year):
    return _download(request, year, "pdf")


@require_safe
def report_docx_download(request, year):
    return _download(request, year, "docx")


@require_safe
def report_ofd_download(request, year):
    return _download(request, year, "ofd")
