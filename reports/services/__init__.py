"""Writes and renderings of annual reports; views, admin and commands all call these."""
from .content import report_content, report_render_html  # noqa: F401
from .lifecycle import (  # noqa: F401
    report_check_publishable, report_copy, report_publish, report_send_back, report_submit,
)
from .pdf import report_build_pdf, report_file, report_pdf, report_pdf_filename  # noqa: F401


def report_document(report, extension):
    """(storage path, etag) of the report as pdf, docx or ofd."""
    if extension == "pdf":
        return report_pdf(report)
    from .docx import report_build_docx
    from .ofd import report_build_ofd

    return report_file(report, extension, {"docx": report_build_docx, "ofd": report_build_ofd}[extension])
