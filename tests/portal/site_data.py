"""Every public section with data: build_2024's catalogues, lists and bundles, its report published."""
import datetime

from permits.models import EditionStatus
from reports.models import AnnualReport
from tests.portal.catalogue_data import site_profile
from tests.reports.factories import build_2024

REPORT_PUBLISHED_ON = datetime.date(2025, 1, 20)


def build_public_site():
    site_profile()
    data = build_2024()
    AnnualReport.objects.filter(pk=data["report"].pk).update(status=EditionStatus.PUBLISHED,
                                                             published_on=REPORT_PUBLISHED_ON)
    return data
