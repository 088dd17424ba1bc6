"""Public pages of annual reports: the list, one report as HTML, and its PDF."""
from django.core.files.storage import default_storage
from django.shortcuts import render

from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from permits.kernel.cache import public_cache
from permits.kernel.exporting import file_response

from .selectors import report_for_year, report_list_for
from .services import report_content, report_pdf, report_pdf_filename, report_render_html
from .services.content import missing_figures


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


@require_safe
def report_pdf_download(request, year):
    report = report_for_year(year, request.user)
    path, key = report_pdf(report)
    return file_response(request, lambda: default_storage.open(path, "rb"),
                         name=report_pdf_filename(report).removesuffix(".pdf"), slug=f"report-{report.year}",
                         ext="pdf", version=key, public=report.is_published)
