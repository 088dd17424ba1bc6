"""Reads for annual reports."""
from django.http import Http404

from .models import AnnualReport


def report_list_for(user):
    """Published reports for everyone; staff also see drafts."""
    qs = AnnualReport.objects.only("pk", "year", "title", "status", "published_on").order_by("-year")
    return qs if getattr(user, "is_staff", False) else qs.published()


def report_for_year(year, user):
    """The report of `year` if this user may read it; drafts are 404 for the public."""
    report = AnnualReport.objects.filter(year=year).first()
    if report is None or not (report.is_published or getattr(user, "is_staff", False)):
        raise Http404("没有该年度的报告")
    return report
