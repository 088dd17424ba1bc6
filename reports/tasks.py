"""Background tasks of the reports floor, run by `manage.py db_worker` (pattern: permits.kernel.jobs.services)."""
from permits.kernel.jobs.services import background_job


@background_job
def report_pdf_freeze_task(*, report_id, beat):
    """Render and keep the PDF of the report `report_id` just published."""
    from reports.models import AnnualReport
    from reports.services.pdf import report_pdf_freeze

    report = AnnualReport.objects.filter(pk=report_id).first()
    return report_pdf_freeze(report, beat=beat) if report is not None else None
