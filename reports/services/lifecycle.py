"""Publishing (which freezes a report) and starting next year's report from this one."""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from permits.models import AuditEvent, EditionStatus
from permits.selectors.roles import REVIEWER, user_has_role
from permits.services.audit import audit_record
from reports.models import AnnualReport, ReportSection
from reports.placeholders import validate_placeholders

from .content import content_key, missing_figures, report_content
from .pdf import report_build_pdf, report_pdf_filename


def report_check_publishable(report):
    """Raise ValidationError if the report cannot be published as it stands."""
    if report.is_published:
        raise ValidationError(f"《{report}》已发布。")
    content = report_content(report)
    for section in content["sections"]:
        validate_placeholders(section["heading"] + "\n" + section["body"], content["figures"].keys())
    missing = missing_figures(content)
    if missing:
        raise ValidationError(
            "以下数据缺失，不能发布：%(missing)s。请先补录年度数据或发布对应清单。",
            code="missing_figures", params={"missing": "、".join(missing)},
        )
    return content


@transaction.atomic
def report_publish(report, *, user=None, published_on=None):
    """Freeze the report's prose, figures and PDF as they are now and publish it (reviewers only)."""
    if user is not None and not user_has_role(user, REVIEWER):
        raise PermissionDenied("只有“审核发布”角色可以发布年度报告。")
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    report.published_on = published_on or report.published_on or timezone.localdate()
    content = report_check_publishable(report)
    content["published_on"] = report.published_on.isoformat()
    pdf = report_build_pdf(report, content=content, draft=False)
    content["state"] = content_key(content)
    report.frozen_figures = content
    report.status = EditionStatus.PUBLISHED
    report.frozen_pdf.save(f"{report.year}-{content['state']}.pdf", ContentFile(pdf), save=False)
    report.save()
    audit_record(AuditEvent.Action.PUBLISH, report, user, {"published_on": report.published_on.isoformat()})
    return report


@transaction.atomic
def report_submit(report, *, user=None):
    """An editor hands a draft report to review."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != EditionStatus.DRAFT:
        raise ValidationError(f"《{report}》不是草稿，不能提交审核。")
    report.status = EditionStatus.SUBMITTED
    report.review_comment = ""
    report.save(update_fields=["status", "review_comment", "updated_at"])
    audit_record(AuditEvent.Action.SUBMIT, report, user)
    return report


@transaction.atomic
def report_send_back(report, *, user=None, comment=""):
    """A reviewer returns a submitted report to its editors with a comment."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if report.status != EditionStatus.SUBMITTED:
        raise ValidationError(f"《{report}》不在待审核状态，不能退回。")
    if not comment.strip():
        raise ValidationError("退回时请填写审核意见。")
    report.status = EditionStatus.DRAFT
    report.review_comment = comment.strip()
    report.save(update_fields=["status", "review_comment", "updated_at"])
    audit_record(AuditEvent.Action.SEND_BACK, report, user, {"comment": report.review_comment})
    return report


@transaction.atomic
def report_copy(report, *, year=None, user=None):
    """Next year's draft from this report: title, intro and sections copied; figures are not."""
    year = year or report.year + 1
    if AnnualReport.objects.filter(year=year).exists():
        raise ValidationError(f"{year}年度报告已存在。")
    old, new = str(report.year), str(year)
    copy = AnnualReport.objects.create(
        year=year, organisation=report.organisation, title=re.sub(old, new, report.title),
        intro=report.intro.replace(old, new), copied_from=report,
    )
    for s in report.sections.order_by("order", "pk"):
        ReportSection.objects.create(report=copy, order=s.order, level=s.level, heading=s.heading, body=s.body)
    audit_record(AuditEvent.Action.COPY, copy, user, {"copied_from": report.pk})
    return copy


__all__ = ["report_publish", "report_submit", "report_send_back", "report_copy", "report_check_publishable",
           "report_pdf_filename"]
