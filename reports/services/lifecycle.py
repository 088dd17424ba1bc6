"""Publishing (which freezes a report) and starting next year's report from this one."""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from permits.kernel.access.audit import audit_record
from permits.kernel.access.roles import REVIEWER, user_has_role
from permits.kernel.states import review_comment_required, state_check, state_move
from permits.models import AuditEvent
from reports.models import AnnualReport, ReportSection
from reports.placeholders import validate_placeholders

from .content import content_key, missing_figures, report_content
from .pdf import report_pdf_filename, report_pdf_freeze_start


def report_check_publishable(report):
    """Raise ValidationError if the report cannot be published as it stands."""
    state_check(report, "publish")
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
    """Freeze the report's prose and figures as they are now and publish it (reviewers only); its PDF
    is rendered from them by a background job queued once this commits."""
    if user is not None and not user_has_role(user, REVIEWER):
        raise PermissionDenied("只有“审核发布”角色可以发布年度报告。")
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    report.published_on = published_on or report.published_on or timezone.localdate()
    content = report_check_publishable(report)
    content["published_on"] = report.published_on.isoformat()
    content["state"] = content_key(content)
    report.frozen_figures = content
    state_move(report, "publish", user=user, details={"published_on": report.published_on.isoformat()})
    transaction.on_commit(lambda: report_pdf_freeze_start(report))
    return report


@transaction.atomic
def report_submit(report, *, user=None):
    """An editor hands a draft report to review."""
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    return state_move(report, "submit", user=user, review_comment="")


@transaction.atomic
def report_send_back(report, *, user=None, comment=""):
    """A reviewer returns a submitted report to its editors with a comment."""
    comment = review_comment_required(comment)
    report = AnnualReport.objects.select_for_update().get(pk=report.pk)
    return state_move(report, "send_back", user=user, details={"comment": comment}, review_comment=comment)


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
